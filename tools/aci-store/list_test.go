package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/imageid"
)

func TestListTableJSONAndQuiet(t *testing.T) {
	s := newStore(t)
	a1 := pack(t, "example.com/a", "1", "version", "1", "os", "linux")
	a2 := pack(t, "example.com/a", "2", "version", "2")
	b := pack(t, "example.com/b", "b")
	add(t, s, a1, []byte("sig"), t0)
	add(t, s, a2, nil, t0.Add(time.Hour))
	add(t, s, b, nil, t0)
	// Two refs to one image: it still lists once, under its manifest name.
	ref(t, s, a1, "example.com/a", true, t0)
	ref(t, s, a1, "example.com/a", false, t0, "version", "1")

	out := runOK(t, "--store", s.Dir, "list")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("table:\n%s", out)
	}
	wantRows := [][]string{
		{"example.com/a", "os=linux,version=1", imageid.Short(a1.id), humanSize(int64(len(a1.data))), "2024-05-01T12:00:00Z"},
		{"example.com/a", "version=2", imageid.Short(a2.id), humanSize(int64(len(a2.data))), "2024-05-01T13:00:00Z"},
		{"example.com/b", "-", imageid.Short(b.id)},
	}
	for i, want := range wantRows {
		got := strings.Join(strings.Fields(lines[i+1]), " ")
		if !strings.HasPrefix(got, strings.Join(want, " ")) {
			t.Errorf("row %d: %q, want %q", i, got, strings.Join(want, " "))
		}
	}
	if hdr := strings.Fields(lines[0]); strings.Join(hdr, " ") != "NAME LABELS ID SIZE FETCHED" {
		t.Errorf("header %q", lines[0])
	}

	out = runOK(t, "--store", s.Dir, "list", "-q")
	if out != a1.id+"\n"+a2.id+"\n"+b.id+"\n" {
		t.Errorf("-q:\n%s", out)
	}

	out = runOK(t, "--store", s.Dir, "list", "--json")
	if !strings.HasSuffix(out, "]\n") {
		t.Errorf("--json does not end with a newline: %q", out)
	}
	var entries []listEntry
	must(t, json.Unmarshal([]byte(out), &entries))
	if len(entries) != 3 || entries[0].ID != a1.id || !entries[0].Signed || entries[1].Signed ||
		len(entries[0].Refs) != 2 || len(entries[2].Refs) != 0 || entries[0].Labels["os"] != "linux" {
		t.Fatalf("--json: %+v", entries)
	}
	// Fixed key order: id first, refs last, as documented.
	first := strings.Index(out, `"id"`)
	for _, k := range []string{`"name"`, `"labels"`, `"size"`, `"tarSize"`, `"compression"`, `"signed"`, `"fetched"`, `"refs"`} {
		i := strings.Index(out, k)
		if i < first {
			t.Errorf("key %s out of order in\n%s", k, out)
		}
		first = i
	}
	if again := runOK(t, "--store", s.Dir, "list", "--json"); again != out {
		t.Error("--json output is not stable")
	}
}

func TestListMissingStoreIsEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	if out := runOK(t, "--store", dir, "list", "--json"); out != "[]\n" {
		t.Errorf("--json of a missing store: %q", out)
	}
	if out := runOK(t, "--store", dir, "list", "-q"); out != "" {
		t.Errorf("-q of a missing store: %q", out)
	}
	if out := runOK(t, "--store", dir, "list"); strings.Count(out, "\n") != 1 {
		t.Errorf("table of a missing store: %q", out)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("list created the store")
	}
	// A directory that is not a store is not mistaken for an empty one.
	code, _, errw := run("--store", t.TempDir(), "list")
	if code != 1 || !strings.Contains(errw, "not an intermodal store") {
		t.Errorf("not a store: exit %d, %q", code, errw)
	}
}

func TestListEnvironmentAndUsage(t *testing.T) {
	s := newStore(t)
	add(t, s, pack(t, "example.com/a", "1"), nil, t0)
	t.Setenv("INTERMODAL_STORE", s.Dir)
	if out := runOK(t, "list", "-q"); strings.Count(out, "\n") != 1 {
		t.Errorf("INTERMODAL_STORE not used: %q", out)
	}
	for _, args := range [][]string{{"list", "x"}, {"list", "--json", "-q"}, {}, {"nope"}, {"list", "--nope"}} {
		if code, _, errw := run(args...); code != 2 || !strings.Contains(errw, "Try 'aci-store") {
			t.Errorf("%q: exit %d, %q", args, code, errw)
		}
	}
}

func TestHumanSizeAndPrintable(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 5 << 20: "5.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
	if got := printable("a\tb\nc\x1b[2J"); got != "a?b?c?[2J" {
		t.Errorf("printable: %q", got)
	}
}
