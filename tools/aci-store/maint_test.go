package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/store"
)

func TestRmRemovesAndGoesOn(t *testing.T) {
	s := newStore(t)
	a := pack(t, "example.com/a", "a")
	b := pack(t, "example.com/b", "b")
	c := pack(t, "example.com/c", "c")
	for name, im := range map[string]image{"example.com/a": a, "example.com/b": b, "example.com/c": c} {
		add(t, s, im, nil, t0)
		ref(t, s, im, name, true, t0)
	}
	must(t, s.SetCache(store.CacheRecord{URL: "https://example.com/a.aci", ID: a.id}))

	// a by name and by ID prefix counts once; a missing one does not stop the rest.
	code, out, errw := run("--store", s.Dir, "rm", "example.com/a", a.id[:14], "example.com/nope", b.id[:14])
	if code != 1 || out != a.id+"\n"+b.id+"\n" || !strings.Contains(errw, "example.com/nope: not in the store") {
		t.Fatalf("rm: exit %d, stdout %q, stderr %q", code, out, errw)
	}
	if s.Has(a.id) || s.Has(b.id) || !s.Has(c.id) {
		t.Fatal("rm removed the wrong images")
	}
	if _, ok, _ := s.Cache("https://example.com/a.aci"); ok {
		t.Error("cache record survived rm")
	}
	if refs, _ := s.Refs(); len(refs) != 1 || refs[0].ID != c.id {
		t.Errorf("refs after rm: %+v", refs)
	}
	if code, _, _ := run("--store", s.Dir, "rm"); code != 2 {
		t.Errorf("rm without arguments: exit %d", code)
	}
}

func TestGCDryRunThenGC(t *testing.T) {
	s := newStore(t)
	dep := pack(t, "example.com/dep", "d")
	appM := fmt.Sprintf(`,"dependencies":[{"imageName":"example.com/dep","imageID":%q}]`, dep.id)
	app := packWith(t, "example.com/app", appM)
	orphan := pack(t, "example.com/orphan", "o")
	add(t, s, dep, nil, t0)
	add(t, s, app, nil, t0)
	add(t, s, orphan, nil, t0)
	ref(t, s, app, "example.com/app", true, t0)
	must(t, os.Mkdir(filepath.Join(s.Dir, "tmp", "ingest-123"), 0o755))

	want := orphan.id + "\ntmp/ingest-123\n"
	if out := runOK(t, "--store", s.Dir, "gc", "--dry-run"); out != want {
		t.Fatalf("gc --dry-run: %q, want %q", out, want)
	}
	if !s.Has(orphan.id) {
		t.Fatal("dry run removed the image")
	}
	if out := runOK(t, "--store", s.Dir, "gc"); out != want {
		t.Fatalf("gc: %q, want %q", out, want)
	}
	if s.Has(orphan.id) || !s.Has(app.id) || !s.Has(dep.id) {
		t.Fatal("gc removed the wrong images")
	}
	if out := runOK(t, "--store", s.Dir, "gc"); out != "" {
		t.Fatalf("second gc: %q", out)
	}
}

// packWith packs an image whose manifest has extra JSON members.
func packWith(t *testing.T, name, extra string) image {
	t.Helper()
	im := pack(t, name, name)
	m := bytes.Replace(im.manifest, []byte(`"labels":[]`), []byte(`"labels":[]`+extra), 1)
	return repack(t, m)
}

func TestExportIsByteIdentical(t *testing.T) {
	s := newStore(t)
	im := pack(t, "example.com/a", "a")
	add(t, s, im, []byte("signature bytes"), t0)
	ref(t, s, im, "example.com/a", true, t0)
	dir := t.TempDir()
	out := filepath.Join(dir, "a.aci")
	sig := filepath.Join(dir, "a.aci.asc")
	if got := runOK(t, "--store", s.Dir, "export", "-o", out, "--signature", sig, "example.com/a"); got != "" {
		t.Errorf("stdout with -o: %q", got)
	}
	if data, _ := os.ReadFile(out); !bytes.Equal(data, im.data) {
		t.Fatal("exported file differs from the stored one")
	}
	if data, _ := os.ReadFile(sig); string(data) != "signature bytes" {
		t.Fatalf("signature %q", data)
	}
	if got := runOK(t, "--store", s.Dir, "export", im.id[:10]); got != string(im.data) {
		t.Fatal("export to stdout differs")
	}
	code, _, errw := run("--store", s.Dir, "export", "-o", out, im.id[:10])
	if code != 1 || !strings.Contains(errw, "exists") {
		t.Errorf("existing output: exit %d, %q", code, errw)
	}
	runOK(t, "--store", s.Dir, "export", "--overwrite", "-o", out, im.id[:10])
}

func TestExportRefusesDamage(t *testing.T) {
	s := newStore(t)
	im := pack(t, "example.com/a", "a")
	add(t, s, im, nil, t0)
	out := filepath.Join(t.TempDir(), "a.aci")
	code, _, errw := run("--store", s.Dir, "export", "--signature", out+".asc", "-o", out, im.id[:10])
	if code != 1 || !strings.Contains(errw, "unsigned") {
		t.Errorf("--signature of an unsigned image: exit %d, %q", code, errw)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("image written although the signature could not be")
	}

	path := filepath.Join(s.Dir, "images", im.id, "image")
	for name, bad := range map[string][]byte{
		"flipped": flip(im.data, len(im.data)/2),
		"crc":     flip(im.data, len(im.data)-6),
		"short":   im.data[:len(im.data)-1],
	} {
		must(t, os.WriteFile(path, bad, 0o644))
		code, _, errw := run("--store", s.Dir, "export", "-o", out, im.id[:10])
		if code != 1 || !strings.Contains(errw, "does not match its ID") {
			t.Errorf("%s: exit %d, %q", name, code, errw)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: a damaged image was exported", name)
		}
	}
}

func flip(data []byte, i int) []byte {
	b := bytes.Clone(data)
	b[i] ^= 0x40
	return b
}
