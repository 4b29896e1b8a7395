package aci

import (
	"github.com/intermodal/intermodal/lib/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPackActoolValidates runs the reference validator over what Pack
// writes: xattrs, hard links, long and non-ASCII names, devices, FIFOs,
// an empty rootfs, and a re-wrapped rootfs tar.
func TestPackActoolValidates(t *testing.T) {
	actool, err := exec.LookPath("actool")
	testenv.Require(t, err == nil, "actool (appc-spec) is not installed")
	full := pkTree()
	if os.Geteuid() == 0 {
		full = append(full, pkNode{path: "null", kind: 'c', mode: 0o666})
	}
	tests := []struct {
		name  string
		nodes []pkNode
		opts  PackOptions
	}{
		{"tree gzip", full, PackOptions{Compression: Gzip}},
		{"tree xz", full, PackOptions{Compression: Xz}},
		{"tree plain", full, PackOptions{}},
		{"empty rootfs", nil, PackOptions{Compression: Gzip}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			data, _ := pkPack(t, pkBuild(t, dir, tt.nodes), tt.opts)
			pkValidate(t, actool, dir, data)
		})
	}
	t.Run("rootfs tar", func(t *testing.T) {
		in := pkInputTar(t, []pkIn{{typ: '5', name: "./"}, {typ: '0', name: "./a", body: "a"}, {typ: '1', name: "b", link: "a"}})
		data, err := pkPackTarBytes(in)
		if err != nil {
			t.Fatal(err)
		}
		pkValidate(t, actool, t.TempDir(), data)
	})
}

func pkValidate(t *testing.T, actool, dir string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, "out.aci")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(actool, "validate", p).CombinedOutput(); err != nil {
		t.Errorf("actool validate: %v\n%s", err, out)
	}
}
