package extract_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/extract"
	"github.com/intermodal/intermodal/lib/testenv"
	"golang.org/x/sys/unix"
)

// TestMatchesGNUTar packs a tree with every kind of entry using GNU tar,
// unpacks it with GNU tar and with Extract, and compares the two trees:
// types, modes, owners, link counts, mtimes to the nanosecond, contents,
// symlink targets, device numbers and the restored xattrs.
func TestMatchesGNUTar(t *testing.T) {
	tarBin := testenv.LookPath(t, "tar")
	testenv.Require(t, os.Geteuid() == 0, "owners, devices and security.capability need root")
	work := t.TempDir()
	src, gnu, ours := filepath.Join(work, "src"), filepath.Join(work, "gnu"), filepath.Join(work, "ours")
	for _, d := range []string{src, gnu, ours} {
		must(t, os.Mkdir(d, 0o755))
	}
	buildTree(t, src)
	archive := filepath.Join(work, "a.tar")
	xattrs := []string{"--xattrs", "--xattrs-include=user.*", "--xattrs-include=security.capability", "--numeric-owner"}
	run(t, tarBin, append([]string{"--format=pax", "-cf", archive, "-C", src, "."}, xattrs...)...)
	run(t, tarBin, append([]string{"-xpf", archive, "-C", gnu}, xattrs...)...)
	data, err := os.ReadFile(archive)
	must(t, err)
	var warns []string
	_, err = extract.Extract(ours, bytes.NewReader(data), extract.Options{Privileged: true, Warn: func(m string) { warns = append(warns, m) }})
	must(t, err)
	if len(warns) > 0 {
		t.Errorf("warnings: %q", warns)
	}
	want, got := tree(t, gnu), tree(t, ours)
	for _, k := range sortedKeys(want, got) {
		if want[k] != got[k] {
			t.Errorf("%s:\n  GNU tar: %s\n  Extract: %s", k, want[k], got[k])
		}
	}
	if len(want) < 20 {
		t.Errorf("only %d entries compared", len(want))
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// buildTree makes a tree with what images hold: nested and special-mode
// directories, setuid and capability-carrying files, symlinks of every
// kind, hardlinks, devices, a FIFO, xattrs, owners and sub-second times.
func buildTree(t *testing.T, src string) {
	p := func(rel string) string { return filepath.Join(src, rel) }
	for _, d := range []string{"bin", "etc", "usr/lib/deep/er", "tmp", "dev", "srv/shared", "empty"} {
		must(t, os.MkdirAll(p(d), 0o755))
	}
	files := map[string]string{"bin/sh": strings.Repeat("#", 70000), "etc/passwd": "root:x:0:0::/root:/bin/sh\n",
		"usr/lib/deep/er/lib.so": strings.Repeat("\x00\x01", 5000), "srv/shared/data": "d", "etc/empty": ""}
	for rel, body := range files {
		must(t, os.WriteFile(p(rel), []byte(body), 0o644))
	}
	must(t, os.Chmod(p("bin/sh"), 0o4755))
	must(t, os.Chmod(p("tmp"), 0o1777))
	must(t, os.Chmod(p("srv/shared"), 0o2775))
	must(t, os.Chmod(p("usr/lib/deep"), 0o555))
	must(t, os.Chown(p("srv/shared"), 1000, 2000))
	must(t, os.Chown(p("srv/shared/data"), 1001, 2001))
	must(t, os.Link(p("bin/sh"), p("bin/ash")))
	must(t, os.Link(p("bin/sh"), p("usr/lib/sh-too")))
	for rel, target := range map[string]string{"bin/bash": "sh", "lib": "usr/lib", "etc/abs": "/etc/passwd",
		"etc/dangling": "../nope", "etc/up": "../../../.."} {
		must(t, os.Symlink(target, p(rel)))
	}
	must(t, os.Lchown(p("etc/abs"), 7, 8))
	must(t, unix.Mknod(p("dev/null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
	must(t, unix.Mknod(p("dev/sda"), unix.S_IFBLK|0o660, int(unix.Mkdev(8, 0))))
	must(t, unix.Mkfifo(p("tmp/fifo"), 0o620))
	must(t, unix.Setxattr(p("etc/passwd"), "user.origin", []byte("test"), 0))
	must(t, unix.Setxattr(p("srv/shared"), "user.dir", []byte("d"), 0))
	must(t, unix.Setxattr(p("usr/lib/deep/er/lib.so"), "security.capability", []byte(capNetBindService()), 0))
	stamp(t, src)
}

// stamp gives every name a distinct sub-second mtime, bottom up, so
// directory times only survive if they are set after their contents.
func stamp(t *testing.T, src string) {
	var names []string
	must(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		names = append(names, p)
		return err
	}))
	for i := len(names) - 1; i >= 0; i-- {
		mt := time.Date(2015, 6, 7, 8, 9, 10, 0, time.UTC).Add(time.Duration(i)*time.Hour + time.Duration(i*1234567))
		ts := []unix.Timespec{unix.NsecToTimespec(mt.UnixNano()), unix.NsecToTimespec(mt.UnixNano())}
		must(t, unix.UtimesNanoAt(unix.AT_FDCWD, names[i], ts, unix.AT_SYMLINK_NOFOLLOW))
	}
}

// tree describes each name below root by relative path, leaving out
// what differs between two extractions of the same archive: inode
// numbers, atimes, directory sizes.
func tree(t *testing.T, root string) map[string]string {
	m := map[string]string{}
	must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		st := lstat(t, p)
		s := fmt.Sprintf("mode=%o uid=%d gid=%d nlink=%d mtime=%d.%09d rdev=%x", st.Mode, st.Uid, st.Gid, st.Nlink,
			st.Mtim.Sec, st.Mtim.Nsec, st.Rdev)
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			s += fmt.Sprintf(" size=%d %s", st.Size, strings.SplitN(describe(t, p), " sha256=", 2)[1])
		case unix.S_IFLNK:
			target, _ := os.Readlink(p)
			s += " -> " + target
		}
		if st.Mode&unix.S_IFMT != unix.S_IFLNK {
			s += " xattrs=" + xattrList(t, p)
		}
		m[rel] = s
		return nil
	}))
	return m
}

func xattrList(t *testing.T, p string) string {
	buf := make([]byte, 4096)
	n, err := unix.Llistxattr(p, buf)
	must(t, err)
	var out []string
	for _, name := range strings.Split(strings.TrimRight(string(buf[:n]), "\x00"), "\x00") {
		if name == "" {
			continue
		}
		v, _ := getxattr(t, p, name)
		out = append(out, fmt.Sprintf("%s=%x", name, v))
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}
