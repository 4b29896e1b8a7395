package imageid

import (
	"errors"
	"fmt"
	"io"

	"github.com/intermodal/intermodal/lib/aci"
)

// ErrTooLarge is returned when an image decompresses to more than the cap.
var ErrTooLarge = errors.New("decompressed image exceeds the size limit")

// Result is what hashing an image yields.
type Result struct {
	ID          string
	Size        int64 // uncompressed bytes hashed
	Compression aci.Compression
}

// FromReader computes the ID of an image read from r, whatever its
// compression: the sha512 of every byte of the decompressed stream to EOF,
// as rkt stored it (appc ID-1). Decompression runs in its own goroutine so
// it overlaps with hashing; memory stays bounded. maxSize <= 0 means no cap.
func FromReader(r io.Reader, maxSize int64) (Result, error) {
	rc, comp, err := aci.Decompress(r)
	if err != nil {
		return Result{}, err
	}
	defer rc.Close()
	src := aci.ReadAhead(rc)
	defer src.Close()
	h := NewHash()
	n, err := copyCapped(h, src, maxSize)
	if err != nil {
		return Result{}, err
	}
	return Result{ID: FromSum(h.Sum(nil)), Size: n, Compression: comp}, nil
}

func copyCapped(w io.Writer, r io.Reader, maxSize int64) (int64, error) {
	if maxSize <= 0 {
		return io.Copy(w, r)
	}
	n, err := io.Copy(w, io.LimitReader(r, maxSize+1))
	if err != nil {
		return n, err
	}
	if n > maxSize {
		return n, fmt.Errorf("%w (%d bytes)", ErrTooLarge, maxSize)
	}
	return n, nil
}
