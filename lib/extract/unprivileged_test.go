package extract_test

import (
	"archive/tar"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/intermodal/intermodal/lib/extract"
	"golang.org/x/sys/unix"
)

// TestUnprivilegedUser renders layers as a user without privileges: as
// root, the test runs itself again as nobody. Read-only and unreadable
// directories must still be filled, merged and replaced, and keep their
// modes at the end.
func TestUnprivilegedUser(t *testing.T) {
	if dir := os.Getenv("EXTRACT_TEST_AS_USER"); dir != "" {
		unprivilegedLayers(t, dir)
		return
	}
	if os.Geteuid() != 0 {
		unprivilegedLayers(t, t.TempDir())
		return
	}
	dir, err := os.MkdirTemp("", "nobody")
	must(t, err)
	t.Cleanup(func() { removeAll(t, dir) })
	must(t, os.Chmod(dir, 0o755))
	bin := filepath.Join(dir, "extract.test")
	copyExecutable(t, bin)
	work := filepath.Join(dir, "work")
	must(t, os.Mkdir(work, 0o755))
	must(t, os.Chown(work, 65534, 65534))
	cmd := exec.Command(bin, "-test.run=^TestUnprivilegedUser$", "-test.count=1")
	cmd.Env = append(os.Environ(), "EXTRACT_TEST_AS_USER="+work, "TMPDIR="+work)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}

func copyExecutable(t *testing.T, dst string) {
	self, err := os.Executable()
	must(t, err)
	src, err := os.Open(self)
	must(t, err)
	defer src.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	must(t, err)
	_, err = io.Copy(out, src)
	must(t, err)
	must(t, out.Close())
}

func unprivilegedLayers(t *testing.T, work string) {
	root := filepath.Join(work, "root")
	must(t, os.Mkdir(root, 0o755))
	t.Cleanup(func() { removeAll(t, root) })
	o := extract.Options{Privileged: os.Geteuid() == 0}
	extractAll(t, root, o,
		dir0("ro", 0o555), reg("ro/f", "f").with(func(h *tar.Header) { h.Mode = 0o444 }), dir0("ro/sub", 0o500),
		reg("ro/sub/g", "g"),
		dir0("locked", 0o000), reg("locked/f", "f"),
		dir0("gone", 0o000), dir0("gone/deeper", 0o000), reg("gone/deeper/f", "f"),
		reg("setuid", "x").with(func(h *tar.Header) { h.Mode = 0o4755 }),
		node("fifo", tar.TypeFifo, 0, 0),
		dir0("usr", 0o555), dir0("usr/bin", 0o555), reg("usr/bin/sh", "sh"),
		dir0("sealed", 0), dir0("sealed/in", 0o755))
	checkMode(t, root, map[string]uint32{"ro": 0o555, "ro/sub": 0o500, "locked": 0, "gone": 0, "setuid": 0o4755, "fifo": 0o600})
	extractAll(t, root, o,
		reg("ro", "now a file"),                     // a read-only tree replaced
		dir0("locked", 0o000), reg("locked/g", "g"), // an unreadable directory merged
		symlink("gone", "/"), // an unreadable tree replaced by a symlink
		// No directory entries: read-only and unreadable directories of
		// the earlier layer are opened up, then put back as they were.
		reg("usr/bin/app", "app"), dir("usr/lib"), reg("sealed/in/f", "f"),
	)
	checkMode(t, root, map[string]uint32{"locked": 0, "ro": 0o644, "usr": 0o555, "usr/bin": 0o555, "sealed": 0})
	for _, d := range []string{"usr", "usr/bin", "sealed"} {
		if st := lstat(t, filepath.Join(root, d)); st.Mtim != ts(epoch) {
			t.Errorf("%s: mtime %v, want the earlier layer's %v", d, st.Mtim, ts(epoch))
		}
	}
	must(t, os.Chmod(filepath.Join(root, "sealed"), 0o700))
	if readFile(t, filepath.Join(root, "usr/bin/app")) != "app" || readFile(t, filepath.Join(root, "sealed/in/f")) != "f" {
		t.Error("files under read-only directories missing")
	}
	must(t, os.Chmod(filepath.Join(root, "locked"), 0o700))
	if readFile(t, filepath.Join(root, "locked/f")) != "f" || readFile(t, filepath.Join(root, "locked/g")) != "g" {
		t.Error("locked did not merge")
	}
	if !isType(t, filepath.Join(root, "gone"), unix.S_IFLNK) {
		t.Error("gone was not replaced")
	}
}

func dir0(name string, mode int64) ent {
	return dir(name).with(func(h *tar.Header) { h.Mode = mode })
}

func checkMode(t *testing.T, root string, modes map[string]uint32) {
	t.Helper()
	for rel, want := range modes {
		if got := lstat(t, filepath.Join(root, rel)).Mode & 0o7777; got != want {
			t.Errorf("%s: mode %o, want %o", rel, got, want)
		}
	}
}
