package aci

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestPackTwiceIsIdentical(t *testing.T) {
	root := pkBuild(t, t.TempDir(), pkTree())
	for _, c := range []Compression{None, Gzip, Xz, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			var metas [2]bytes.Buffer
			a, ra := pkPack(t, root, PackOptions{Compression: c, TarSplit: &metas[0]})
			b, rb := pkPack(t, root, PackOptions{Compression: c, TarSplit: &metas[1]})
			if !bytes.Equal(a, b) || ra != rb || !bytes.Equal(metas[0].Bytes(), metas[1].Bytes()) {
				t.Error("two packs of one tree differ")
			}
		})
	}
}

// TestPackConcurrencyInvariant: the goroutine count must not reach the
// bytes, or ACIs would differ between machines. The body spans several
// gzip blocks so that blocks really are compressed in parallel.
func TestPackConcurrencyInvariant(t *testing.T) {
	nodes := []pkNode{{path: "big", kind: 'f', data: pkBig(3*gzipBlockSize + 12345), mode: 0o644}}
	root := pkBuild(t, t.TempDir(), nodes)
	var outs [][]byte
	for _, n := range []int{1, 2, 7} {
		out, _ := pkPack(t, root, PackOptions{Compression: Gzip, Concurrency: n})
		outs = append(outs, out)
	}
	if !bytes.Equal(outs[0], outs[1]) || !bytes.Equal(outs[0], outs[2]) {
		t.Error("gzip output depends on Concurrency")
	}
}

// TestPackIgnoresUmaskAndCreationOrder builds the same tree twice, once
// under umask 0 in order and once under umask 077 in reverse order (so
// readdir order differs on most filesystems), and expects the same bytes.
func TestPackIgnoresUmaskAndCreationOrder(t *testing.T) {
	nodes := pkTree()
	a := pkBuildUmask(t, 0, nodes)
	rev := slices.Clone(nodes)
	slices.Reverse(rev)
	rev = pkParentsFirst(rev)
	b := pkBuildUmask(t, 0o077, rev)
	outA, _ := pkPack(t, a, PackOptions{Compression: Gzip})
	outB, _ := pkPack(t, b, PackOptions{Compression: Gzip})
	if !bytes.Equal(outA, outB) {
		t.Error("the same tree built in another order under another umask packs differently")
	}
}

func pkBuildUmask(t *testing.T, mask int, nodes []pkNode) string {
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	return pkBuild(t, t.TempDir(), nodes)
}

// pkParentsFirst keeps a reversed list buildable: directories before what
// they hold, hard link targets before links.
func pkParentsFirst(nodes []pkNode) []pkNode {
	var dirs, files, links []pkNode
	for _, n := range nodes {
		switch n.kind {
		case 'd':
			dirs = append(dirs, n)
		case 'h':
			links = append(links, n)
		default:
			files = append(files, n)
		}
	}
	slices.SortStableFunc(dirs, func(x, y pkNode) int { return strings.Count(x.path, "/") - strings.Count(y.path, "/") })
	return slices.Concat(dirs, files, links)
}

func TestPackWalkErrors(t *testing.T) {
	dir := t.TempDir()
	gone := filepath.Join(dir, "gone")
	w := &walker{p: newPacker(io.Discard, PackOptions{}), links: map[devIno]string{}}
	if err := w.visit(gone, "rootfs/gone"); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), gone) {
		t.Errorf("vanished file: %v, want not-exist naming %s", err, gone)
	}
	f := filepath.Join(dir, "f")
	os.WriteFile(f, []byte("12345"), 0o644)
	for _, size := range []int64{4, 6} {
		fd, _ := openRetry(f)
		_, err := readSmall(&fileBody{fd: fd, path: f}, size, make([]byte, 16))
		unix.Close(fd)
		if !errors.Is(err, ErrFileChanged) || !strings.Contains(err.Error(), f) {
			t.Errorf("stat size %d of a 5-byte file: %v", size, err)
		}
	}
}

func TestCopyBodyExactSize(t *testing.T) {
	tests := []struct {
		name string
		src  string
		size int64
		want error
	}{
		{"exact", "12345", 5, nil},
		{"shrank", "123", 5, ErrFileChanged},
		{"grew", "1234567", 5, ErrFileChanged},
		{"empty", "", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dst bytes.Buffer
			err := copyBody(&dst, strings.NewReader(tt.src), tt.size)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if err == nil && dst.String() != tt.src {
				t.Errorf("copied %q", dst.String())
			}
		})
	}
}

// pkFailAfter fails every write once n bytes have passed.
type pkFailAfter struct{ n int }

var errPkWrite = errors.New("disk full")

func (f *pkFailAfter) Write(b []byte) (int, error) {
	if f.n < len(b) {
		return 0, errPkWrite
	}
	f.n -= len(b)
	return len(b), nil
}

// TestPackWriteErrorStopsWalk: an output error mid-tree comes back as the
// error, with the walker stopped and its queued files closed, not a hang.
func TestPackWriteErrorStopsWalk(t *testing.T) {
	root := pkBuild(t, t.TempDir(), pkBenchTrees()["many"])
	for _, c := range []Compression{None, Gzip} {
		_, err := Pack(&pkFailAfter{n: 100 << 10}, PackOptions{Manifest: []byte("{}"), RootfsDir: root, Compression: c})
		if !errors.Is(err, errPkWrite) {
			t.Errorf("%v: error %v, want the writer's", c, err)
		}
	}
}
