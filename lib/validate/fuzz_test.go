package validate

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzConfig feeds arbitrary bytes to Config with a bundle whose rootfs
// holds links out of it and a loop, and with this host's facts: it must
// never panic, every problem needs a message and a known rule, and a
// document that is not an object gets exactly one problem.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(baseConfig))
	f.Add([]byte(`{"ociVersion": "1.0.0", "root": {"path": "rootfs"}, "process": {"cwd": "/", "args": ["/up/x"]}}`))
	f.Add([]byte(`{"linux": {"namespaces": [{"type": "pid", "path": "/proc/self/ns/net"}], "devices": [{"type": "c", "path": "/loop/x", "major": 1, "minor": 3}]}}`))
	f.Add([]byte(`[1, 2.5e300, null, "x", {"a": {}}]`))
	bundle := f.TempDir()
	mkfile(f, filepath.Join(bundle, "rootfs/bin/sh"), 0o755)
	for link, target := range map[string]string{"up": "../../../..", "abs": "/", "loop": "loop", "etc": "/proc/self/root/etc"} {
		if err := os.Symlink(target, filepath.Join(bundle, "rootfs", link)); err != nil {
			f.Fatal(err)
		}
	}
	host := ProbeHost()
	f.Fuzz(func(t *testing.T, data []byte) {
		ps := Config(data, Options{Bundle: bundle, Host: host})
		for _, p := range ps {
			if p.Message == "" || rules[p.Rule] == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
