package aci

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// pkBenchTrees are small models of the bench inputs: "many" has text
// files of 1-4 KiB in nested dirs, "large" a few multi-MiB bodies.
func pkBenchTrees() map[string][]pkNode {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the quick brown fox jumps over a lazy dog container image manifest rootfs layer tar gzip")
	var many []pkNode
	for d := range 10 {
		many = append(many, pkNode{path: fmt.Sprintf("d%02d", d), kind: 'd', mode: 0o755})
		for f := range 200 {
			var b strings.Builder
			for n := 1024 + rng.IntN(3073); b.Len() < n; {
				b.WriteString(words[rng.IntN(len(words))] + " ")
			}
			many = append(many, pkNode{path: fmt.Sprintf("d%02d/f%03d", d, f), kind: 'f', data: b.String(), mode: 0o644})
		}
	}
	var large []pkNode
	for i := range 4 {
		large = append(large, pkNode{path: fmt.Sprintf("blob%d", i), kind: 'f', data: pkBig(8 << 20), mode: 0o755})
	}
	return map[string][]pkNode{"many": many, "large": large}
}

func BenchmarkPack(b *testing.B) {
	for name, nodes := range pkBenchTrees() {
		root := pkBuild(b, b.TempDir(), nodes)
		for _, c := range []Compression{None, Gzip} {
			b.Run(name+"/"+c.String(), func(b *testing.B) {
				opts := PackOptions{Manifest: []byte(pkManifest), RootfsDir: root, Compression: c}
				for b.Loop() {
					res, err := Pack(io.Discard, opts)
					if err != nil {
						b.Fatal(err)
					}
					b.SetBytes(res.TarSize)
				}
			})
		}
	}
}
