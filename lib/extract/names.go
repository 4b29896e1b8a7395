package extract

import (
	"archive/tar"
	"fmt"
	"path"
	"strings"
)

// maxName is PATH_MAX less its NUL: no longer path can reach a system call.
const maxName = 4095

// entryName checks the archive's name, maps it through Rename and returns
// the cleaned path relative to the root ("" for the root itself).
func (x *extractor) entryName(hdr *tar.Header) (rel string, skip bool, err error) {
	if err := checkName(hdr.Name, "name"); err != nil {
		return "", false, err
	}
	if strings.HasSuffix(hdr.Name, "/") && hdr.Typeflag != tar.TypeDir {
		return "", false, problemf(ErrName, "name ends in \"/\" but the entry is a %s", typeName(hdr.Typeflag))
	}
	return x.rename(hdr.Name, "name")
}

// rename maps a checked archive name through Options.Rename.
func (x *extractor) rename(name, what string) (string, bool, error) {
	if x.o.Rename == nil {
		return clean(name), false, nil
	}
	rel, skip := x.o.Rename(name)
	if skip {
		return "", true, nil
	}
	if err := checkName(rel, what+" after Rename"); err != nil {
		return "", false, err
	}
	return clean(rel), false, nil
}

// checkName refuses names that could leave the root (appc G1, G2, G4).
// ".." is looked for before cleaning, which would hide it.
func checkName(name, what string) error {
	switch {
	case len(name) > maxName:
		return problemf(ErrName, "%s is longer than %d bytes", what, maxName)
	case strings.HasPrefix(name, "/"):
		return problemf(ErrName, "%s %q is absolute", what, name)
	case hasDotDot(name):
		return problemf(ErrName, "%s %q has a \"..\" component", what, name)
	}
	return nil
}

func hasDotDot(name string) bool {
	for part := range strings.SplitSeq(name, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

// clean returns a checked name in its shortest form, "" for the root.
func clean(name string) string {
	c := path.Clean(name)
	if c == "." {
		return ""
	}
	return c
}

// splitRel splits a cleaned relative path into its parent ("" for the
// root) and its last component.
func splitRel(rel string) (dir, name string) {
	i := strings.LastIndexByte(rel, '/')
	if i < 0 {
		return "", rel
	}
	return rel[:i], rel[i+1:]
}

// ACIRootfs is the Rename for an ACI (appc ACI-3): entries below rootfs/
// land relative to the root; manifest, rootfs itself and any other
// top-level name are skipped. Refusing a layout is for lib/aci's
// CheckArchive; names with ".." or a leading "/" never reach Rename, and
// a hardlink to a skipped name is refused.
func ACIRootfs(name string) (string, bool) {
	rel, ok := strings.CutPrefix(clean(name), "rootfs/")
	if !ok || rel == "" {
		return "", true
	}
	return rel, false
}

// checkType lets through the types Extract creates (appc G15). Sparse
// files are refused whether marked by the old GNU typeflag or by PAX
// records, since Go's reader would hand back their expanded contents.
func checkType(hdr *tar.Header) error {
	switch hdr.Typeflag {
	case tar.TypeReg:
		if hasSparseRecords(hdr) {
			return problemf(ErrType, "GNU sparse file: not supported")
		}
		return nil
	case tar.TypeDir, tar.TypeSymlink, tar.TypeLink, tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return nil
	case tar.TypeGNUSparse:
		return problemf(ErrType, "GNU sparse file: not supported")
	}
	return problemf(ErrType, "unsupported entry type %q", hdr.Typeflag)
}

func hasSparseRecords(hdr *tar.Header) bool {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

func typeName(t byte) string {
	switch t {
	case tar.TypeReg:
		return "regular file"
	case tar.TypeDir:
		return "directory"
	case tar.TypeSymlink:
		return "symlink"
	case tar.TypeLink:
		return "hardlink"
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "fifo"
	}
	return fmt.Sprintf("entry of type %q", t)
}
