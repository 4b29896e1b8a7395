package aci_test

import (
	"github.com/intermodal/intermodal/lib/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/intermodal/intermodal/lib/aci"
)

// The reference tool's archives must pass our stricter checks.
func TestCheckArchiveOfActoolBuild(t *testing.T) {
	actool := testenv.LookPath(t, "actool")
	layoutDir := imageDir(t, nil)
	must(t, os.Remove(filepath.Join(layoutDir, "rootfs", "fifo"))) // actool cannot pack a fifo
	for _, tc := range []struct {
		name  string
		flags []string
		comp  aci.Compression
	}{
		{"gzip", nil, aci.Gzip},
		{"no-compression", []string{"--no-compression"}, aci.None},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "t.aci")
			args := append(append([]string{"build"}, tc.flags...), layoutDir, out)
			if msg, err := exec.Command(actool, args...).CombinedOutput(); err != nil {
				t.Fatalf("actool %v: %v: %s", args, err, msg)
			}
			f, err := os.Open(out)
			must(t, err)
			defer f.Close()
			res, err := aci.CheckArchive(f, aci.CheckOptions{})
			must(t, err)
			checkProblems(t, res.Problems)
			if res.Compression != tc.comp || string(res.Manifest) != manifestEnt.body {
				t.Errorf("compression %v, manifest %q", res.Compression, res.Manifest)
			}
			if fi, err := f.Stat(); err == nil && tc.comp == aci.None && res.Size != fi.Size() {
				t.Errorf("Size %d, want the whole %d-byte file", res.Size, fi.Size())
			}
		})
	}
}
