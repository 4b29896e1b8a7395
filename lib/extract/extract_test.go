package extract_test

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/extract"
	"github.com/intermodal/intermodal/lib/testenv"
	"golang.org/x/sys/unix"
)

// extractAll runs Extract over the entries and returns the stats and the
// warnings given.
func extractAll(t *testing.T, root string, o extract.Options, ents ...ent) (extract.Stats, []string) {
	t.Helper()
	var warns []string
	o.Warn = func(msg string) { warns = append(warns, msg) }
	st, err := extract.Extract(root, bytes.NewReader(mkTar(t, ents...)), o)
	must(t, err)
	return st, warns
}

// capNetBindService is a version 2 security.capability value: effective,
// permitted CAP_NET_BIND_SERVICE.
func capNetBindService() string {
	b := make([]byte, 20)
	binary.LittleEndian.PutUint32(b[0:], 0x02000001)
	binary.LittleEndian.PutUint32(b[4:], 1<<unix.CAP_NET_BIND_SERVICE)
	return string(b)
}

func getxattr(t *testing.T, p, name string) (string, bool) {
	t.Helper()
	buf := make([]byte, 256)
	n, err := unix.Lgetxattr(p, name, buf)
	if errors.Is(err, unix.ENODATA) {
		return "", false
	}
	must(t, err)
	return string(buf[:n]), true
}

func ts(t time.Time) unix.Timespec { return unix.NsecToTimespec(t.UnixNano()) }

func TestRestoresMetadata(t *testing.T) {
	testenv.Require(t, os.Geteuid() == 0, "restoring owners, devices and security.capability needs root")
	b := newBox(t)
	mtime := time.Date(2001, 2, 3, 4, 5, 6, 789, time.UTC)
	atime := time.Date(2002, 2, 3, 4, 5, 6, 7, time.UTC)
	stats, warns := extractAll(t, b.root, extract.Options{Privileged: true},
		dir("d").with(func(h *tar.Header) { h.Mode, h.Uid, h.Gid, h.ModTime, h.AccessTime = 0o2750, 11, 12, mtime, atime }),
		reg("d/bin", "#!/bin/sh\n").with(func(h *tar.Header) {
			h.Mode, h.Uid, h.Gid, h.ModTime, h.AccessTime = 0o4755, 13, 14, mtime, atime
			h.PAXRecords = map[string]string{"SCHILY.xattr.user.note": "hello", "SCHILY.xattr.security.capability": capNetBindService()}
		}),
		symlink("d/link", "bin").with(func(h *tar.Header) { h.Uid, h.Gid, h.ModTime = 15, 16, mtime }),
		hardlink("d/bin2", "d/bin"),
		node("d/null", tar.TypeChar, 1, 3).with(func(h *tar.Header) { h.Mode, h.Uid, h.Gid = 0o666, 17, 18 }),
		node("d/loop9", tar.TypeBlock, 7, 9),
		node("d/fifo", tar.TypeFifo, 0, 0).with(func(h *tar.Header) { h.Mode, h.ModTime = 0o640, mtime }),
	)
	b.check(t)
	if len(warns) != 0 {
		t.Errorf("warnings: %q", warns)
	}
	want := extract.Stats{Files: 1, Dirs: 1, Symlinks: 1, Hardlinks: 1, Devices: 3, Bytes: 10}
	if stats != want {
		t.Errorf("stats %+v, want %+v", stats, want)
	}
	checkStat(t, b.path("d"), unix.S_IFDIR|0o2750, 11, 12, atime, mtime)
	checkStat(t, b.path("d/bin"), unix.S_IFREG|0o4755, 13, 14, atime, mtime)
	checkStat(t, b.path("d/link"), unix.S_IFLNK|0o777, 15, 16, mtime, mtime)
	checkStat(t, b.path("d/fifo"), unix.S_IFIFO|0o640, 0, 0, mtime, mtime)
	if st := lstat(t, b.path("d/null")); st.Mode != unix.S_IFCHR|0o666 || st.Rdev != unix.Mkdev(1, 3) || st.Uid != 17 {
		t.Errorf("d/null: mode %o rdev %x uid %d", st.Mode, st.Rdev, st.Uid)
	}
	if st := lstat(t, b.path("d/loop9")); st.Mode&unix.S_IFMT != unix.S_IFBLK || st.Rdev != unix.Mkdev(7, 9) {
		t.Errorf("d/loop9: mode %o rdev %x", st.Mode, st.Rdev)
	}
	if lstat(t, b.path("d/bin2")).Ino != lstat(t, b.path("d/bin")).Ino {
		t.Error("d/bin2 is not a hardlink of d/bin")
	}
	if v, _ := getxattr(t, b.path("d/bin"), "user.note"); v != "hello" {
		t.Errorf("user.note = %q", v)
	}
	if v, _ := getxattr(t, b.path("d/bin"), "security.capability"); v != capNetBindService() {
		t.Errorf("security.capability = %x, want %x (chown after setting it would clear it)", v, capNetBindService())
	}
}

func checkStat(t *testing.T, p string, mode uint32, uid, gid uint32, atime, mtime time.Time) {
	t.Helper()
	st := lstat(t, p)
	if st.Mode != mode || st.Uid != uid || st.Gid != gid {
		t.Errorf("%s: mode %o uid %d gid %d, want %o %d %d", p, st.Mode, st.Uid, st.Gid, mode, uid, gid)
	}
	if st.Mtim != ts(mtime) || st.Atim != ts(atime) {
		t.Errorf("%s: atime %v mtime %v, want %v %v", p, st.Atim, st.Mtim, ts(atime), ts(mtime))
	}
}

func TestUnprivilegedSkipsAndWarnsOnce(t *testing.T) {
	b := newBox(t)
	xattrs := map[string]string{"SCHILY.xattr.security.capability": capNetBindService(), "SCHILY.xattr.trusted.x": "1",
		"SCHILY.xattr.user.ok": "1"}
	stats, warns := extractAll(t, b.root, extract.Options{Privileged: false},
		node("null", tar.TypeChar, 1, 3), node("zero", tar.TypeChar, 1, 5), node("sda", tar.TypeBlock, 8, 0),
		node("fifo", tar.TypeFifo, 0, 0),
		reg("owned", "x").with(func(h *tar.Header) { h.Uid, h.Gid = 1000, 1000; h.PAXRecords = xattrs }),
		reg("root-owned", "x").with(func(h *tar.Header) { h.Uid, h.Gid = 0, 0; h.PAXRecords = xattrs }),
		symlink("s", "owned").with(func(h *tar.Header) { h.PAXRecords = map[string]string{"SCHILY.xattr.user.l": "1"} }),
	)
	b.check(t)
	want := []string{
		"skipped 3 device nodes (not root)",
		"did not restore the owner of 1 entry (not root)",
		"skipped 2 security.capability xattrs (not root)",
		`ignored 3 xattrs: only user.* and security.capability on files and directories are restored (first "owned": "trusted.x")`,
	}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings:\n%q\nwant:\n%q", warns, want)
	}
	if stats.Devices != 1 || exists(b.path("null")) || !isType(t, b.path("fifo"), unix.S_IFIFO) {
		t.Errorf("devices not skipped or fifo not made: %+v", stats)
	}
	if _, ok := getxattr(t, b.path("owned"), "security.capability"); ok {
		t.Error("security.capability restored unprivileged")
	}
	if v, _ := getxattr(t, b.path("owned"), "user.ok"); v != "1" {
		t.Error("user.ok not restored")
	}
	if st := lstat(t, b.path("owned")); st.Uid != uint32(os.Geteuid()) {
		t.Errorf("owned has uid %d: chowned unprivileged", st.Uid)
	}
}

// TestLayers renders two layers into one root (appc DEP-3, DEP-4).
func TestLayers(t *testing.T) {
	b := newBox(t)
	extractAll(t, b.root, extract.Options{},
		dir("usr"), dir("usr/lib"), reg("usr/lib/libc.so", "libc"), symlink("lib", "usr/lib"),
		dir("etc"), reg("etc/passwd", "root"), dir("var"), dir("var/data"), reg("var/data/x", "x"),
		reg("bin", "not yet a dir"),
		dir("ro").with(func(h *tar.Header) { h.Mode = 0o555 }), reg("ro/f", "f"),
	)
	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	extractAll(t, b.root, extract.Options{},
		dir("lib"), reg("lib/app.so", "app"), // the symlink is replaced, never followed
		symlink("etc", b.outside), // a directory replaced by a symlink
		dir("var").with(func(h *tar.Header) { h.Mode, h.ModTime = 0o700, later }), reg("var/new", "n"), // merged
		dir("bin"), reg("bin/sh", "sh"),
		reg("ro/g", "g"),
	)
	b.check(t)
	switch {
	case !isType(t, b.path("lib"), unix.S_IFDIR) || exists(b.path("lib/libc.so")) || exists(b.path("usr/lib/app.so")):
		t.Error("lib was followed instead of replaced")
	case readFile(t, b.path("usr/lib/libc.so")) != "libc" || readFile(t, b.path("var/data/x")) != "x":
		t.Error("the earlier layer's files are gone")
	case !isType(t, b.path("etc"), unix.S_IFLNK):
		t.Error("etc was not replaced by the symlink")
	case readFile(t, b.path("bin/sh")) != "sh" || readFile(t, b.path("ro/g")) != "g":
		t.Error("the later layer's files are missing")
	}
	checkStat(t, b.path("var"), unix.S_IFDIR|0o700, uint32(os.Geteuid()), uint32(os.Getegid()), later, later)
	if m := lstat(t, b.path("ro")).Mode & 0o7777; m != 0o555 {
		t.Errorf("ro has mode %o after a later layer wrote into it", m)
	}
}

func TestDirectoryTimesAfterContents(t *testing.T) {
	b := newBox(t)
	extractAll(t, b.root, extract.Options{},
		dir("a"), dir("a/b"), reg("a/b/f", "f"), reg("a/g", "g"), dir("a/c"), symlink("a/c/l", "x"), node("a/p", tar.TypeFifo, 0, 0))
	for _, d := range []string{"a", "a/b", "a/c"} {
		if st := lstat(t, b.path(d)); st.Mtim != ts(epoch) || st.Atim != ts(epoch) {
			t.Errorf("%s: mtime %v atime %v, want %v", d, st.Mtim, st.Atim, ts(epoch))
		}
	}
}

func TestKeep(t *testing.T) {
	b := newBox(t)
	keep := map[string]bool{"bin/sh": true, "etc/hosts": true, "etc/link": true}
	var asked []string
	o := extract.Options{Rename: extract.ACIRootfs, Keep: func(rel string) bool {
		asked = append(asked, rel)
		return keep[rel]
	}}
	stats, _ := extractAll(t, b.root, o,
		reg("manifest", "{}"), dir("rootfs"), dir("rootfs/bin"), reg("rootfs/bin/sh", "sh"), reg("rootfs/bin/ls", "ls"),
		dir("rootfs/etc"), reg("rootfs/etc/hosts", "h"), hardlink("rootfs/etc/link", "rootfs/bin/sh"))
	wantAsked := []string{"bin", "bin/sh", "bin/ls", "etc", "etc/hosts", "etc/link"}
	if !reflect.DeepEqual(asked, wantAsked) {
		t.Errorf("Keep asked %q, want %q", asked, wantAsked)
	}
	if exists(b.path("bin/ls")) || readFile(t, b.path("etc/link")) != "sh" {
		t.Error("Keep not applied")
	}
	if st := lstat(t, b.path("bin")); st.Mtim == ts(epoch) || st.Mode&0o777 != 0o755 {
		t.Errorf("bin was kept as an entry, or made with mode %o", st.Mode)
	}
	if stats.Dirs != 0 || stats.Files != 2 || stats.Hardlinks != 1 {
		t.Errorf("stats %+v", stats)
	}

	b = newBox(t)
	o.KeepDirs = true
	asked = nil
	extractAll(t, b.root, o, dir("rootfs"), dir("rootfs/bin"), reg("rootfs/bin/sh", "sh"))
	if !reflect.DeepEqual(asked, []string{"bin/sh"}) || lstat(t, b.path("bin")).Mtim != ts(epoch) {
		t.Errorf("KeepDirs: asked %q; bin not extracted as an entry", asked)
	}
}

func TestRootMustBeADirectory(t *testing.T) {
	b := newBox(t)
	file := filepath.Join(b.parent, "sentinel")
	for _, root := range []string{filepath.Join(b.parent, "missing"), file} {
		_, err := extract.Extract(root, bytes.NewReader(mkTar(t, reg("a", "a"))), extract.Options{})
		if err == nil || !strings.Contains(err.Error(), root) {
			t.Errorf("Extract into %s: %v, want an error naming it", root, err)
		}
	}
	b.check(t)
}

// TestTruncatedArchive cuts an archive at every block: only the whole
// archive extracts without an error, so a stream cut on a block boundary
// is not taken for a complete one.
func TestTruncatedArchive(t *testing.T) {
	b := newBox(t)
	data := mkTar(t, dir("d"), reg("d/a", "a"), symlink("s", "a"), reg("b", strings.Repeat("b", 4000)),
		reg("z", strings.Repeat("\x00", 2048)))
	for n := 0; n < len(data); n += 512 {
		root := filepath.Join(b.parent, "root", fmt.Sprint(n))
		must(t, os.Mkdir(root, 0o755))
		_, err := extract.Extract(root, bytes.NewReader(data[:n]), extract.Options{})
		if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "unexpected end of archive") {
			t.Errorf("%d of %d bytes: got %v, want an unexpected end", n, len(data), err)
		}
	}
	if _, err := extract.Extract(b.root, bytes.NewReader(data), extract.Options{}); err != nil {
		t.Error(err)
	}
	b.check(t)
}

func TestErrorMessages(t *testing.T) {
	b := newBox(t)
	for _, c := range []struct {
		ents []ent
		want string
	}{
		{[]ent{symlink("x", "/etc"), reg("x/y/z", "")}, `entry "x/y/z": parent "x" is a symlink, not followed`},
		{[]ent{reg("a", ""), dir("a/b/c/")}, `entry "a/b/c/": parent "a" is not a directory`},
		{[]ent{reg("../etc/passwd", "")}, `entry "../etc/passwd": name "../etc/passwd" has a ".." component`},
		{[]ent{dir("d"), hardlink("l", "d")}, `entry "l": target "d" is a directory, not a regular file`},
		{[]ent{hardlink("l", "nope")}, `entry "l": target "nope" does not exist (yet)`},
		{[]ent{reg("\x1b[2J", ""), reg("\x1b[2J/x", "")}, `entry "\x1b[2J/x": parent "\x1b[2J" is not a directory`},
	} {
		_, err := extract.Extract(b.root, bytes.NewReader(mkTar(t, c.ents...)), extract.Options{})
		if err == nil || err.Error() != c.want {
			t.Errorf("got  %v\nwant %s", err, c.want)
		}
	}
	b.check(t)
}
