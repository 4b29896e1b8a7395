package aci

import (
	"archive/tar"
	"bufio"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"
)

// PackOptions says what Pack puts in an ACI and how it encodes it.
type PackOptions struct {
	// Manifest is the manifest file's bytes, written as-is; the caller has
	// validated them.
	Manifest []byte
	// RootfsDir is a directory packed as rootfs/. Exactly one of RootfsDir
	// and RootfsTar is set.
	RootfsDir string
	// RootfsTar is a tar stream whose entries are re-wrapped under rootfs/,
	// in stream order: the output is then as deterministic as the input.
	RootfsTar io.Reader
	// Compression is the outer encoding: None, Gzip, Xz or Zstd (zstd is
	// not an appc encoding; readers of this package accept it). Bzip2 is
	// refused.
	Compression Compression
	// Level is the compression level; 0 means the codec's default (gzip 6,
	// xz and zstd their own defaults). Only gzip honours other values.
	Level int
	// Epoch (SOURCE_DATE_EPOCH) clamps every mtime, the manifest's
	// included. Nil keeps file mtimes; the manifest's is then the Unix
	// epoch, never the wall clock.
	Epoch *time.Time
	// Warn receives non-fatal notes such as skipped sockets; may be nil.
	Warn func(msg string)
	// TarSplit, when set, receives tar-split metadata (gzip'd JSON entries)
	// from which the tar can be rebuilt given the rootfs tree.
	TarSplit io.Writer
	// SkipID leaves PackResult.ID empty: a caller that has no use for the
	// ID saves hashing the whole tar (about a sixth of the CPU time).
	SkipID bool
	// Concurrency is the number of compression goroutines; 0 = GOMAXPROCS.
	// It never changes the output bytes.
	Concurrency int
}

// PackResult describes the ACI Pack wrote.
type PackResult struct {
	// ID is "sha512-" and 128 lowercase hex digits of the uncompressed tar.
	ID string
	// TarSize is the length of the uncompressed tar in bytes.
	TarSize int64
	// Entries is the number of tar entries, manifest and rootfs included.
	Entries int
}

// ErrBzip2Write is returned for Compression Bzip2: Go has no bzip2 writer
// worth shipping and appc readers all take gzip.
var ErrBzip2Write = errors.New("writing bzip2 is not supported")

// ErrFileChanged means a file's size differed from its stat while it was
// being read; the tar would otherwise carry a short or long body.
var ErrFileChanged = errors.New("file changed size while being read")

// Pack writes an ACI to w. The same inputs give the same bytes on any
// machine, under any umask and with any Concurrency:
//
//   - manifest first (0644, root-owned, mtime Epoch or 1970), then an
//     explicit rootfs/ directory, then the tree depth first with each
//     directory's names sorted bytewise (GNU tar --sort=name);
//   - ustar headers, PAX records only for what ustar cannot hold (long or
//     non-ASCII names, big numbers, xattrs as SCHILY.xattr.*), never GNU;
//   - numeric owners with empty names, whole-second mtimes clamped to
//     Epoch, no access or change times, mode bits exactly as stored;
//   - hard links to the first name in that order, symlinks never
//     followed, FIFOs and devices kept, sockets skipped with a warning.
//
// On error nothing is claimed about what reached w: the caller discards
// its temporary file.
func Pack(w io.Writer, opts PackOptions) (PackResult, error) {
	if err := opts.check(); err != nil {
		return PackResult{}, err
	}
	comp, err := newCompressor(w, opts)
	if err != nil {
		return PackResult{}, err
	}
	p := newPacker(comp, opts)
	err = p.run()
	if cerr := comp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("compress: %w", cerr)
	}
	if err != nil {
		return PackResult{}, err
	}
	return p.result(), nil
}

func (o *PackOptions) check() error {
	if (o.RootfsDir == "") == (o.RootfsTar == nil) {
		return errors.New("pack: exactly one of a rootfs directory or a rootfs tar is needed")
	}
	if o.Manifest == nil {
		return errors.New("pack: no manifest")
	}
	return nil
}

// packer holds the writing side shared by the directory and tar sources.
type packer struct {
	opts    PackOptions
	tw      *tar.Writer
	sum     *hashCounter
	buf     *bufio.Writer
	rec     *splitRecorder // nil without TarSplit
	entries int
}

// newPacker stacks tar -> [tar-split recorder] -> buffer -> sha512 -> out.
// The recorder sits above the buffer so it sees each tar.Writer call.
func newPacker(out io.Writer, opts PackOptions) *packer {
	p := &packer{opts: opts, sum: &hashCounter{w: out}}
	if !opts.SkipID {
		p.sum.h = sha512.New()
	}
	p.buf = bufio.NewWriterSize(p.sum, 256<<10)
	var dst io.Writer = p.buf
	if opts.TarSplit != nil {
		p.rec = newSplitRecorder(p.buf, opts.TarSplit)
		dst = p.rec
	}
	p.tw = tar.NewWriter(dst)
	return p
}

func (p *packer) run() error {
	if err := p.writeManifest(); err != nil {
		return err
	}
	var err error
	if p.opts.RootfsDir != "" {
		err = p.packDir(p.opts.RootfsDir)
	} else {
		err = p.packTar(p.opts.RootfsTar)
	}
	if err != nil {
		return err
	}
	return p.finish()
}

func (p *packer) finish() error {
	if err := p.tw.Close(); err != nil {
		return fmt.Errorf("tar: %w", err)
	}
	if err := p.rec.close(); err != nil {
		return fmt.Errorf("tar-split: %w", err)
	}
	if err := p.buf.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

func (p *packer) result() PackResult {
	r := PackResult{TarSize: p.sum.n, Entries: p.entries}
	if p.sum.h != nil {
		r.ID = "sha512-" + hex.EncodeToString(p.sum.h.Sum(nil))
	}
	return r
}

// writeManifest puts the manifest first, fully inside a tar-split segment
// so that reassembly needs only the rootfs tree on disk.
func (p *packer) writeManifest() error {
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     "manifest",
		Mode:     0o644,
		Size:     int64(len(p.opts.Manifest)),
		ModTime:  p.defaultTime(),
	}
	if err := p.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if _, err := p.tw.Write(p.opts.Manifest); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	p.rec.endSegment()
	p.entries++
	return nil
}

// writeEntry writes a header and, for regular files, the body from r;
// what names the source in errors.
func (p *packer) writeEntry(hdr *tar.Header, r io.Reader, what string) error {
	if err := p.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: %w", hdr.Name, err)
	}
	p.rec.endSegment()
	p.entries++
	if hdr.Typeflag != tar.TypeReg || hdr.Size == 0 {
		return p.rec.addFile(hdr.Name, 0)
	}
	p.rec.beginFile()
	if err := copyBody(p.tw, r, hdr.Size); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return p.rec.addFile(hdr.Name, hdr.Size)
}

// defaultTime is the mtime of synthesised entries: the epoch if given,
// else 1970-01-01, so that output never depends on the wall clock.
func (p *packer) defaultTime() time.Time {
	if p.opts.Epoch != nil {
		return p.clamp(*p.opts.Epoch)
	}
	return time.Unix(0, 0)
}

// clamp truncates t to whole seconds and caps it at the epoch.
func (p *packer) clamp(t time.Time) time.Time {
	t = time.Unix(t.Unix(), 0)
	if e := p.opts.Epoch; e != nil && t.Unix() > e.Unix() {
		t = time.Unix(e.Unix(), 0)
	}
	return t
}

func (p *packer) warn(msg string) {
	if p.opts.Warn != nil {
		p.opts.Warn(msg)
	}
}

// hashCounter hashes (unless h is nil) and counts what passes to w, so the
// image ID comes from exactly the bytes written, with no second pass.
type hashCounter struct {
	h hash.Hash
	n int64
	w io.Writer
}

func (c *hashCounter) Write(b []byte) (int, error) {
	if c.h != nil {
		c.h.Write(b)
	}
	c.n += int64(len(b))
	return c.w.Write(b)
}
