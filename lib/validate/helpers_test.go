package validate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// baseConfig is valid and draws no warning, with a bundle from newBundle:
// the cases edit it to break one rule each.
const baseConfig = `{
  "ociVersion": "1.3.0",
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "test",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
  ],
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": ["sh"],
    "env": ["PATH=/usr/bin:/bin", "TERM=xterm"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"],
      "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
    "noNewPrivileges": true
  },
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
    "maskedPaths": ["/proc/kcore"],
    "readonlyPaths": ["/proc/sys"]
  }
}`

// newBundle makes a bundle directory with rootfs/bin/sh, an executable.
func newBundle(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	mkfile(t, filepath.Join(dir, "rootfs/bin/sh"), 0o755)
	return dir
}

func mkfile(t testing.TB, path string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), mode); err != nil {
		t.Fatal(err)
	}
}

// edit is one change to a document: set the value at path (a.b[2].c) to
// the JSON text value, or delete it when value is "-".
type edit struct{ path, value string }

func decodeDoc(t testing.TB, text string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", text, err)
	}
	return v
}

// applyEdits returns baseConfig with the edits applied.
func applyEdits(t testing.TB, edits []edit) []byte {
	t.Helper()
	doc := decodeDoc(t, baseConfig)
	for _, e := range edits {
		doc = setPath(t, doc, splitEditPath(e.path), e.value)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// splitEditPath splits a.b[2]["x.y"] into "a", "b", 2, "x.y" (indexes as ints).
func splitEditPath(p string) []any {
	var out []any
	for p != "" {
		switch {
		case strings.HasPrefix(p, `["`):
			end := strings.Index(p, `"]`)
			out = append(out, p[2:end])
			p = p[end+2:]
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			n, _ := strconv.Atoi(p[1:end])
			out = append(out, n)
			p = p[end+1:]
		case p[0] == '.':
			p = p[1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			out = append(out, p[:end])
			p = p[end:]
		}
	}
	return out
}

func setPath(t testing.TB, v any, path []any, value string) any {
	t.Helper()
	if len(path) == 0 {
		return decodeDoc(t, value)
	}
	switch k := path[0].(type) {
	case string:
		m, _ := v.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		if len(path) == 1 && value == "-" {
			delete(m, k)
			return m
		}
		m[k] = setPath(t, m[k], path[1:], value)
		return m
	default:
		i := k.(int)
		a, _ := v.([]any)
		for len(a) <= i {
			a = append(a, nil)
		}
		a[i] = setPath(t, a[i], path[1:], value)
		return a
	}
}

func problemsText(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		if p.Warning {
			b.WriteString("warning: ")
		}
		b.WriteString(p.Rule + " " + p.String() + "\n")
	}
	return b.String()
}
