package aci

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// pkIn is an input tar entry; a body implies a regular file.
type pkIn struct {
	typ  byte
	name string
	link string
	body string
}

func pkInputTar(t *testing.T, ents []pkIn) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range ents {
		h := &tar.Header{Typeflag: e.typ, Name: e.name, Linkname: e.link, Size: int64(len(e.body)),
			Mode: 0o100644, Uid: 7, Gid: 8, Uname: "alice", Gname: "staff", ModTime: pkMtime.Add(1500 * time.Millisecond),
			AccessTime: pkMtime, Format: tar.FormatPAX, PAXRecords: map[string]string{"SCHILY.xattr.user.k": "v", "comment": "drop me"}}
		if e.typ == tar.TypeXGlobalHeader {
			h = &tar.Header{Typeflag: e.typ, Name: e.name, PAXRecords: map[string]string{"comment": "global"}}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, e.body)
	}
	tw.Close()
	return b.Bytes()
}

func pkPackTarBytes(in []byte) ([]byte, error) {
	var out bytes.Buffer
	_, err := Pack(&out, PackOptions{Manifest: []byte(pkManifest), RootfsTar: bytes.NewReader(in)})
	return out.Bytes(), err
}

func pkPackTar(in []byte, epoch *time.Time) ([]*tar.Header, error) {
	var out bytes.Buffer
	_, err := Pack(&out, PackOptions{Manifest: []byte(pkManifest), RootfsTar: bytes.NewReader(in), Epoch: epoch})
	if err != nil {
		return nil, err
	}
	var hdrs []*tar.Header
	tr := tar.NewReader(&out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return hdrs, nil
		}
		if err != nil {
			return nil, err
		}
		hdrs = append(hdrs, h)
	}
}

func TestPackTarNames(t *testing.T) {
	tests := []struct {
		name string
		in   []pkIn
		want string // names after the manifest, or the error's text
	}{
		{"synthesised root", []pkIn{{typ: '5', name: "etc/"}, {typ: '0', name: "etc/a", body: "a"}},
			"rootfs/ rootfs/etc/ rootfs/etc/a"},
		{"root from ./", []pkIn{{typ: '5', name: "./"}, {typ: '0', name: "./a", body: "a"}},
			"rootfs/ rootfs/a"},
		{"stream order kept", []pkIn{{typ: '0', name: "b", body: "b"}, {typ: '0', name: "a", body: "a"}},
			"rootfs/ rootfs/b rootfs/a"},
		{"global header dropped", []pkIn{{typ: 'g', name: "pax_global_header"}, {typ: '5', name: "."}, {typ: '0', name: "a", body: "a"}},
			"rootfs/ rootfs/a"},
		{"hard link inside", []pkIn{{typ: '0', name: "a", body: "a"}, {typ: '1', name: "b", link: "./a"}},
			"rootfs/ rootfs/a rootfs/b"},
		{"empty stream", nil, "rootfs/"},
		{"absolute", []pkIn{{typ: '0', name: "/etc/passwd", body: "x"}}, "absolute name"},
		{"dot dot", []pkIn{{typ: '0', name: "a/../../x", body: "x"}}, `".." in name`},
		{"cancelling dot dot", []pkIn{{typ: '0', name: "a/../b", body: "x"}}, `".." in name`},
		{"link escapes", []pkIn{{typ: '1', name: "a", link: "../etc/shadow"}}, `".." in name`},
		{"link absolute", []pkIn{{typ: '1', name: "a", link: "/etc/shadow"}}, "absolute name"},
		{"link forward", []pkIn{{typ: '1', name: "a", link: "b"}, {typ: '0', name: "b", body: "b"}}, "not an earlier file"},
		{"link to dir", []pkIn{{typ: '5', name: "d/"}, {typ: '1', name: "a", link: "d"}}, "not an earlier file"},
		{"duplicate", []pkIn{{typ: '0', name: "a", body: "1"}, {typ: '0', name: "./a", body: "2"}}, "duplicate"},
		{"late root", []pkIn{{typ: '0', name: "a", body: "1"}, {typ: '5', name: "./"}}, "root must be the first"},
		{"root not dir", []pkIn{{typ: '0', name: ".", body: "1"}}, "root is not a directory"},
		{"volume label", []pkIn{{typ: 'V', name: "s"}}, "type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdrs, err := pkPackTar(pkInputTar(t, tt.in), nil)
			got := ""
			if err != nil {
				got = err.Error()
				if !errors.Is(err, ErrUnsafeTar) {
					t.Errorf("error %v is not ErrUnsafeTar", err)
				}
			} else {
				var names []string
				for _, h := range hdrs[1:] {
					names = append(names, h.Name)
				}
				got = strings.Join(names, " ")
			}
			if !strings.Contains(got, tt.want) || err == nil && got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPackTarNormalises: owner names, sub-second and access times and
// foreign PAX records go; numeric owners, xattrs and mode bits stay.
func TestPackTarNormalises(t *testing.T) {
	in := pkInputTar(t, []pkIn{{typ: '0', name: "a", body: "a"}, {typ: '2', name: "l", link: "/abs"}})
	epoch := pkMtime.Add(time.Hour)
	for _, e := range []*time.Time{nil, &epoch} {
		hdrs, err := pkPackTar(in, e)
		if err != nil {
			t.Fatal(err)
		}
		a, l := hdrs[2], hdrs[3]
		if a.Mode != 0o644 || a.Uid != 7 || a.Gid != 8 || a.Uname != "" || a.Gname != "" || !a.AccessTime.IsZero() {
			t.Errorf("file header %+v", a)
		}
		if !a.ModTime.Equal(pkMtime.Add(time.Second)) || l.Linkname != "/abs" {
			t.Errorf("mtime %v, link %q", a.ModTime, l.Linkname)
		}
		if len(a.PAXRecords) != 1 || a.PAXRecords["SCHILY.xattr.user.k"] != "v" {
			t.Errorf("PAX records %v", a.PAXRecords)
		}
		if want := pkDefaultTime(e); !hdrs[0].ModTime.Equal(want) || !hdrs[1].ModTime.Equal(want) {
			t.Errorf("manifest and root mtimes %v %v, want %v", hdrs[0].ModTime, hdrs[1].ModTime, want)
		}
	}
	early := pkMtime.Add(-time.Hour)
	hdrs, _ := pkPackTar(in, &early)
	if !hdrs[2].ModTime.Equal(early) {
		t.Errorf("mtime %v not clamped to %v", hdrs[2].ModTime, early)
	}
}

func pkDefaultTime(e *time.Time) time.Time {
	if e == nil {
		return time.Unix(0, 0)
	}
	return *e
}

func TestPackTarTruncatedInput(t *testing.T) {
	in := pkInputTar(t, []pkIn{{typ: '0', name: "a", body: strings.Repeat("x", 2000)}})
	if _, err := pkPackTar(in[:1200], nil); err == nil {
		t.Error("a truncated input tar packed without error")
	}
}

// FuzzPackTar feeds arbitrary bytes as the rootfs tar: Pack must not
// panic, and what it accepts must come out as manifest plus rootfs/
// entries with no absolute or ".." names and no link out of rootfs/.
func FuzzPackTar(f *testing.F) {
	f.Add(pkInputTar(&testing.T{}, []pkIn{{typ: '5', name: "./"}, {typ: '0', name: "a", body: "x"}, {typ: '1', name: "b", link: "a"}}))
	f.Add(pkInputTar(&testing.T{}, []pkIn{{typ: 'g', name: "g"}, {typ: '2', name: "l", link: "../../x"}}))
	f.Fuzz(func(t *testing.T, in []byte) {
		hdrs, err := pkPackTar(in, nil)
		if err != nil {
			return
		}
		for i, h := range hdrs {
			if i == 0 && h.Name == "manifest" {
				continue
			}
			if !strings.HasPrefix(h.Name, "rootfs/") || strings.Contains("/"+h.Name+"/", "/../") {
				t.Fatalf("entry name %q", h.Name)
			}
			if h.Typeflag == tar.TypeLink && (!strings.HasPrefix(h.Linkname, "rootfs/") || strings.Contains("/"+h.Linkname+"/", "/../")) {
				t.Fatalf("hard link %q -> %q", h.Name, h.Linkname)
			}
		}
	})
}
