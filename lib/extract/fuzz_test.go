package extract_test

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/extract"
)

var writeSeeds = flag.Bool("write-seeds", false, "rewrite testdata/fuzz/FuzzExtract from fuzzSeeds")

// FuzzExtract feeds arbitrary bytes as a tar stream into a fresh root
// inside a parent holding a secret, a directory and a symlink to the
// secret. Whatever the bytes, Extract must not panic, must return a
// one-line error or none, and nothing outside the root may change.
func FuzzExtract(f *testing.F) {
	f.Add(mkTar(f, dir("d"), reg("d/f", "f"), symlink("s", "d/f"), hardlink("h", "d/f")))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := newBox(t)
		o := extract.Options{Privileged: os.Geteuid() == 0, MaxSize: 1 << 20, Warn: func(string) {}}
		_, err := extract.Extract(b.root, bytes.NewReader(data), o)
		b.check(t)
		if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("error spans lines: %q", err)
		}
	})
}

// fuzzSeeds are hostile archives that do not depend on where the test
// runs: escapes are relative, or through "/".
func fuzzSeeds(t testing.TB) map[string][]byte {
	sparse := rawTar(rawEntry("PaxHeaders/x", tar.TypeXHeader, paxRecords("GNU.sparse.size", "5",
		"GNU.sparse.numblocks", "1", "GNU.sparse.map", "0,5")), rawEntry("x", tar.TypeReg, "12345"))
	long := reg(strings.Repeat("long/", 60)+"name", "x")
	long.hdr.Format = tar.FormatGNU
	return map[string][]byte{
		"traversal":          mkTar(t, reg("../x", "x"), reg("a/../../x", "x")),
		"absolute":           mkTar(t, dir("/"), reg("/tmp/extract-fuzz-absolute", "x")),
		"symlink-write":      mkTar(t, symlink("x", "../.."), reg("x/evil", "e")),
		"symlink-slash-dir":  mkTar(t, symlink("x", "/"), dir("x/tmp"), dir("x")),
		"dir-then-symlink":   mkTar(t, dir("a"), reg("a/f", "f"), symlink("a", ".."), reg("a/g", "g")),
		"file-over-symlink":  mkTar(t, symlink("x", "../outside/secret"), reg("x", "overwrite")),
		"hardlink-escape":    mkTar(t, hardlink("l", "../outside/secret"), hardlink("m", "/etc/passwd")),
		"hardlink-dir":       mkTar(t, dir("d"), hardlink("l", "d"), reg("f", "f"), hardlink("f", "f")),
		"hardlink-symlink":   mkTar(t, symlink("s", "../outside/secret"), hardlink("l", "s")),
		"hardlink-replace":   mkTar(t, dir("d"), reg("d/f", "f"), hardlink("d", "d/f")),
		"duplicates":         mkTar(t, reg("a", "1"), dir("a"), reg("a/b", "2"), reg("a", "3"), node("a", tar.TypeFifo, 0, 0)),
		"devices":            mkTar(t, node("null", tar.TypeChar, 1, 3), node("sda", tar.TypeBlock, 8, 0), node("p", tar.TypeFifo, 0, 0)),
		"modes":              mkTar(t, dir0("ro", 0o555), reg("ro/su", "x").with(func(h *tar.Header) { h.Mode, h.Uid = 0o6755, 42 }), dir0("z", 0)),
		"xattrs":             mkTar(t, reg("f", "x").with(func(h *tar.Header) { h.PAXRecords = xattrRecords() })),
		"root-entries":       mkTar(t, dir("./"), dir("."), reg("./a", "a"), symlink(".", "/")),
		"unknown-type":       mkTar(t, reg("a", "a"), ent{hdr: tar.Header{Name: "x", Typeflag: 'X', ModTime: epoch}}),
		"gnu-sparse":         mkTar(t, ent{hdr: tar.Header{Name: "x", Typeflag: tar.TypeGNUSparse, Format: tar.FormatGNU}}),
		"pax-sparse":         sparse,
		"trailing-slash":     rawTar(rawEntry("a/", tar.TypeReg, "x")),
		"global-header":      mkTar(t, ent{hdr: tar.Header{Name: "g", Typeflag: tar.TypeXGlobalHeader, PAXRecords: map[string]string{"path": "../x"}}}, reg("a", "a")),
		"gnu-long-name":      mkTar(t, long),
		"huge-size":          rawTar(rawEntry("big", tar.TypeReg, "")[:0], rawHeader("big", tar.TypeReg, 1<<40)),
		"truncated":          mkTar(t, reg("a", strings.Repeat("a", 3000)))[:1536],
		"unprivileged-layer": mkTar(t, dir0("usr", 0o555), reg("usr/x", "x"), dir("usr"), reg("usr/y", "y")),
	}
}

func xattrRecords() map[string]string {
	return map[string]string{"SCHILY.xattr.user.a": "1", "SCHILY.xattr.security.capability": capNetBindService(),
		"SCHILY.xattr.trusted.t": "t", "SCHILY.xattr.security.selinux": "x"}
}

// TestFuzzSeeds rewrites the seed corpus when asked (-write-seeds), and
// otherwise checks that every seed is in it.
func TestFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzExtract")
	for name, data := range fuzzSeeds(t) {
		file := filepath.Join(dir, name)
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if *writeSeeds {
			must(t, os.MkdirAll(dir, 0o755))
			must(t, os.WriteFile(file, []byte(want), 0o644))
			continue
		}
		if got, err := os.ReadFile(file); err != nil || string(got) != want {
			t.Errorf("seed %s is missing or stale: go test ./lib/extract -run TestFuzzSeeds -write-seeds", file)
		}
	}
}
