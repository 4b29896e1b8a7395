package aci

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// ErrUnknownFormat is returned by Decompress when the input is none of the
// encodings an ACI may have. A tar without the ustar magic (v7) lands here
// too, as it does in actool (appc ACI-5, G16).
var ErrUnknownFormat = errors.New("not an ACI: unknown file type (not gzip, bzip2, xz, zstd or tar)")

// maxWindow caps the history a zstd or xz decoder may allocate. A tiny
// hostile header could otherwise ask for gigabytes before a byte is
// decoded. 128 MiB is twice what `xz -9` and `zstd -19` use; only
// `zstd --long=31` or `--ultra -22` archives are refused.
const maxWindow = 128 << 20

// inputBuffer is the read size on the compressed input. The gzip decoder
// reads straight out of a *bufio.Reader, so a large buffer means few
// system calls.
const inputBuffer = 256 << 10

// peekSize covers the tar magic at offset 257 and the largest possible
// first xz block header (12 + 1024 bytes).
const peekSize = 2048

var (
	magicGzip  = []byte{0x1f, 0x8b}
	magicBzip2 = []byte("BZh")
	magicXz    = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	magicZstd  = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicUstar = []byte("ustar") // at offset 257; "ustar\x0000" (POSIX) or "ustar  \x00" (GNU)
)

// Decompress detects the encoding of r by its magic bytes, never by a file
// name, and returns the uncompressed tar stream. Close releases decoder
// resources; it does not close r.
func Decompress(r io.Reader) (io.ReadCloser, Compression, error) {
	br := bufio.NewReaderSize(r, inputBuffer)
	head, err := br.Peek(peekSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, None, fmt.Errorf("reading file type: %w", err)
	}
	c, err := sniff(head)
	if err != nil {
		return nil, None, err
	}
	rc, err := newDecoder(c, br, head)
	if err != nil {
		return nil, c, fmt.Errorf("%s: %w", c, err)
	}
	return rc, c, nil
}

// sniff maps the first bytes of a file to its encoding.
func sniff(head []byte) (Compression, error) {
	switch {
	case bytes.HasPrefix(head, magicGzip):
		return Gzip, nil
	case bytes.HasPrefix(head, magicBzip2):
		return Bzip2, nil
	case bytes.HasPrefix(head, magicXz):
		return Xz, nil
	case bytes.HasPrefix(head, magicZstd):
		return Zstd, nil
	case len(head) >= 262 && bytes.Equal(head[257:262], magicUstar):
		return None, nil
	}
	return None, ErrUnknownFormat
}

func newDecoder(c Compression, br *bufio.Reader, head []byte) (io.ReadCloser, error) {
	switch c {
	case Gzip:
		return gzip.NewReader(br) // multistream, like gzip -d
	case Bzip2:
		return io.NopCloser(bzip2.NewReader(br)), nil
	case Xz:
		return newXzReader(br, head)
	case Zstd:
		return newZstdReader(br)
	}
	return io.NopCloser(br), nil
}

func newZstdReader(r io.Reader) (io.ReadCloser, error) {
	// One goroutine: faster here (go-deps.md §2), and an abandoned
	// stream leaks nothing.
	d, err := zstd.NewReader(r,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxWindow(maxWindow),
		zstd.WithDecoderMaxMemory(maxWindow))
	if err != nil {
		return nil, err
	}
	return d.IOReadCloser(), nil
}

func newXzReader(r io.Reader, head []byte) (io.ReadCloser, error) {
	if dict, ok := xzFirstDict(head); ok && dict > maxWindow {
		return nil, fmt.Errorf("dictionary of %d bytes exceeds the limit of %d", dict, maxWindow)
	}
	x, err := xz.NewReader(r)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(x), nil
}
