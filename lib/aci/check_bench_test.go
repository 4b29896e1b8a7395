package aci_test

import (
	"bytes"
	"testing"

	"github.com/intermodal/intermodal/lib/aci"
)

// BenchmarkCheckArchive shows what checking costs on top of gunzip alone
// (compare BenchmarkDecompressHash).
func BenchmarkCheckArchive(b *testing.B) {
	gz := benchGzip()
	b.SetBytes(benchTarSize)
	for b.Loop() {
		res, err := aci.CheckArchive(bytes.NewReader(gz), aci.CheckOptions{})
		if err != nil || res.Size < benchTarSize {
			b.Fatal(err, res.Size)
		}
	}
}
