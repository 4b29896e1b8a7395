package aci_test

import (
	"archive/tar"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// ent is one entry of a hand-built archive. Entries are written as raw
// ustar blocks so a test can say anything, including what archive/tar's
// writer refuses: odd typeflags, absolute and ".." names.
type ent struct {
	name string
	typ  byte
	body string
	link string
}

func reg(name, body string) ent        { return ent{name: name, typ: tar.TypeReg, body: body} }
func dir(name string) ent              { return ent{name: name, typ: tar.TypeDir} }
func hardlink(name, target string) ent { return ent{name: name, typ: tar.TypeLink, link: target} }
func symlink(name, target string) ent  { return ent{name: name, typ: tar.TypeSymlink, link: target} }
func typed(name string, typ byte) ent  { return ent{name: name, typ: typ} }

var (
	manifestEnt = reg("manifest", `{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/t"}`)
	rootfsEnt   = dir("rootfs")
)

// tarOf writes entries, the two zero blocks that end an archive, and
// zeros up to a 10240-byte record as GNU tar does.
func tarOf(ents ...ent) []byte {
	var buf bytes.Buffer
	for _, e := range ents {
		buf.Write(ustarBlock(e))
		buf.WriteString(e.body)
		buf.Write(make([]byte, pad512(len(e.body))))
	}
	buf.Write(make([]byte, 1024))
	buf.Write(make([]byte, pad(buf.Len(), 10240)))
	return buf.Bytes()
}

func pad512(n int) int { return pad(n, 512) }

func pad(n, to int) int { return (to - n%to) % to }

// ustarBlock encodes a POSIX ustar header (IEEE 1003.1-1988 §10.1.1).
func ustarBlock(e ent) []byte {
	b := make([]byte, 512)
	copy(b[0:100], e.name)
	octal(b[100:108], 0o644)
	octal(b[108:116], 0)
	octal(b[116:124], 0)
	octal(b[124:136], int64(len(e.body)))
	octal(b[136:148], 1700000000)
	b[156] = e.typ
	copy(b[157:257], e.link)
	copy(b[257:265], "ustar\x0000")
	copy(b[148:156], "        ")
	var sum int64
	for _, c := range b {
		sum += int64(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

func octal(dst []byte, v int64) {
	s := fmt.Sprintf("%0*o", len(dst)-1, v)
	copy(dst, s)
}

// paxTar writes headers with archive/tar, for PAX records and long names.
func paxTar(t testing.TB, hdrs ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range hdrs {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("writing %q: %v", h.Name, err)
		}
		if h.Size > 0 {
			tw.Write([]byte(strings.Repeat("x", int(h.Size))))
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
