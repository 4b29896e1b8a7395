package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/store"
)

func TestCheckFindsEveryKindOfDamage(t *testing.T) {
	s := open(t)
	data, id, m := pack(t, "example.com/a", "a", "")
	add(t, s, data, id, m)
	im, err := s.Image(id)
	must(t, err)
	must(t, s.Check(id))

	damage := []struct {
		name  string
		file  string
		bytes func() []byte
	}{
		// The decompressed bytes stay the same: only the CRC knows.
		{"gzip trailer", "image", func() []byte { b := bytes.Clone(data); b[len(b)-6] ^= 1; return b }},
		{"truncated", "image", func() []byte { return data[:len(data)-1] }},
		{"flipped byte", "image", func() []byte { b := bytes.Clone(data); b[len(b)/2] ^= 0x40; return b }},
		{"manifest", "manifest", func() []byte { return bytes.Replace(m, []byte(`"1"`), []byte(`"2"`), 1) }},
	}
	for _, d := range damage {
		t.Run(d.name, func(t *testing.T) {
			path := filepath.Join(im.Dir, d.file)
			orig, err := os.ReadFile(path)
			must(t, err)
			defer func() { must(t, os.WriteFile(path, orig, 0o644)) }()
			must(t, os.WriteFile(path, d.bytes(), 0o644))
			if err := s.Check(id); !errors.Is(err, store.ErrCorrupt) {
				t.Fatalf("Check: %v, want ErrCorrupt", err)
			}
		})
	}
	must(t, s.Check(id))
}

func TestCheckComparesTheRecordedTarSize(t *testing.T) {
	s := open(t)
	data, id, m := pack(t, "example.com/a", "a", "")
	in, err := s.NewIngest()
	must(t, err)
	_, err = in.File().Write(data)
	must(t, err)
	_, err = in.Commit(store.Info{ID: id, Size: int64(len(data)), TarSize: 512}, m, nil)
	must(t, err)
	if err := s.Check(id); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("wrong recorded tar size: %v", err)
	}
}

func TestCacheRecordsAndTempListEverything(t *testing.T) {
	s := open(t)
	data, id, m := pack(t, "example.com/a", "a", "")
	add(t, s, data, id, m)
	must(t, s.SetCache(store.CacheRecord{URL: "https://b/a.aci", ID: id}))
	must(t, s.SetCache(store.CacheRecord{URL: "https://a/a.aci", ID: id}))
	// A record whose image is gone, as a hand-edited store might have.
	gone := store.CacheRecord{URL: "https://c/gone.aci", ID: "sha512-" + fmt.Sprintf("%0128d", 0)}
	must(t, os.WriteFile(filepath.Join(s.Dir, "cache", "x.json"), fmt.Appendf(nil, `{"url":%q,"id":%q}`, gone.URL, gone.ID), 0o644))
	recs, err := s.CacheRecords()
	must(t, err)
	if len(recs) != 3 || recs[0].URL != "https://a/a.aci" || recs[2].URL != gone.URL {
		t.Fatalf("records: %+v", recs)
	}
	if tmp, err := s.Temp(); err != nil || len(tmp) != 0 {
		t.Fatalf("tmp/ of a clean store: %v %v", tmp, err)
	}
	must(t, os.Mkdir(filepath.Join(s.Dir, "tmp", "ingest-1"), 0o755))
	if tmp, err := s.Temp(); err != nil || len(tmp) != 1 || tmp[0] != "ingest-1" {
		t.Fatalf("tmp/: %v %v", tmp, err)
	}
}

func TestDependencyByIDThenByName(t *testing.T) {
	s := open(t)
	dd, depID, dm := pack(t, "example.com/dep", "d", "")
	add(t, s, dd, depID, dm)
	if _, err := s.Dependency(appc.Dependency{ImageName: "example.com/dep"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no ref yet: %v", err)
	}
	if got, err := s.Dependency(appc.Dependency{ImageName: "example.com/other", ImageID: depID}); err != nil || got != depID {
		t.Fatalf("by ID: %q %v", got, err)
	}
	must(t, s.SetRef(store.Ref{Name: "example.com/dep", Labels: map[string]string{"version": "1"}, ID: depID}))
	labels := appc.Labels{{Name: "version", Value: "1"}}
	if got, err := s.Dependency(appc.Dependency{ImageName: "example.com/dep", Labels: labels}); err != nil || got != depID {
		t.Fatalf("by name: %q %v", got, err)
	}
	labels = appc.Labels{{Name: "version", Value: "2"}}
	if _, err := s.Dependency(appc.Dependency{ImageName: "example.com/dep", Labels: labels}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other version: %v", err)
	}
}

// A user who may read a store but not write it (root's store) still locks.
func TestLockOnAReadOnlyLockFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root opens a read-only file for writing anyway")
	}
	s := open(t)
	must(t, os.Chmod(filepath.Join(s.Dir, "lock"), 0o444))
	unlock, err := s.Lock(false)
	must(t, err)
	unlock()
}
