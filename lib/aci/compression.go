package aci

import (
	"fmt"
	"strings"
)

// Compression names the outer encoding of an ACI file. Readers detect it by
// magic bytes, never by file name (appc ACI-5).
type Compression int

// The encodings an ACI may have. appc allows gzip, bzip2 and xz; zstd is
// read too because it is the modern default elsewhere.
const (
	None Compression = iota
	Gzip
	Bzip2
	Xz
	Zstd
)

var compressionNames = [...]string{None: "none", Gzip: "gzip", Bzip2: "bzip2", Xz: "xz", Zstd: "zstd"}

// String returns the lowercase name used on command lines and in JSON.
func (c Compression) String() string {
	if c < 0 || int(c) >= len(compressionNames) {
		return fmt.Sprintf("compression(%d)", int(c))
	}
	return compressionNames[c]
}

// ParseCompression maps a command-line name to a Compression.
func ParseCompression(s string) (Compression, error) {
	for i, n := range compressionNames {
		if strings.EqualFold(s, n) {
			return Compression(i), nil
		}
	}
	return None, fmt.Errorf("unknown compression %q (want one of %s)", s, strings.Join(compressionNames[:], ", "))
}
