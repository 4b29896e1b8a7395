package aci

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
)

// maxManifestSize bounds the one file CheckArchive keeps in memory. Real
// manifests are a few KiB; lib/appc never needs more.
const maxManifestSize = 1 << 20

// Problem is one finding about an archive or an image directory.
type Problem struct {
	// Entry is the tar entry name as written, or the path relative to
	// the image directory; "" when the problem is about the whole image.
	Entry string
	// Msg is a lowercase phrase stating the rule that was broken.
	Msg string
	// Warning is true when the image stays valid despite the problem.
	Warning bool
}

// String returns `entry "NAME": MSG`, or just MSG for a whole-image
// problem. The name is quoted because archives may hold any bytes there.
// Warnings are not marked; callers add their own prefix.
func (p Problem) String() string {
	if p.Entry == "" {
		return p.Msg
	}
	return fmt.Sprintf("entry %q: %s", p.Entry, p.Msg)
}

// CheckOptions tunes CheckArchive.
type CheckOptions struct {
	// MaxSize caps the decompressed bytes read; 0 means no cap. Going over
	// is a Problem and checking stops there (appc G35: decompression bombs).
	MaxSize int64
	// Hash, when set, is written every decompressed byte as it is read,
	// so the image ID can be computed in the same pass as the checks.
	Hash io.Writer
}

// Result is what checking an image found.
type Result struct {
	Compression Compression
	// Manifest holds the manifest file's bytes: nil if there is none, or
	// if it is not a regular file or is larger than 1 MiB.
	Manifest []byte
	Problems []Problem
	// Size is the number of decompressed bytes read: the whole stream to
	// EOF, end-of-archive blocks and trailing padding included, which is
	// what the image ID hashes. For a directory, the sum of the sizes of
	// its regular files.
	Size int64
	// Entries counts the tar headers read (PAX global headers included)
	// or the files and directories found.
	Entries int
}

// Valid reports whether no problem is an error.
func (r *Result) Valid() bool {
	for _, p := range r.Problems {
		if !p.Warning {
			return false
		}
	}
	return true
}

func (r *Result) errorf(entry, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Entry: entry, Msg: fmt.Sprintf(format, args...)})
}

func (r *Result) warnf(entry, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Entry: entry, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// CheckArchive reads an ACI of any compression as a stream, once, and
// checks its layout against appc A.1 and the hostile-archive list G1-G16,
// G35. It returns an error only when reading r fails; everything wrong
// with the content, including corrupt compression or tar data, is a
// Problem. Memory does not grow with file contents, only by a few dozen
// bytes per entry name, kept for duplicate and hardlink checks.
func CheckArchive(r io.Reader, opts CheckOptions) (*Result, error) {
	src := &sourceReader{r: r}
	res := &Result{}
	rc, comp, err := Decompress(src)
	res.Compression = comp
	if err != nil {
		if src.err != nil {
			return res, fmt.Errorf("reading archive: %w", src.err)
		}
		res.errorf("", "%v", err)
		return res, nil
	}
	defer rc.Close()
	// Decompression runs ahead on its own goroutine: on two cores the tar
	// walk then costs almost nothing on top of gunzip.
	ahead := ReadAhead(rc)
	body := &countingReader{r: ahead, max: opts.MaxSize, hash: opts.Hash}
	err = newArchiveChecker(res).run(tar.NewReader(body), body)
	ahead.Close()
	res.Size = body.n
	if src.err != nil {
		return res, fmt.Errorf("reading archive: %w", src.err)
	}
	if err != nil {
		res.Problems = append(res.Problems, streamProblem(err, body, comp))
	}
	return res, nil
}

// streamProblem names the layer at fault when reading stopped early.
func streamProblem(err error, body *countingReader, comp Compression) Problem {
	switch {
	case body.over:
		return Problem{Msg: fmt.Sprintf("decompressed size exceeds the limit of %d bytes", body.max)}
	case body.err != nil:
		return Problem{Msg: fmt.Sprintf("truncated or corrupt %s data: %v", comp, body.err)}
	}
	return Problem{Msg: fmt.Sprintf("truncated or corrupt tar: %v", err)}
}

// sourceReader remembers the first failure of the caller's reader, the
// one kind of failure CheckArchive reports as an error.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && s.err == nil {
		s.err = err
	}
	return n, err
}

var errSizeLimit = errors.New("decompressed size limit exceeded")

// countingReader counts decompressed bytes, enforces the size cap and
// remembers decoder failures so they can be told apart from bad tar data.
type countingReader struct {
	r    io.Reader
	n    int64
	max  int64 // 0: no cap
	over bool
	err  error // from the decoder, not EOF
	hash io.Writer
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.over {
		return 0, errSizeLimit
	}
	if c.max > 0 && int64(len(p)) > c.max-c.n+1 {
		p = p[:c.max-c.n+1] // one byte past the cap proves it is exceeded
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.hash != nil && n > 0 {
		c.hash.Write(p[:n]) //nolint:errcheck // hashes never fail
	}
	if c.max > 0 && c.n > c.max {
		c.over = true
		return n, errSizeLimit
	}
	if err != nil && !errors.Is(err, io.EOF) && c.err == nil {
		c.err = err
	}
	return n, err
}

// drainTrailer reads what follows the end-of-archive marker so Size
// counts every byte. Zeros there are ordinary record padding; anything
// else is invisible to this reader but not to `tar --ignore-zeros`, so it
// is worth a warning.
func drainTrailer(r io.Reader, res *Result) error {
	buf := make([]byte, 32<<10)
	warned := false
	for {
		n, err := r.Read(buf)
		if !warned && n > 0 && !allZero(buf[:n]) {
			res.warnf("", "non-zero data after the end-of-archive marker (ignored)")
			warned = true
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
