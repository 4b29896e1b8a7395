package aci_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/intermodal/intermodal/lib/aci"
)

// imageDir makes a valid image directory and then applies edit to it.
func imageDir(t *testing.T, edit func(t *testing.T, dir string)) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "manifest"), []byte(manifestEnt.body), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "rootfs", "d"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "rootfs", "d", "f"), []byte("hello"), 0o644))
	must(t, os.Symlink("/etc", filepath.Join(dir, "rootfs", "etc")))
	must(t, os.Link(filepath.Join(dir, "rootfs", "d", "f"), filepath.Join(dir, "rootfs", "hard")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "rootfs", "fifo"), 0o644))
	if edit != nil {
		edit(t, dir)
	}
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckDir(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(t *testing.T, dir string)
		wants []want
	}{
		{"valid", nil, nil},
		{"no manifest", func(t *testing.T, d string) { must(t, os.Remove(filepath.Join(d, "manifest"))) },
			[]want{{"", "no manifest file", false}}},
		{"no rootfs", func(t *testing.T, d string) { must(t, os.RemoveAll(filepath.Join(d, "rootfs"))) },
			[]want{{"", "no rootfs directory", false}}},
		{"manifest symlink", func(t *testing.T, d string) {
			must(t, os.Rename(filepath.Join(d, "manifest"), filepath.Join(d, "rootfs", "m")))
			must(t, os.Symlink("rootfs/m", filepath.Join(d, "manifest")))
		}, []want{{"manifest", "manifest must be a regular file, not a symlink", false}}},
		{"manifest dir", func(t *testing.T, d string) {
			must(t, os.Remove(filepath.Join(d, "manifest")))
			must(t, os.Mkdir(filepath.Join(d, "manifest"), 0o755))
		}, []want{{"manifest", "not a directory", false}}},
		{"manifest too big", func(t *testing.T, d string) {
			must(t, os.WriteFile(filepath.Join(d, "manifest"), make([]byte, 1<<20+1), 0o644))
		}, []want{{"manifest", "more than the limit", false}}},
		{"rootfs symlink", func(t *testing.T, d string) {
			must(t, os.Rename(filepath.Join(d, "rootfs"), filepath.Join(d, "real")))
			must(t, os.Symlink("real", filepath.Join(d, "rootfs")))
		}, []want{{"real", "outside rootfs/", false}, {"rootfs", "rootfs must be a directory, not a symlink", false}}},
		{"rootfs file", func(t *testing.T, d string) {
			must(t, os.RemoveAll(filepath.Join(d, "rootfs")))
			must(t, os.WriteFile(filepath.Join(d, "rootfs"), nil, 0o644))
		}, []want{{"rootfs", "not a regular file", false}}},
		{"extra top-level file", func(t *testing.T, d string) {
			must(t, os.WriteFile(filepath.Join(d, "rootfsfoo"), nil, 0o644))
		}, []want{{"rootfsfoo", "outside rootfs/", false}}},
		{"socket", func(t *testing.T, d string) {
			l, err := net.Listen("unix", filepath.Join(d, "rootfs", "sock"))
			if err != nil {
				t.Skipf("cannot make a unix socket here: %v", err)
			}
			t.Cleanup(func() { l.Close() })
		}, []want{warning("rootfs/sock", "socket: cannot be packed")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := aci.CheckDir(imageDir(t, tc.edit))
			if err != nil {
				t.Fatal(err)
			}
			checkProblems(t, res.Problems, tc.wants...)
		})
	}
}

func TestCheckDirCounts(t *testing.T) {
	res, err := aci.CheckDir(imageDir(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	// manifest, rootfs, d, d/f, etc, hard, fifo
	if res.Entries != 7 || res.Size != 10 || string(res.Manifest) != manifestEnt.body {
		t.Errorf("Entries %d Size %d Manifest %q", res.Entries, res.Size, res.Manifest)
	}
}

func TestCheckDirUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permission bits do not stop reads")
	}
	dir := imageDir(t, func(t *testing.T, d string) {
		must(t, os.Chmod(filepath.Join(d, "rootfs", "d", "f"), 0))
		must(t, os.Mkdir(filepath.Join(d, "rootfs", "locked"), 0))
	})
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "rootfs", "locked"), 0o755) })
	res, err := aci.CheckDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, res.Problems,
		want{"rootfs/d/f", "cannot read: permission denied", false},
		want{"rootfs/hard", "cannot read: permission denied", false},
		want{"rootfs/locked", "cannot read: permission denied", false})
}

func TestCheckDirNotADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	must(t, os.WriteFile(file, nil, 0o644))
	if _, err := aci.CheckDir(file); !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("file: err = %v, want ENOTDIR", err)
	}
	_, err := aci.CheckDir(filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing: err = %v, want ErrNotExist naming the path", err)
	}
}
