package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/store"
)

func TestShowByPrefixAndByName(t *testing.T) {
	s := newStore(t)
	v1 := pack(t, "example.com/a", "1", "version", "1")
	v2 := pack(t, "example.com/a", "2", "version", "2")
	lone := pack(t, "example.com/lone", "x", "version", "7")
	add(t, s, v1, nil, t0)
	add(t, s, v2, nil, t0.Add(time.Hour))
	add(t, s, lone, nil, t0)
	ref(t, s, v1, "example.com/a", true, t0)                                 // fetched without a version
	ref(t, s, v2, "example.com/a", false, t0.Add(time.Hour), "version", "2") // newer, asked by version

	tests := []struct {
		arg  string
		want image
	}{
		{v1.id, v1},
		{v1.id[:9], v1}, // sha512- and two hex digits
		{strings.TrimPrefix(v1.id, "sha512-")[:10], v1}, // bare hex
		{"example.com/a", v1},                           // the "latest" ref wins without a version
		{"example.com/a:latest", v1},                    // as aci-fetch names it
		{"example.com/a:2", v2},
		{"example.com/a,version=2", v2},
		{"example.com/lone", lone}, // no ref: found by its manifest
		{"example.com/lone:7", lone},
	}
	for _, tt := range tests {
		if out := runOK(t, "--store", s.Dir, "show", tt.arg); out != string(tt.want.manifest) {
			t.Errorf("show %s: got %q, want the manifest of %s", tt.arg, out, tt.want.id[:16])
		}
	}

	out := runOK(t, "--store", s.Dir, "show", "--info", "example.com/a:2")
	var info store.Info
	must(t, json.Unmarshal([]byte(out), &info))
	if info.ID != v2.id || info.Size != int64(len(v2.data)) {
		t.Errorf("--info: %+v", info)
	}
}

func TestShowErrors(t *testing.T) {
	s := newStore(t)
	im := pack(t, "example.com/a", "1")
	add(t, s, im, nil, t0)
	other := "sha512-" + strings.Repeat("0", 128)
	if im.id[7:9] == "00" {
		t.Skip("the fixed image ID starts with 00")
	}
	tests := []struct {
		arg, want string
	}{
		{other[:12], "aci-store: sha512-00000: not in the store\n"},
		{"example.com/b", "aci-store: example.com/b: not in the store\n"},
		{"example.com/a:2", "aci-store: example.com/a:2: not in the store\n"},
		{"Not_A_Name", "neither an image ID prefix nor an image name"},
	}
	for _, tt := range tests {
		code, out, errw := run("--store", s.Dir, "show", tt.arg)
		if code != 1 || out != "" || !strings.Contains(errw, tt.want) || strings.Count(errw, "\n") != 1 {
			t.Errorf("show %s: exit %d, stdout %q, stderr %q, want %q", tt.arg, code, out, errw, tt.want)
		}
	}
	code, _, errw := run("--store", filepath.Join(t.TempDir(), "none"), "show", im.id)
	if code != 1 || !strings.Contains(errw, "no such directory") {
		t.Errorf("missing store: exit %d, %q", code, errw)
	}
}

// Sixty fixed IDs: some two of them share their first two hex digits.
func TestShowAmbiguousPrefix(t *testing.T) {
	s := newStore(t)
	seen := map[string]bool{}
	for i := 0; ; i++ {
		if i == 60 {
			t.Fatal("no shared prefix among 60 IDs")
		}
		im := pack(t, "example.com/a", string(rune('a'+i)))
		add(t, s, im, nil, t0)
		p := im.id[7:9]
		if !seen[p] {
			seen[p] = true
			continue
		}
		code, out, errw := run("--store", s.Dir, "show", p)
		if code != 1 || out != "" || !strings.Contains(errw, "ambiguous image ID prefix") || !strings.Contains(errw, "sha512-"+p) {
			t.Fatalf("show %s: exit %d, stdout %q, stderr %q", p, code, out, errw)
		}
		// A longer prefix picks one.
		runOK(t, "--store", s.Dir, "show", im.id[:20])
		return
	}
}

// A stored manifest that went missing is an error, not an empty success.
func TestShowReadError(t *testing.T) {
	s := newStore(t)
	im := pack(t, "example.com/a", "1")
	add(t, s, im, nil, t0)
	must(t, os.Remove(filepath.Join(s.Dir, "images", im.id, "info.json")))
	if code, _, errw := run("--store", s.Dir, "show", im.id[:12]); code != 1 || errw == "" {
		t.Errorf("exit %d, %q", code, errw)
	}
}
