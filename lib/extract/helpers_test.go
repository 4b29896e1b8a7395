package extract_test

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// epoch is the time test entries carry unless they say otherwise.
var epoch = time.Date(2020, 1, 2, 3, 4, 5, 600, time.UTC)

// ent is one archive entry: a header and, for a regular file, its body.
type ent struct {
	hdr  tar.Header
	body string
}

func reg(name, body string) ent {
	return ent{hdr: tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body)), ModTime: epoch}, body: body}
}

func dir(name string) ent {
	return ent{hdr: tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: epoch}}
}

func symlink(name, target string) ent {
	return ent{hdr: tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777, ModTime: epoch}}
}

func hardlink(name, target string) ent {
	return ent{hdr: tar.Header{Name: name, Typeflag: tar.TypeLink, Linkname: target, Mode: 0o644, ModTime: epoch}}
}

func node(name string, typ byte, major, minor int64) ent {
	return ent{hdr: tar.Header{Name: name, Typeflag: typ, Mode: 0o600, Devmajor: major, Devminor: minor, ModTime: epoch}}
}

// with returns e changed by f, for modes, owners, times and PAX records.
func (e ent) with(f func(h *tar.Header)) ent {
	f(&e.hdr)
	return e
}

// mkTar writes the entries as a PAX archive. A header the writer refuses
// fails the test.
func mkTar(t testing.TB, ents ...ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := e.hdr
		if h.Format == tar.FormatUnknown {
			h.Format = tar.FormatPAX
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("writing header %q: %v", h.Name, err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatalf("writing %q: %v", h.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// box is a root directory inside a parent that also holds things the
// archive must never reach: a secret file, a directory, and a symlink
// pointing at the secret. check proves the parent is unchanged apart from
// the root.
type box struct {
	parent, root, outside, secret string
	before                        map[string]string
}

func newBox(t testing.TB) *box {
	t.Helper()
	parent, err := os.MkdirTemp("", "extract")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeAll(t, parent) })
	b := &box{parent: parent, root: filepath.Join(parent, "root"), outside: filepath.Join(parent, "outside")}
	b.secret = filepath.Join(b.outside, "secret")
	for _, d := range []string{b.root, b.outside, filepath.Join(b.outside, "dir")} {
		must(t, os.Mkdir(d, 0o755))
	}
	must(t, os.WriteFile(b.secret, []byte("secret\n"), 0o600))
	must(t, os.WriteFile(filepath.Join(parent, "sentinel"), []byte("sentinel\n"), 0o644))
	must(t, os.Symlink(b.secret, filepath.Join(parent, "link-to-secret")))
	b.before = snapshot(t, parent, b.root)
	return b
}

// check fails the test if anything outside the root changed, or the root
// is no longer a directory.
func (b *box) check(t testing.TB) {
	t.Helper()
	after := snapshot(t, b.parent, b.root)
	for _, k := range sortedKeys(b.before, after) {
		if b.before[k] != after[k] {
			t.Errorf("outside the root, %s changed:\n  before: %s\n  after:  %s", k, b.before[k], after[k])
		}
	}
	st, err := os.Lstat(b.root)
	if err != nil || !st.IsDir() {
		t.Errorf("root is no longer a directory: %v %v", st, err)
	}
}

func (b *box) path(rel string) string { return filepath.Join(b.root, rel) }

// snapshot describes every name under dir except skip: type, mode, owner,
// link count, times, size, contents and symlink targets, and the identity
// and mode of dir itself.
func snapshot(t testing.TB, dir, skip string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == skip {
			// Its contents change its mtime; its type, identity, mode and
			// owner must not change.
			st := lstat(t, p)
			m[p] = fmt.Sprintf("root mode=%o uid=%d gid=%d ino=%d", st.Mode, st.Uid, st.Gid, st.Ino)
			return fs.SkipDir
		}
		m[p] = describe(t, p)
		return nil
	})
	must(t, err)
	return m
}

func describe(t testing.TB, p string) string {
	var st unix.Stat_t
	must(t, unix.Lstat(p, &st))
	s := fmt.Sprintf("mode=%o uid=%d gid=%d nlink=%d ino=%d size=%d mtime=%d.%09d",
		st.Mode, st.Uid, st.Gid, st.Nlink, st.Ino, st.Size, st.Mtim.Sec, st.Mtim.Nsec)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFLNK:
		target, err := os.Readlink(p)
		must(t, err)
		s += " -> " + target
	case unix.S_IFREG:
		data, err := os.ReadFile(p)
		must(t, err)
		sum := sha256.Sum256(data)
		s += " sha256=" + hex.EncodeToString(sum[:8])
	}
	return s
}

func sortedKeys(a, b map[string]string) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// removeAll removes a tree whatever modes the archive gave it.
func removeAll(t testing.TB, dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	if err := os.RemoveAll(dir); err != nil {
		t.Errorf("cleanup: %v", err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	must(t, err)
	return string(data)
}

func lstat(t testing.TB, p string) *unix.Stat_t {
	t.Helper()
	var st unix.Stat_t
	must(t, unix.Lstat(p, &st))
	return &st
}

func isType(t testing.TB, p string, typ uint32) bool {
	t.Helper()
	var st unix.Stat_t
	return unix.Lstat(p, &st) == nil && st.Mode&unix.S_IFMT == typ
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// rawHeader is a ustar header block the tar writer would refuse to write,
// with a valid checksum.
func rawHeader(name string, typ byte, size int64) []byte {
	b := make([]byte, 512)
	copy(b[0:100], name)
	copy(b[100:], "0000644\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	copy(b[124:], fmt.Sprintf("%011o\x00", size))
	copy(b[136:], fmt.Sprintf("%011o\x00", epoch.Unix()))
	b[156] = typ
	copy(b[257:], "ustar\x0000")
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// rawEntry is a header and its body padded to whole blocks.
func rawEntry(name string, typ byte, body string) []byte {
	b := append(rawHeader(name, typ, int64(len(body))), body...)
	return append(b, make([]byte, (512-len(body)%512)%512)...)
}

// paxRecords encodes "LEN key=value\n" records, LEN counting itself.
func paxRecords(kv ...string) string {
	var s strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		rec := " " + kv[i] + "=" + kv[i+1] + "\n"
		n := len(rec)
		for n != len(rec)+len(fmt.Sprint(n)) {
			n = len(rec) + len(fmt.Sprint(n))
		}
		fmt.Fprintf(&s, "%d%s", n, rec)
	}
	return s.String()
}

// rawTar joins entries and the end-of-archive marker.
func rawTar(entries ...[]byte) []byte {
	var b []byte
	for _, e := range entries {
		b = append(b, e...)
	}
	return append(b, make([]byte, 1024)...)
}
