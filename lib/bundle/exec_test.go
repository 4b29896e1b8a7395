package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLookPath(t *testing.T) {
	host := t.TempDir()
	must(t, os.WriteFile(filepath.Join(host, "hostprog"), []byte("#!/bin/sh\n"), 0o755))
	r := testRoot(t, map[string]string{
		"bin/busybox":          "ELF",
		"bin/sh":               "->busybox",
		"usr/bin/env":          "ELF",
		"usr/local/bin/tool":   "ELF",
		"opt/app/run":          "ELF",
		"opt/app/data.txt":     "text",
		"bin/escape":           "->" + filepath.Join(host, "hostprog"),
		"bin/climb":            "->../../../../../.." + filepath.Join(host, "hostprog"),
		"bin/viaproc":          "->/proc/1/root/bin/busybox",
		"proc/1/root/bin/evil": "ELF",
		"bin/dir/":             "",
		"sbin/tool":            "ELF",
	})
	must(t, os.Chmod(filepath.Join(r.real, "opt/app/data.txt"), 0o644))
	const path = "/usr/local/bin:/usr/bin:/bin"
	for _, tc := range []struct {
		name, path, cwd, want, fail string
	}{
		{name: "sh", path: path, cwd: "/", want: "/bin/sh"},
		{name: "/bin/sh", path: path, cwd: "/", want: "/bin/sh"},
		{name: "env", path: path, cwd: "/", want: "/usr/bin/env"},
		{name: "tool", path: path, cwd: "/", want: "/usr/local/bin/tool"},
		{name: "tool", path: "/sbin:" + path, cwd: "/", want: "/sbin/tool"},
		{name: "./run", path: path, cwd: "/opt/app", want: "/opt/app/run"},
		{name: "run", path: "bin:.", cwd: "/opt/app", want: "/opt/app/run"},
		{name: "run", path: ":/bin", cwd: "/opt/app", want: "/opt/app/run"}, // empty entry = cwd
		{name: "nothere", path: path, cwd: "/", fail: "not found in PATH"},
		{name: "/opt/app/data.txt", path: path, cwd: "/", fail: "not executable"},
		{name: "/bin/dir", path: path, cwd: "/", fail: "not a regular file"},
		{name: "data.txt", path: "/opt/app", cwd: "/", fail: "not executable"},
		{name: "", path: path, cwd: "/", fail: "empty program name"},
		// appc G36: the kernel's filesystems are mounted over these paths
		{name: "/proc/1/root/bin/evil", path: path, cwd: "/", fail: "under /proc"},
		{name: "/bin/viaproc", path: path, cwd: "/", fail: "no such file"}, // /proc/1/root/bin/busybox is not in the image
		{name: "/dev/../proc/1/root/bin/evil", path: path, cwd: "/", fail: "under /proc"},
		// links out of the rootfs resolve inside it
		{name: "/bin/escape", path: path, cwd: "/", fail: "no such file"},
		{name: "/bin/climb", path: path, cwd: "/", fail: "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lookPath(r, tc.name, tc.path, tc.cwd)
			if tc.fail != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fail) || !errors.Is(err, ErrExec) {
					t.Fatalf("lookPath = %q, %v; want an ErrExec with %q", got, err, tc.fail)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("lookPath = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// A symlink in the image whose target, resolved inside the rootfs, is
// under /proc is refused even though its own path is not.
func TestLookPathRefusesResolvedKernelPaths(t *testing.T) {
	r := testRoot(t, map[string]string{
		"proc/self/root/bin/x": "ELF",
		"bin/app":              "->/proc/self/root/bin/x",
	})
	_, err := lookPath(r, "/bin/app", DefaultPath, "/")
	if err == nil || !strings.Contains(err.Error(), "resolves to /proc/self/root/bin/x") {
		t.Fatalf("err = %v", err)
	}
}
