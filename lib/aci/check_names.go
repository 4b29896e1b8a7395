package aci

import (
	"archive/tar"
	"fmt"
	"path"
	"strings"
)

// cleanName applies the name rules shared by entry names and hardlink
// targets (appc G1, G2, G4) and returns the name cleaned, so "./rootfs/a",
// "rootfs//a" and "rootfs/a/" all become "rootfs/a". The ".." test runs on
// the raw name: cleaning would turn "rootfs/../manifest" into "manifest".
func (c *archiveChecker) cleanName(entry, name, what string) (string, bool) {
	switch {
	case name == "":
		c.res.errorf(entry, "empty %s", what)
	case strings.HasPrefix(name, "/"):
		c.res.errorf(entry, "%s %q is absolute", what, name)
	case hasDotDot(name):
		c.res.errorf(entry, "%s %q has a \"..\" component", what, name)
	default:
		return path.Clean(name), true
	}
	return "", false
}

func hasDotDot(name string) bool {
	for part := range strings.SplitSeq(name, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

// checkLink applies the hardlink rules (appc G10, G11): the target must be
// below rootfs/ and name an earlier regular file. It reports whether the
// link is valid.
func (c *archiveChecker) checkLink(hdr *tar.Header) bool {
	target, ok := c.cleanName(hdr.Name, hdr.Linkname, "hardlink target")
	if !ok {
		return false
	}
	kind, seen := c.seen[keyOf(target)]
	switch {
	case !strings.HasPrefix(target, "rootfs/"):
		c.res.errorf(hdr.Name, "hardlink target %q is outside rootfs/", hdr.Linkname)
	case !seen:
		c.res.errorf(hdr.Name, "hardlink target %q is not an earlier entry", hdr.Linkname)
	case kind != kindRegular:
		c.res.errorf(hdr.Name, "hardlink target %q is not a regular file", hdr.Linkname)
	default:
		return true
	}
	return false
}

// checkType refuses entry types that an ACI reader could not recreate or
// that tools disagree about (appc G15). Sparse files are refused because
// tar-split cannot reassemble them, so their image ID could not be
// proven from an unpacked tree (go-deps.md §3.1).
func (c *archiveChecker) checkType(hdr *tar.Header) {
	switch {
	case hdr.Typeflag == tar.TypeGNUSparse || hasSparseRecords(hdr):
		c.res.errorf(hdr.Name, "sparse file: not supported (cannot be reproduced byte for byte)")
	case !allowedType(hdr.Typeflag):
		c.res.errorf(hdr.Name, "unsupported entry type %q", hdr.Typeflag)
	}
}

func hasSparseRecords(hdr *tar.Header) bool {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

func allowedType(t byte) bool {
	switch t {
	case tar.TypeReg, tar.TypeDir, tar.TypeSymlink, tar.TypeLink,
		tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return true
	}
	return false
}

var typeNames = map[byte]string{
	tar.TypeReg:     "regular file",
	tar.TypeDir:     "directory",
	tar.TypeSymlink: "symlink",
	tar.TypeLink:    "hardlink",
	tar.TypeChar:    "character device",
	tar.TypeBlock:   "block device",
	tar.TypeFifo:    "fifo",
}

// typeName names a typeflag for messages.
func typeName(t byte) string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("entry of type %q", t)
}
