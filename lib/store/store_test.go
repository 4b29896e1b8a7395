package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/intermodal/intermodal/lib/store"
)

// pack builds a real gzip ACI holding one file, so IDs are real IDs.
func pack(t *testing.T, name, content string, deps string) (data []byte, id string, manifest []byte) {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "f"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	manifest = fmt.Appendf(nil, `{"acKind":"ImageManifest","acVersion":"0.8.11","name":%q,"labels":[{"name":"version","value":"1"}]%s}`, name, deps)
	var buf bytes.Buffer
	epoch := time.Unix(1577836800, 0) // fixed, so the IDs are too
	res, err := aci.Pack(&buf, aci.PackOptions{Manifest: manifest, RootfsDir: root, Compression: aci.Gzip, Epoch: &epoch})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), res.ID, manifest
}

func add(t *testing.T, s *store.Store, data []byte, id string, manifest []byte) bool {
	t.Helper()
	in, err := s.NewIngest()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.File().Write(data); err != nil {
		t.Fatal(err)
	}
	existed, err := in.Commit(store.Info{ID: id, Size: int64(len(data)), Fetched: time.Now()}, manifest, []byte("sig"))
	if err != nil {
		t.Fatal(err)
	}
	return existed
}

func open(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "store"), true)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOpenRefusesForeignDirectories(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(dir, true); !errors.Is(err, store.ErrLayout) {
		t.Fatalf("creating a store in a non-empty dir: %v", err)
	}
	if _, err := store.Open(filepath.Join(dir, "none"), false); err == nil {
		t.Fatal("opened a missing store without create")
	}
	s := open(t)
	if _, err := store.Open(s.Dir, false); err != nil {
		t.Fatalf("reopen: %v", err)
	}
}

func TestIngestCommitAndLookup(t *testing.T) {
	s := open(t)
	data, id, m := pack(t, "example.com/a", "a", "")
	if add(t, s, data, id, m) {
		t.Fatal("first commit reported an existing image")
	}
	if !add(t, s, data, id, m) {
		t.Fatal("second commit of the same ID did not report the existing image")
	}
	im, err := s.Image(id)
	if err != nil {
		t.Fatal(err)
	}
	if im.Name() != "example.com/a" || im.Labels()["version"] != "1" {
		t.Fatalf("manifest: %+v", im.Manifest)
	}
	got, err := os.ReadFile(im.ImagePath())
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("stored bytes differ from the fetched ones: %v", err)
	}
	if sig, _ := os.ReadFile(im.SignaturePath()); string(sig) != "sig" {
		t.Fatalf("signature %q", sig)
	}
	for _, p := range []string{id[:9], id[7:12], id} {
		if r, err := s.ResolveID(p); err != nil || r != id {
			t.Errorf("ResolveID(%q) = %q, %v", p, r, err)
		}
	}
	if _, err := s.ResolveID("sha512-00"); !errors.Is(err, store.ErrNotFound) && id[7:9] != "00" {
		t.Errorf("unknown prefix: %v", err)
	}
	if err := s.Verify(id); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Dir, "tmp")); len(ents) != 0 {
		t.Fatalf("tmp/ not empty after commits: %v", ents)
	}
}

func TestAmbiguousPrefix(t *testing.T) {
	s := open(t)
	for i := 0; i < 60; i++ { // 60 fixed IDs: some pair shares two first hex digits
		data, id, m := pack(t, "example.com/a", fmt.Sprint(i), "")
		add(t, s, data, id, m)
	}
	ids, _ := s.IDs()
	seen := map[string]bool{}
	for _, id := range ids {
		c := id[:9]
		if seen[c] {
			if _, err := s.ResolveID(c); !errors.Is(err, store.ErrAmbiguous) {
				t.Fatalf("shared prefix %s: %v", c, err)
			}
			return
		}
		seen[c] = true
	}
	t.Fatal("no shared prefix among 60 IDs")
}

func TestVerifyFindsCorruption(t *testing.T) {
	s := open(t)
	data, id, m := pack(t, "example.com/a", "a", "")
	add(t, s, data, id, m)
	im, _ := s.Image(id)
	bad := bytes.Clone(data)
	bad[len(bad)-9] ^= 1 // inside the gzip trailer's CRC
	if err := os.WriteFile(im.ImagePath(), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(id); err == nil {
		t.Fatal("verify passed a corrupted image")
	}
	if err := os.WriteFile(im.ImagePath(), data[:len(data)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(id); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("truncated image: %v", err)
	}
}

func TestRefsSelectLikeRkt(t *testing.T) {
	s := open(t)
	d1, id1, m1 := pack(t, "example.com/a", "1", "")
	d2, id2, m2 := pack(t, "example.com/a", "2", "")
	add(t, s, d1, id1, m1)
	add(t, s, d2, id2, m2)
	now := time.Now()
	must(t, s.SetRef(store.Ref{Name: "example.com/a", Labels: map[string]string{"version": "1"}, ID: id1, Latest: true, Time: now}))
	must(t, s.SetRef(store.Ref{Name: "example.com/a", Labels: map[string]string{"version": "2"}, ID: id2, Time: now.Add(time.Second)}))
	if r, err := s.FindRef("example.com/a", nil); err != nil || r.ID != id1 {
		t.Errorf("no version asked: want the latest-marked ref, got %v %v", r.ID, err)
	}
	if r, err := s.FindRef("example.com/a", map[string]string{"version": "2"}); err != nil || r.ID != id2 {
		t.Errorf("version 2: %v %v", r.ID, err)
	}
	if _, err := s.FindRef("example.com/ab", nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other name: %v", err)
	}
	if _, err := s.FindRef("example.com/a", map[string]string{"os": "linux"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("label not held: %v", err)
	}
	if err := s.SetRef(store.Ref{Name: "x", ID: "sha512-" + strings.Repeat("0", 128)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ref to a missing image: %v", err)
	}
}

func TestRemoveAndGC(t *testing.T) {
	s := open(t)
	dd, depID, dm := pack(t, "example.com/dep", "d", "")
	deps := fmt.Sprintf(`,"dependencies":[{"imageName":"example.com/dep","imageID":%q}]`, depID)
	ad, appID, am := pack(t, "example.com/app", "a", deps)
	od, orphanID, om := pack(t, "example.com/orphan", "o", "")
	add(t, s, dd, depID, dm)
	add(t, s, ad, appID, am)
	add(t, s, od, orphanID, om)
	must(t, s.SetRef(store.Ref{Name: "example.com/app", ID: appID}))
	must(t, s.SetRef(store.Ref{Name: "example.com/orphan", ID: orphanID}))
	must(t, s.SetCache(store.CacheRecord{URL: "https://x/orphan.aci", ID: orphanID}))
	must(t, os.WriteFile(filepath.Join(s.Dir, "tmp", "crash-leftover"), nil, 0o644))

	must(t, s.Remove(orphanID))
	if s.Has(orphanID) {
		t.Fatal("removed image still there")
	}
	if _, err := s.FindRef("example.com/orphan", nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ref survived rm: %v", err)
	}
	if _, ok, _ := s.Cache("https://x/orphan.aci"); ok {
		t.Fatal("cache record survived rm")
	}
	add(t, s, od, orphanID, om) // unreferenced now

	res, err := s.GC(true)
	must(t, err)
	if len(res.Images) != 1 || res.Images[0] != orphanID || len(res.Temp) != 1 || !s.Has(orphanID) {
		t.Fatalf("dry run: %+v", res)
	}
	res, err = s.GC(false)
	must(t, err)
	if s.Has(orphanID) || !s.Has(appID) || !s.Has(depID) {
		t.Fatalf("gc removed the wrong images: %+v", res)
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Dir, "tmp")); len(ents) != 0 {
		t.Fatalf("tmp/ not emptied: %v", ents)
	}
}

// Eight committers of one ID at once: one image, every one succeeds.
func TestConcurrentCommits(t *testing.T) {
	s := open(t)
	data, id, m := pack(t, "example.com/a", "a", "")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s2, err := store.Open(s.Dir, true)
			if err != nil {
				errs <- err
				return
			}
			in, err := s2.NewIngest()
			if err != nil {
				errs <- err
				return
			}
			in.File().Write(data) //nolint:errcheck // checked by Verify below
			if _, err := in.Commit(store.Info{ID: id, Size: int64(len(data))}, m, nil); err != nil {
				errs <- err
				return
			}
			errs <- s2.SetRef(store.Ref{Name: "example.com/a", ID: id})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	ids, _ := s.IDs()
	if len(ids) != 1 {
		t.Fatalf("%d images", len(ids))
	}
	must(t, s.Verify(id))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Several processes creating one store at once all succeed.
func TestConcurrentCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := store.Open(dir, true)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
}
