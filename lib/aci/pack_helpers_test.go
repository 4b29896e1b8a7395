package aci

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pkNode is one thing in a test tree, relative to rootfs.
type pkNode struct {
	path  string
	kind  byte // 'f' file, 'd' dir, 'l' symlink, 'h' hard link, 'p' fifo, 'c' char device, 's' socket
	data  string
	mode  os.FileMode // permission bits with setuid, setgid, sticky
	owner [2]int      // uid, gid; applied only as root
	xattr string      // value of user.test, when the filesystem supports it
}

var pkMtime = time.Unix(1577836800, 0) // 2020-01-01, as the bench inputs

// pkTree is the standard test tree: every entry type, a long name, a
// non-ASCII and a non-UTF-8 name, a body above smallFileMax, and names
// whose bytewise order differs from whole-path order ("a-b" vs "a/z").
func pkTree() []pkNode {
	long := strings.Repeat("n", 60) + "/" + strings.Repeat("m", 90)
	return []pkNode{
		{path: "a", kind: 'd', mode: 0o755},
		{path: "a/z", kind: 'f', data: "z\n", mode: 0o644},
		{path: "a-b", kind: 'f', data: "ab\n", mode: 0o600},
		{path: "a0", kind: 'f', data: "", mode: 0o644},
		{path: "abs", kind: 'l', data: "/etc/conf"},
		{path: "bin", kind: 'd', mode: 0o755},
		{path: "bin/hardlink", kind: 'f', data: pkBig(100 << 10), mode: 0o4755},
		{path: "bin/hello", kind: 'h', data: "bin/hardlink"},
		{path: "bin/sh", kind: 'l', data: "hello"},
		{path: "caf\u00e9", kind: 'f', data: "utf-8\n", mode: 0o644},
		{path: "etc", kind: 'd', mode: 0o2750, owner: [2]int{0, 42}},
		{path: "etc/conf", kind: 'f', data: "x=1\n", mode: 0o640, owner: [2]int{1234, 5678}, xattr: "hello"},
		{path: "fifo", kind: 'p', mode: 0o600},
		{path: "latin\xff", kind: 'f', data: "not utf-8\n", mode: 0o644},
		{path: strings.Repeat("n", 60), kind: 'd', mode: 0o755},
		{path: long, kind: 'f', data: "long\n", mode: 0o644},
		{path: "sticky", kind: 'd', mode: 0o1777},
	}
}

// pkBig is a deterministic body that is not all one byte.
func pkBig(n int) string {
	b := make([]byte, n)
	x := uint32(1)
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24 & 0x3f) // compressible, not trivial
	}
	return string(b)
}

// pkBuild creates nodes under dir/rootfs in the given order and then sets
// every mtime, children first, so creation order leaves no trace.
func pkBuild(t testing.TB, dir string, nodes []pkNode) string {
	t.Helper()
	root := filepath.Join(dir, "rootfs")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	pkAttrs(t, root, pkNode{kind: 'd', mode: 0o755}) // not the umask's
	for _, n := range nodes {
		pkMake(t, root, n)
	}
	pkTouchAll(t, root)
	return root
}

func pkMake(t testing.TB, root string, n pkNode) {
	t.Helper()
	p := filepath.Join(root, n.path)
	var err error
	switch n.kind {
	case 'f':
		err = os.WriteFile(p, []byte(n.data), 0o600)
	case 'd':
		err = os.MkdirAll(p, 0o700)
	case 'l':
		err = os.Symlink(n.data, p)
	case 'h':
		err = os.Link(filepath.Join(root, n.data), p)
	case 'p':
		err = unix.Mkfifo(p, 0o600)
	case 'c':
		err = unix.Mknod(p, unix.S_IFCHR|0o600, int(unix.Mkdev(1, 3)))
	case 's':
		err = pkSocket(p)
	}
	if err != nil {
		t.Fatal(err)
	}
	pkAttrs(t, p, n)
}

// pkAttrs sets mode bits exactly (chmod ignores the umask) and owners.
func pkAttrs(t testing.TB, p string, n pkNode) {
	t.Helper()
	if n.kind == 'l' || n.kind == 'h' || n.kind == 's' {
		return
	}
	if err := unix.Chmod(p, uint32(n.mode)); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 && n.owner != [2]int{} {
		if err := os.Lchown(p, n.owner[0], n.owner[1]); err != nil {
			t.Fatal(err)
		}
		unix.Chmod(p, uint32(n.mode)) // chown clears setuid/setgid
	}
	if n.xattr != "" && pkUserXattrs(p) {
		if err := unix.Setxattr(p, "user.test", []byte(n.xattr), 0); err != nil {
			t.Fatal(err)
		}
	}
}

func pkUserXattrs(p string) bool {
	err := unix.Setxattr(p, "user.probe", []byte("1"), 0)
	unix.Removexattr(p, "user.probe")
	return err == nil
}

func pkSocket(p string) error {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return unix.Bind(fd, &unix.SockaddrUnix{Name: p})
}

// pkTouchAll sets every mtime under root (root included) to pkMtime.
func pkTouchAll(t testing.TB, root string) {
	t.Helper()
	var paths []string
	filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		paths = append(paths, p)
		return err
	})
	ts := []unix.Timespec{unix.NsecToTimespec(pkMtime.UnixNano()), unix.NsecToTimespec(pkMtime.UnixNano())}
	for _, p := range slices.Backward(paths) {
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			t.Fatal(err)
		}
	}
}

const pkManifest = `{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/test"}`

// pkPack packs root with opts' other fields and returns the output bytes.
func pkPack(t testing.TB, root string, opts PackOptions) ([]byte, PackResult) {
	t.Helper()
	opts.RootfsDir = root
	if opts.Manifest == nil {
		opts.Manifest = []byte(pkManifest)
	}
	var out bytes.Buffer
	res, err := Pack(&out, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), res
}

// pkHeaders reads every header of an uncompressed tar and each entry's
// body by name.
func pkHeaders(t testing.TB, data []byte) ([]*tar.Header, map[string]string) {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(data))
	var hdrs []*tar.Header
	bodies := map[string]string{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return hdrs, bodies
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		hdrs = append(hdrs, h)
		bodies[h.Name] = string(b)
	}
}
