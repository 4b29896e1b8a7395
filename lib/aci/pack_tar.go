package aci

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// ErrUnsafeTar marks a rootfs tar entry that Pack refuses to re-wrap: an
// absolute or ".." name, a hard link out of the tree, a duplicate, or a
// type an ACI cannot hold.
var ErrUnsafeTar = errors.New("unsafe rootfs tar entry")

// tarSource re-wraps a tar stream under rootfs/. Entries keep the stream's
// order, so the output is exactly as deterministic as the input. seen
// holds each name (true for directories) to refuse duplicates (appc ACI-2)
// and hard links to names not yet written: it grows with the number of
// entries, not with their size.
type tarSource struct {
	p        *packer
	seen     map[string]bool
	rootDone bool
}

func (p *packer) packTar(r io.Reader) error {
	t := &tarSource{p: p, seen: map[string]bool{}}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("rootfs tar: %w", err)
		}
		if err := t.entry(hdr, tr); err != nil {
			return err
		}
	}
	return t.root(nil)
}

func (t *tarSource) entry(hdr *tar.Header, body io.Reader) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil // actool refuses the entry Go's reader makes of it
	}
	name, err := cleanMember(hdr.Name)
	if err != nil {
		return err
	}
	if name == "." {
		return t.root(hdr)
	}
	if err := t.root(nil); err != nil {
		return err
	}
	out, err := t.header(hdr, name)
	if err != nil {
		return err
	}
	return t.p.writeEntry(out, body, "rootfs tar: "+hdr.Name)
}

// root writes the rootfs/ entry once: from the stream's "./" entry when
// that comes first, otherwise synthesised (0755, root-owned, epoch time).
func (t *tarSource) root(hdr *tar.Header) error {
	if t.rootDone {
		if hdr != nil {
			return fmt.Errorf("rootfs tar: %q: %w: the root must be the first entry", hdr.Name, ErrUnsafeTar)
		}
		return nil
	}
	t.rootDone = true
	out := &tar.Header{Typeflag: tar.TypeDir, Name: "rootfs/", Mode: 0o755, ModTime: t.p.defaultTime()}
	if hdr != nil {
		if hdr.Typeflag != tar.TypeDir {
			return fmt.Errorf("rootfs tar: %q: %w: the root is not a directory", hdr.Name, ErrUnsafeTar)
		}
		out = t.normalise(hdr, tar.TypeDir, "rootfs/")
	}
	return t.p.writeEntry(out, nil, "rootfs tar: root")
}

// header maps an input header to its normalised rootfs/ form.
func (t *tarSource) header(hdr *tar.Header, name string) (*tar.Header, error) {
	typ, err := entryType(hdr)
	if err != nil {
		return nil, err
	}
	if _, dup := t.seen[name]; dup {
		return nil, fmt.Errorf("rootfs tar: %q: %w: duplicate", hdr.Name, ErrUnsafeTar)
	}
	t.seen[name] = typ == tar.TypeDir
	full := "rootfs/" + name
	if typ == tar.TypeDir {
		full += "/"
	}
	out := t.normalise(hdr, typ, full)
	if typ == tar.TypeLink {
		out.Linkname, err = t.linkTarget(hdr)
	}
	return out, err
}

// normalise keeps what describes the file and drops what describes the
// machine that made the tar: owner names, sub-second and access times,
// PAX records other than xattrs.
func (t *tarSource) normalise(hdr *tar.Header, typ byte, name string) *tar.Header {
	out := &tar.Header{
		Typeflag: typ,
		Name:     name,
		Mode:     hdr.Mode & 0o7777,
		Uid:      hdr.Uid,
		Gid:      hdr.Gid,
		ModTime:  t.p.clamp(hdr.ModTime),
	}
	switch typ {
	case tar.TypeReg:
		out.Size = hdr.Size
	case tar.TypeSymlink:
		out.Linkname = hdr.Linkname
	case tar.TypeChar, tar.TypeBlock:
		out.Devmajor, out.Devminor = hdr.Devmajor, hdr.Devminor
	}
	for k, v := range hdr.PAXRecords {
		if strings.HasPrefix(k, paxXattr) {
			if out.PAXRecords == nil {
				out.PAXRecords = map[string]string{}
			}
			out.PAXRecords[k] = v
		}
	}
	return out
}

// linkTarget resolves a hard link to an earlier non-directory entry.
func (t *tarSource) linkTarget(hdr *tar.Header) (string, error) {
	target, err := cleanMember(hdr.Linkname)
	if err != nil {
		return "", err
	}
	if isDir, ok := t.seen[target]; !ok || isDir {
		return "", fmt.Errorf("rootfs tar: %q: %w: hard link to %q, which is not an earlier file", hdr.Name, ErrUnsafeTar, hdr.Linkname)
	}
	return "rootfs/" + target, nil
}

func entryType(hdr *tar.Header) (byte, error) {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return 0, fmt.Errorf("rootfs tar: %q: %w: sparse file", hdr.Name, ErrUnsafeTar)
		}
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeRegA: //nolint:staticcheck // old tars still write '\x00' for regular files
		return tar.TypeReg, nil
	case tar.TypeDir, tar.TypeSymlink, tar.TypeLink, tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return hdr.Typeflag, nil
	}
	return 0, fmt.Errorf("rootfs tar: %q: %w: type %q", hdr.Name, ErrUnsafeTar, hdr.Typeflag)
}

// cleanMember turns a tar name into a clean relative path ("." for the
// root) and refuses absolute names and any ".." component, even one that
// would cancel out.
func cleanMember(name string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("rootfs tar: %q: %w: absolute name", name, ErrUnsafeTar)
	}
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", fmt.Errorf("rootfs tar: %q: %w: \"..\" in name", name, ErrUnsafeTar)
		}
	}
	if name == "" {
		return "", fmt.Errorf("rootfs tar: %w: empty name", ErrUnsafeTar)
	}
	return path.Clean(name), nil
}
