package imageid

import (
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// Prefix starts every image ID; sha512 is the only algorithm appc allows.
const Prefix = "sha512-"

// Lengths of the full and short (display) forms, in hex digits.
const (
	HexLen      = 128
	ShortHexLen = 32
)

// ErrInvalid is wrapped by every parse failure.
var ErrInvalid = errors.New("invalid image ID")

// Parse checks that s is a full image ID and returns it.
func Parse(s string) (string, error) {
	hexPart, ok := strings.CutPrefix(s, Prefix)
	if !ok {
		return "", fmt.Errorf("%w %q: must start with %q", ErrInvalid, s, Prefix)
	}
	if len(hexPart) != HexLen || !isLowerHex(hexPart) {
		return "", fmt.Errorf("%w %q: want %d lowercase hex digits after %q", ErrInvalid, s, HexLen, Prefix)
	}
	return s, nil
}

// ParsePrefix checks that s can name an image by a unique prefix: "sha512-"
// and at least two lowercase hex digits (rkt's minimum), at most a full ID.
func ParsePrefix(s string) (string, error) {
	hexPart, ok := strings.CutPrefix(s, Prefix)
	if !ok || len(hexPart) < 2 || len(hexPart) > HexLen || !isLowerHex(hexPart) {
		return "", fmt.Errorf("%w prefix %q: want %q and 2 to %d lowercase hex digits", ErrInvalid, s, Prefix, HexLen)
	}
	return s, nil
}

// Short returns the display form: "sha512-" and the first 32 hex digits, as
// appc's ShortHash and rkt print it.
func Short(id string) string {
	if len(id) > len(Prefix)+ShortHexLen {
		return id[:len(Prefix)+ShortHexLen]
	}
	return id
}

// FromSum formats a sha512 digest as an ID.
func FromSum(sum []byte) string { return Prefix + hex.EncodeToString(sum) }

// NewHash returns the hash whose Sum, passed to FromSum, is an image ID.
func NewHash() hash.Hash { return sha512.New() }

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
