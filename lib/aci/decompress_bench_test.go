package aci_test

import (
	"archive/tar"
	"bytes"
	"crypto/sha512"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/intermodal/intermodal/lib/aci"
)

const benchTarSize = 64 << 20

var benchGzip = sync.OnceValue(func() []byte {
	return gzipBytes(&testing.B{}, benchTar(benchTarSize))
})

// benchTar builds a tar of roughly size bytes whose files compress about
// as well as a real root filesystem does (gzip -6 to about a third):
// word-salad text from a skewed vocabulary, with one file in ten random
// bytes standing in for already-compressed data.
func benchTar(size int) []byte {
	rng := rand.New(rand.NewPCG(42, 42))
	vocab := make([][]byte, 4096)
	for i := range vocab {
		w := make([]byte, 2+rng.IntN(9))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		vocab[i] = append(w, ' ')
	}
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(len(vocab)-1))
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; buf.Len() < size; i++ {
		body := benchFile(rng, zipf, vocab, i%10 == 9)
		hdr := &tar.Header{Name: fmt.Sprintf("rootfs/f%05d", i), Mode: 0o644, Size: int64(len(body))}
		if tw.WriteHeader(hdr) != nil {
			panic("tar header")
		}
		tw.Write(body)
	}
	tw.Close()
	return buf.Bytes()
}

func benchFile(rng *rand.Rand, zipf *rand.Zipf, vocab [][]byte, random bool) []byte {
	n := 1 << (10 + rng.IntN(8)) // 1 KiB .. 128 KiB
	body := make([]byte, 0, n+16)
	if random {
		for len(body) < n {
			body = append(body, byte(rng.Uint32()))
		}
		return body
	}
	for len(body) < n {
		body = append(body, vocab[zipf.Uint64()]...)
	}
	return body
}

// BenchmarkDecompressHash measures computing an image ID from a .aci.gz
// file: gunzip then sha512, either in one goroutine or overlapped with
// ReadAhead, and optionally with the compressed input read ahead too.
func BenchmarkDecompressHash(b *testing.B) {
	gz := benchGzip()
	path := filepath.Join(b.TempDir(), "bench.aci")
	if err := os.WriteFile(path, gz, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Logf("tar %d bytes, gzip %d bytes (%.1f%%)", benchTarSize, len(gz), 100*float64(len(gz))/benchTarSize)
	for _, mode := range []struct {
		name    string
		in, out bool
	}{
		{name: "serial"},
		{name: "readahead", out: true},
		{name: "readahead-both", in: true, out: true},
	} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(benchTarSize)
			for b.Loop() {
				benchHashFile(b, path, mode.in, mode.out)
			}
		})
	}
}

func benchHashFile(b *testing.B, path string, aheadIn, aheadOut bool) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var in io.Reader = f
	if aheadIn {
		ra := aci.ReadAhead(f)
		defer ra.Close()
		in = ra
	}
	rc, _, err := aci.Decompress(in)
	if err != nil {
		b.Fatal(err)
	}
	defer rc.Close()
	var src io.Reader = rc
	if aheadOut {
		ra := aci.ReadAhead(rc)
		defer ra.Close()
		src = ra
	}
	h := sha512.New()
	if _, err := io.Copy(h, src); err != nil {
		b.Fatal(err)
	}
}
