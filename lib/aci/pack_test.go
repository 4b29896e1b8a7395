package aci

import (
	"archive/tar"
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/intermodal/intermodal/lib/testenv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
	"github.com/ulikunitz/xz"
)

// pkOwner is the owner a node gets: its own as root, else the tester's.
func pkOwner(uid, gid int) string {
	if os.Geteuid() != 0 {
		uid, gid = os.Getuid(), os.Getgid()
	}
	return fmt.Sprintf("%d/%d", uid, gid)
}

func pkLine(h *tar.Header) string {
	return fmt.Sprintf("%c %q %#o %d/%d %d %q", h.Typeflag, h.Name, h.Mode, h.Uid, h.Gid, h.Size, h.Linkname)
}

func TestPackEntries(t *testing.T) {
	data, res := pkPack(t, pkBuild(t, t.TempDir(), pkTree()), PackOptions{})
	hdrs, bodies := pkHeaders(t, data)
	r, e := pkOwner(0, 0), pkOwner(0, 42)
	n60 := strings.Repeat("n", 60)
	want := []string{
		fmt.Sprintf(`0 "manifest" 0644 0/0 %d ""`, len(pkManifest)),
		`5 "rootfs/" 0755 ` + r + ` 0 ""`,
		`5 "rootfs/a/" 0755 ` + r + ` 0 ""`,
		`0 "rootfs/a/z" 0644 ` + r + ` 2 ""`,
		`0 "rootfs/a-b" 0600 ` + r + ` 3 ""`,
		`0 "rootfs/a0" 0644 ` + r + ` 0 ""`,
		`2 "rootfs/abs" 0777 ` + r + ` 0 "/etc/conf"`,
		`5 "rootfs/bin/" 0755 ` + r + ` 0 ""`,
		`0 "rootfs/bin/hardlink" 04755 ` + r + ` 102400 ""`,
		`1 "rootfs/bin/hello" 04755 ` + r + ` 0 "rootfs/bin/hardlink"`,
		`2 "rootfs/bin/sh" 0777 ` + r + ` 0 "hello"`,
		`0 "rootfs/café" 0644 ` + r + ` 6 ""`,
		`5 "rootfs/etc/" 02750 ` + e + ` 0 ""`,
		`0 "rootfs/etc/conf" 0640 ` + pkOwner(1234, 5678) + ` 4 ""`,
		`6 "rootfs/fifo" 0600 ` + r + ` 0 ""`,
		`0 "rootfs/latin\xff" 0644 ` + r + ` 10 ""`,
		`5 "rootfs/` + n60 + `/" 0755 ` + r + ` 0 ""`,
		`0 "rootfs/` + n60 + "/" + strings.Repeat("m", 90) + `" 0644 ` + r + ` 5 ""`,
		`5 "rootfs/sticky/" 01777 ` + r + ` 0 ""`,
	}
	var got []string
	for _, h := range hdrs {
		got = append(got, pkLine(h))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Entries != len(want) || res.TarSize != int64(len(data)) {
		t.Errorf("result %+v, want %d entries and %d bytes", res, len(want), len(data))
	}
	if bodies["manifest"] != pkManifest || bodies["rootfs/bin/hardlink"] != pkBig(100<<10) {
		t.Error("bodies differ from the files")
	}
	pkCheckHeaders(t, hdrs, nil)
}

// pkCheckHeaders checks what holds for every header Pack writes.
func pkCheckHeaders(t *testing.T, hdrs []*tar.Header, epoch *time.Time) {
	t.Helper()
	for _, h := range hdrs {
		want := pkMtime
		if h.Name == "manifest" {
			want = time.Unix(0, 0)
		}
		if epoch != nil && want.After(*epoch) || h.Name == "manifest" && epoch != nil {
			want = *epoch
		}
		if !h.ModTime.Equal(want) || !h.AccessTime.IsZero() || !h.ChangeTime.IsZero() {
			t.Errorf("%q: times %v %v %v, want mtime %v only", h.Name, h.ModTime, h.AccessTime, h.ChangeTime, want)
		}
		if h.Uname != "" || h.Gname != "" {
			t.Errorf("%q: owner names %q %q", h.Name, h.Uname, h.Gname)
		}
		if h.Format&tar.FormatGNU != 0 {
			t.Errorf("%q: GNU format", h.Name)
		}
		pkCheckPAX(t, h)
	}
}

// pkCheckPAX: PAX records only when ustar cannot say it.
func pkCheckPAX(t *testing.T, h *tar.Header) {
	t.Helper()
	for k := range h.PAXRecords {
		switch {
		case k == "path" && (len(h.Name) > 100 || strings.ContainsFunc(h.Name, func(r rune) bool { return r > 127 })):
		case strings.HasPrefix(k, "SCHILY.xattr."):
		default:
			t.Errorf("%q: unexpected PAX record %q", h.Name, k)
		}
	}
}

func TestPackXattrs(t *testing.T) {
	dir := t.TempDir()
	root := pkBuild(t, dir, pkTree())
	testenv.Require(t, pkUserXattrs(root), "the test directory's filesystem has no user xattrs")
	data, _ := pkPack(t, root, PackOptions{})
	hdrs, _ := pkHeaders(t, data)
	for _, h := range hdrs {
		v, ok := h.PAXRecords["SCHILY.xattr.user.test"]
		if (h.Name == "rootfs/etc/conf") != ok || ok && v != "hello" {
			t.Errorf("%q: xattr %q %v", h.Name, v, ok)
		}
	}
}

func TestPackDevicesAndSockets(t *testing.T) {
	testenv.Require(t, os.Geteuid() == 0, "mknod needs root")
	var warns []string
	nodes := []pkNode{{path: "null", kind: 'c', mode: 0o666}, {path: "sock", kind: 's'}}
	root := pkBuild(t, t.TempDir(), nodes)
	data, _ := pkPack(t, root, PackOptions{Warn: func(m string) { warns = append(warns, m) }})
	hdrs, _ := pkHeaders(t, data)
	if len(hdrs) != 3 || hdrs[2].Typeflag != tar.TypeChar || hdrs[2].Devmajor != 1 || hdrs[2].Devminor != 3 {
		t.Errorf("entries %v, want manifest, rootfs/ and a 1:3 char device", hdrs)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "sock: skipping socket") {
		t.Errorf("warnings %q", warns)
	}
}

func TestPackEpoch(t *testing.T) {
	root := pkBuild(t, t.TempDir(), pkTree())
	for _, e := range []time.Time{pkMtime.Add(-time.Hour), pkMtime.Add(time.Hour)} {
		t.Run(e.String(), func(t *testing.T) {
			data, _ := pkPack(t, root, PackOptions{Epoch: &e})
			hdrs, _ := pkHeaders(t, data)
			pkCheckHeaders(t, hdrs, &e)
		})
	}
}

func TestPackEmptyRootfs(t *testing.T) {
	data, res := pkPack(t, pkBuild(t, t.TempDir(), nil), PackOptions{})
	hdrs, _ := pkHeaders(t, data)
	if len(hdrs) != 2 || res.Entries != 2 || hdrs[1].Name != "rootfs/" {
		t.Errorf("entries %v", hdrs)
	}
}

// TestPackCompressions checks that every codec decodes to the tar the ID
// names, and that gzip's header carries nothing variable.
func TestPackCompressions(t *testing.T) {
	root := pkBuild(t, t.TempDir(), pkTree())
	plain, ref := pkPack(t, root, PackOptions{})
	for _, c := range []Compression{None, Gzip, Xz, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			out, res := pkPack(t, root, PackOptions{Compression: c})
			tarBytes := pkDecode(t, c, out)
			sum := sha512.Sum512(tarBytes)
			if res != ref || !bytes.Equal(tarBytes, plain) || res.ID != "sha512-"+hex.EncodeToString(sum[:]) {
				t.Errorf("result %+v, want %+v and the ID of the decoded bytes", res, ref)
			}
		})
	}
	gz, _ := pkPack(t, root, PackOptions{Compression: Gzip})
	if want := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}; !bytes.Equal(gz[:10], want) {
		t.Errorf("gzip header % x, want % x", gz[:10], want)
	}
	if _, err := Pack(io.Discard, PackOptions{Manifest: []byte("{}"), RootfsDir: root, Compression: Bzip2}); !errors.Is(err, ErrBzip2Write) {
		t.Errorf("bzip2: %v", err)
	}
}

// TestPackSkipID: not hashing changes nothing but the (empty) ID.
func TestPackSkipID(t *testing.T) {
	root := pkBuild(t, t.TempDir(), pkTree())
	with, ref := pkPack(t, root, PackOptions{Compression: Gzip})
	without, res := pkPack(t, root, PackOptions{Compression: Gzip, SkipID: true})
	if res.ID != "" || res.TarSize != ref.TarSize || !bytes.Equal(with, without) {
		t.Errorf("SkipID: %+v vs %+v, same bytes %v", res, ref, bytes.Equal(with, without))
	}
}

func pkDecode(t *testing.T, c Compression, b []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	var err error
	switch c {
	case Gzip:
		r, err = pgzip.NewReader(r)
	case Xz:
		r, err = xz.NewReader(r)
	case Zstd:
		var d *zstd.Decoder
		d, err = zstd.NewReader(r)
		r = d
	}
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPackOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		opts PackOptions
		want string
	}{
		{"no source", PackOptions{Manifest: []byte("{}")}, "exactly one"},
		{"two sources", PackOptions{Manifest: []byte("{}"), RootfsDir: ".", RootfsTar: strings.NewReader("")}, "exactly one"},
		{"no manifest", PackOptions{RootfsDir: "."}, "no manifest"},
		{"missing dir", PackOptions{Manifest: []byte("{}"), RootfsDir: "/nonexistent/rootfs"}, "stat /nonexistent/rootfs"},
		{"not a dir", PackOptions{Manifest: []byte("{}"), RootfsDir: "/dev/null"}, "/dev/null: not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Pack(io.Discard, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestPackUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		// Not a missing capability but a surplus one, so no pkRequire;
		// TestPackWalkErrors covers the naming of paths as root.
		t.Skip("root reads unreadable files")
	}
	root := pkBuild(t, t.TempDir(), []pkNode{{path: "secret", kind: 'f', data: "x", mode: 0}})
	_, err := Pack(io.Discard, PackOptions{Manifest: []byte("{}"), RootfsDir: root})
	if !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), filepath.Join(root, "secret")) {
		t.Errorf("error %v, want permission denied naming the file", err)
	}
}
