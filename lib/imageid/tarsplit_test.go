package imageid

import (
	"archive/tar"
	"bytes"
	"crypto/sha512"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/vbatts/tar-split/tar/asm"
	"github.com/vbatts/tar-split/tar/storage"
	"golang.org/x/sys/unix"
)

type entry struct {
	name, body, link string
	typ              byte
}

var treeEntries = []entry{
	{name: "manifest", body: `{"acKind":"ImageManifest"}`},
	{name: "rootfs/", typ: tar.TypeDir},
	{name: "rootfs/etc/", typ: tar.TypeDir},
	{name: "rootfs/etc/hostname", body: "box\n"},
	{name: "rootfs/etc/empty"},
	{name: "rootfs/etc/link", typ: tar.TypeSymlink, link: "/etc/hostname"},
	{name: "rootfs/etc/hard", typ: tar.TypeLink, link: "rootfs/etc/hostname"},
	{name: "rootfs/" + strings.Repeat("n", 150), body: "long name\n"},
}

func buildTar(t *testing.T) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range treeEntries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Linkname: e.link, Mode: 0o644, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, e.body)
	}
	tw.Close()
	return buf.Bytes()
}

// disassemble returns gzip'd tar-split metadata for tarball.
func disassemble(t *testing.T, tarball []byte) []byte {
	var meta bytes.Buffer
	zw := gzip.NewWriter(&meta)
	rc, done, err := asm.NewInputTarStreamWithDone(bytes.NewReader(tarball), storage.NewJSONPacker(zw), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, rc)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return meta.Bytes()
}

// unpack lays the entries out as an image dir: DIR/manifest, DIR/rootfs.
func unpack(t *testing.T) string {
	dir := t.TempDir()
	for _, e := range treeEntries {
		p := filepath.Join(dir, e.name)
		switch e.typ {
		case tar.TypeDir:
			must(t, os.MkdirAll(p, 0o755))
		case tar.TypeSymlink:
			must(t, os.Symlink(e.link, p))
		case tar.TypeLink:
			must(t, os.Link(filepath.Join(dir, e.link), p))
		default:
			must(t, os.WriteFile(p, []byte(e.body), 0o644))
		}
	}
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func rebuildID(dir string, meta []byte) (string, error) {
	h := NewHash()
	err := Rebuild(h, Tree{Rootfs: filepath.Join(dir, "rootfs")}, bytes.NewReader(meta))
	return FromSum(h.Sum(nil)), err
}

func TestRebuildGivesTheImageID(t *testing.T) {
	tarball := buildTar(t)
	sum := sha512.Sum512(tarball)
	got, err := rebuildID(unpack(t), disassemble(t, tarball))
	if err != nil {
		t.Fatal(err)
	}
	if want := FromSum(sum[:]); got != want {
		t.Fatalf("rebuilt %s, want %s", got, want)
	}
}

func TestRebuildRefusesAlteredTrees(t *testing.T) {
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "hostname"), []byte("box\n"), 0o644))
	tests := []struct {
		name   string
		change func(root string)
		want   string
	}{
		{"content", func(r string) { os.WriteFile(r+"/etc/hostname", []byte("bad\n"), 0o644) }, "content differs"},
		{"size", func(r string) { os.WriteFile(r+"/etc/hostname", []byte("longer\n"), 0o644) }, "size is 7 bytes"},
		{"missing", func(r string) { os.Remove(r + "/etc/hostname"); os.Remove(r + "/etc/hard") }, "no such file"},
		{"symlink out", func(r string) {
			os.Remove(r + "/etc/hostname")
			os.Symlink(outside+"/hostname", r+"/etc/hostname")
		}, "rootfs/etc/hostname"},
		{"parent symlinked out", func(r string) {
			os.RemoveAll(r + "/etc")
			os.Symlink(outside, r+"/etc")
		}, "rootfs/etc/hostname"},
		{"fifo", func(r string) { os.Remove(r + "/etc/hostname"); unix.Mkfifo(r+"/etc/hostname", 0o644) }, "not a regular file"},
	}
	meta := disassemble(t, buildTar(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := unpack(t)
			tt.change(filepath.Join(dir, "rootfs"))
			_, err := rebuildID(dir, meta)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRebuildBadMetadata(t *testing.T) {
	dir := unpack(t)
	if _, err := rebuildID(dir, []byte("not gzip")); err == nil || !strings.Contains(err.Error(), "tar-split metadata") {
		t.Errorf("err = %v", err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"type":1,"name":"rootfs/../../etc/passwd","size":3,"payload":"AAAAAAAAAAA=","position":0}` + "\n"))
	zw.Close()
	_, err := rebuildID(dir, gz.Bytes())
	if !errors.Is(err, ErrMismatch) && (err == nil || !strings.Contains(err.Error(), "no such file")) {
		t.Errorf("escaping name: err = %v", err)
	}
}

func FuzzRebuild(f *testing.F) {
	f.Add([]byte(`{"type":2,"payload":"aGVsbG8=","position":0}` + "\n"))
	f.Add([]byte(`{"type":1,"name":"rootfs/etc/hostname","size":4,"payload":"AAAAAAAAAAA=","position":1}` + "\n"))
	f.Add([]byte(`{"type":1,"name":"manifest","size":1}`))
	f.Fuzz(func(t *testing.T, jsonLines []byte) {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(jsonLines)
		zw.Close()
		dir := unpack(t)
		rebuildID(dir, gz.Bytes()) // must not panic, hang or read outside dir
	})
}
