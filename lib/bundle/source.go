package bundle

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/intermodal/intermodal/lib/appc"
)

// Source is the image a bundle is made from.
type Source struct {
	// Name names the image in messages: a path, "-" or an ID.
	Name string
	// Open opens the image file (any compression); it may be called more
	// than once. Nil for a stream.
	Open func() (io.ReadCloser, error)
	// Stream is read, once, when Open is nil (standard input).
	Stream io.Reader
	// ID, when set, is the ID the image must hash to (a stored image).
	ID string
	// Manifest, when set, holds the manifest's bytes as in the image (a
	// stored image), so dependencies are known before it is read.
	Manifest []byte
}

// FileSource is an image file.
func FileSource(name string) Source {
	return Source{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(name) }}
}

// peekSize covers a manifest of the largest size appc allows, with its
// headers, at the front of the tar.
const peekSize = appc.MaxManifestSize + 64<<10

// opened is the decompressed stream of one pass over the top image.
type opened struct {
	tar      io.Reader
	manifest []byte // from the front of the tar, or nil
	close    func()
}

// openTar opens r's decompressed tar and looks for the manifest at its
// front, where aci-pack puts it (actool puts it last: then it is nil).
func openTar(r io.Reader) (*opened, error) {
	dec, _, err := aci.Decompress(r)
	if errors.Is(err, aci.ErrUnknownFormat) {
		return nil, fmt.Errorf("%w: %w", ErrInvalidImage, err)
	}
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(dec, peekSize)
	head, _ := br.Peek(peekSize) // a short or failed read shows up again below
	head = bytes.Clone(head)
	// The bytes already buffered are handed on as they are and the rest is
	// read straight from the decoder, which saves copying every byte
	// through the peek buffer.
	rest, _ := br.Peek(br.Buffered())
	o := &opened{
		tar:      io.MultiReader(bytes.NewReader(bytes.Clone(rest)), dec),
		manifest: frontManifest(head),
		close:    func() { dec.Close() },
	}
	return o, nil
}

// frontManifest returns the manifest when it is the first entry of the tar
// (after a "./" directory entry, if any) and whole within head.
func frontManifest(head []byte) []byte {
	tr := tar.NewReader(bytes.NewReader(head))
	for {
		hdr, err := tr.Next()
		if err != nil {
			return nil
		}
		name := path.Clean(hdr.Name)
		if name == "." && hdr.Typeflag == tar.TypeDir {
			continue
		}
		if name != "manifest" || hdr.Typeflag != tar.TypeReg || hdr.Size > appc.MaxManifestSize {
			return nil
		}
		b, err := io.ReadAll(tr)
		if err != nil || int64(len(b)) != hdr.Size {
			return nil
		}
		return b
	}
}

// spool keeps a copy of a stream read once (standard input) while it is
// not yet known whether a second pass will be needed: when the manifest
// is not at the front, dependencies and whitelists can only be applied by
// rendering again once it has been read.
type spool struct {
	r    io.Reader
	f    *os.File // nil once copying stopped
	path string
	err  error
}

func newSpool(r io.Reader, path string) (*spool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	return &spool{r: r, f: f, path: path}, nil
}

func (s *spool) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 && s.f != nil && s.err == nil {
		_, s.err = s.f.Write(p[:n])
	}
	return n, err
}

// drop stops copying and removes the copy: one pass will do.
func (s *spool) drop() {
	if s != nil && s.f != nil {
		s.f.Close()
		os.Remove(s.path)
		s.f = nil
	}
}

// finish copies what the first pass left unread and returns the whole
// stream as a file to read again.
func (s *spool) finish() (func() (io.ReadCloser, error), error) {
	if s.f == nil {
		return nil, errors.New("standard input was not kept for a second pass")
	}
	if _, err := io.Copy(io.Discard, s); err != nil {
		return nil, err
	}
	if s.err != nil {
		return nil, fmt.Errorf("keeping standard input: %w", s.err)
	}
	name := s.path
	return func() (io.ReadCloser, error) { return os.Open(name) }, nil
}
