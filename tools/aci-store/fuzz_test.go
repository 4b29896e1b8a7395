package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/store"
)

// FuzzResolve feeds any argument to the ID-or-name resolution: it must
// never panic, and whatever it finds must be stored.
func FuzzResolve(f *testing.F) {
	s := newStore(f)
	a := pack(f, "example.com/a", "a", "version", "1")
	b := pack(f, "example.com/b", "b")
	add(f, s, a, nil, t0)
	add(f, s, b, nil, t0)
	ref(f, s, a, "example.com/a", true, t0, "version", "1")
	for _, seed := range []string{a.id, a.id[:9], a.id[7:20], "example.com/a", "example.com/a:1", "example.com/a:latest",
		"example.com/a,version=1,os=linux", "example.com/b,", ":", "sha512-", "../../etc", "a\x00b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		id, err := resolve(s, arg)
		if err == nil && !s.Has(id) {
			t.Fatalf("resolve(%q) = %q, which is not stored", arg, id)
		}
	})
}

// FuzzStoreRecords puts hostile records in a store, as a hand edit or a
// damaged disk might: an image's info.json and manifest, a ref and a
// cache record. Every command must answer without panicking.
func FuzzStoreRecords(f *testing.F) {
	im := pack(f, "example.com/a", "a", "version", "1")
	info := fmt.Sprintf(`{"id":%q,"size":%d,"tarSize":0,"compression":"gzip","fetched":"2024-05-01T12:00:00Z"}`, im.id, len(im.data))
	refJSON := fmt.Sprintf(`{"name":"example.com/a","labels":{"version":"1"},"id":%q,"latest":true}`, im.id)
	f.Add([]byte(info), im.manifest, []byte(refJSON))
	f.Add([]byte(`{"id":"sha512-00"}`), []byte(`{"acKind":"ImageManifest"}`), []byte(`{"name":"","labels":null,"id":""}`))
	f.Add([]byte(`[]`), []byte(`null`), []byte(`{"name":"a\u0000\n","labels":{"\t":"\u001b[2J"},"id":1}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, info, manifest, refJSON []byte) {
		s, err := store.Open(filepath.Join(dir, "s"), true)
		must(t, err)
		defer os.RemoveAll(s.Dir)
		add(t, s, im, nil, t0)
		imDir := filepath.Join(s.Dir, "images", im.id)
		must(t, os.WriteFile(filepath.Join(imDir, "info.json"), info, 0o644))
		must(t, os.WriteFile(filepath.Join(imDir, "manifest"), manifest, 0o644))
		must(t, os.WriteFile(filepath.Join(s.Dir, "refs", "r.json"), refJSON, 0o644))
		must(t, os.WriteFile(filepath.Join(s.Dir, "cache", "c.json"), refJSON, 0o644))
		for _, args := range [][]string{{"list"}, {"list", "--json"}, {"show", "example.com/a"}, {"verify", "--insecure-skip-verify"}, {"export", im.id[:12]}, {"gc", "--dry-run"}} {
			code, _, errw := run(append([]string{"--store", s.Dir}, args...)...)
			if code != 0 && code != 1 {
				t.Fatalf("%q: exit %d: %s", args, code, errw)
			}
			if code == 1 && (errw == "" || strings.Count(strings.TrimSpace(errw), "\n") > 20) {
				t.Fatalf("%q: exit 1 with stderr %q", args, errw)
			}
		}
	})
}
