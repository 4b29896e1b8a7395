package aci

import (
	"archive/tar"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
)

// entryKind is what the duplicate and hardlink checks remember of a name.
type entryKind uint8

const (
	kindOther entryKind = iota
	kindDir
	kindRegular // a regular file, or a valid hardlink to one
)

// nameKey is a name's hash. Sixteen bytes of SHA-256 keep a million
// entries in a few dozen MB whatever the name lengths, with no realistic
// chance of two names colliding.
type nameKey [16]byte

func keyOf(name string) nameKey {
	sum := sha256.Sum256([]byte(name))
	return nameKey(sum[:16])
}

// archiveChecker applies the layout rules to one tar stream.
type archiveChecker struct {
	res          *Result
	seen         map[nameKey]entryKind
	sawManifest  bool
	sawRootfs    bool
	warnedGlobal bool
}

func newArchiveChecker(res *Result) *archiveChecker {
	return &archiveChecker{res: res, seen: make(map[nameKey]entryKind)}
}

// run checks every entry, then reads the rest of the stream. An error
// means the stream could not be read to its end.
func (c *archiveChecker) run(tr *tar.Reader, body io.Reader) error {
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		c.res.Entries++
		if err := c.entry(tr, hdr); err != nil {
			return err
		}
	}
	c.finish()
	return drainTrailer(body, c.res)
}

func (c *archiveChecker) finish() {
	if !c.sawManifest {
		c.res.errorf("", "no manifest entry")
	}
	if !c.sawRootfs {
		c.res.errorf("", "no rootfs directory entry")
	}
}

func (c *archiveChecker) entry(tr *tar.Reader, hdr *tar.Header) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		c.globalHeader(hdr)
		return nil
	}
	name, ok := c.cleanName(hdr.Name, hdr.Name, "name")
	if !ok {
		return nil
	}
	if name == "." {
		c.root(hdr)
		return nil
	}
	c.checkType(hdr)
	kind := c.kindOf(hdr)
	c.record(hdr.Name, name, kind)
	return c.place(tr, hdr, name)
}

// globalHeader tolerates a PAX global header: Go and GNU tar apply it, no
// entry of an ACI needs it, and actool's refusal of it is a bug (appc G15).
func (c *archiveChecker) globalHeader(hdr *tar.Header) {
	if !c.warnedGlobal {
		c.res.warnf(hdr.Name, "PAX global header ignored")
		c.warnedGlobal = true
	}
}

// root accepts the "./" entry many tar tools write first.
func (c *archiveChecker) root(hdr *tar.Header) {
	if hdr.Typeflag != tar.TypeDir {
		c.res.errorf(hdr.Name, "the archive root must be a directory, not a %s", typeName(hdr.Typeflag))
	}
}

// kindOf classifies an entry for later hardlinks. It checks a hardlink's
// target now, before the link itself is recorded, so a self-link fails.
func (c *archiveChecker) kindOf(hdr *tar.Header) entryKind {
	switch hdr.Typeflag {
	case tar.TypeReg:
		return kindRegular
	case tar.TypeDir:
		return kindDir
	case tar.TypeLink:
		if c.checkLink(hdr) {
			return kindRegular
		}
	}
	return kindOther
}

// record notes a cleaned name and reports it if seen before (appc ACI-2,
// G5, G6). The first entry's kind is kept.
func (c *archiveChecker) record(raw, name string, kind entryKind) {
	k := keyOf(name)
	if _, dup := c.seen[k]; dup {
		c.res.errorf(raw, "duplicate of an earlier entry (names compared after cleaning)")
		return
	}
	c.seen[k] = kind
}

// place applies the top-level rules by path component (appc ACI-3, G3,
// G7, G8): only "manifest", a regular file, and "rootfs", a directory,
// with everything else below rootfs.
func (c *archiveChecker) place(tr *tar.Reader, hdr *tar.Header, name string) error {
	switch {
	case name == "manifest":
		return c.manifest(tr, hdr)
	case name == "rootfs":
		c.sawRootfs = true
		if hdr.Typeflag != tar.TypeDir {
			c.res.errorf(hdr.Name, "rootfs must be a directory, not a %s", typeName(hdr.Typeflag))
		}
	case !strings.HasPrefix(name, "rootfs/"):
		c.res.errorf(hdr.Name, "outside rootfs/: an ACI holds only manifest and rootfs")
	}
	return nil
}

// manifest keeps the first manifest's bytes for lib/appc to parse.
func (c *archiveChecker) manifest(tr *tar.Reader, hdr *tar.Header) error {
	first := !c.sawManifest
	c.sawManifest = true
	switch {
	case hdr.Typeflag != tar.TypeReg:
		c.res.errorf(hdr.Name, "manifest must be a regular file, not a %s", typeName(hdr.Typeflag))
	case hdr.Size > maxManifestSize:
		c.res.errorf(hdr.Name, "manifest is %d bytes, more than the limit of %d", hdr.Size, maxManifestSize)
	case first:
		body, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		c.res.Manifest = body
	}
	return nil
}
