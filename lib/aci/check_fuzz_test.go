package aci_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/aci"
)

// FuzzCheckArchive feeds arbitrary bytes, which the seeds in
// testdata/fuzz/FuzzCheckArchive steer towards each compression and each
// hostile layout. CheckArchive must never panic, never fail on an
// in-memory reader, and never read past the size cap.
func FuzzCheckArchive(f *testing.F) {
	f.Add(validTar()[:3*512+1024])
	const limit = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := aci.CheckArchive(bytes.NewReader(data), aci.CheckOptions{MaxSize: limit})
		if err != nil {
			t.Fatalf("error from an in-memory reader: %v", err)
		}
		if res.Size > limit+1 {
			t.Fatalf("read %d decompressed bytes with a cap of %d", res.Size, limit)
		}
		if len(res.Manifest) > 1<<20 {
			t.Fatalf("kept a %d-byte manifest", len(res.Manifest))
		}
		for _, p := range res.Problems {
			if p.Msg == "" || strings.ContainsAny(p.String(), "\n") && !strings.Contains(p.Msg, "\n") {
				t.Fatalf("malformed problem %#v", p)
			}
		}
		if res.Valid() && res.Manifest == nil {
			t.Fatal("valid without a manifest")
		}
	})
}
