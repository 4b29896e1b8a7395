package aci_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"github.com/intermodal/intermodal/lib/testenv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/intermodal/intermodal/lib/aci"
)

func validTar() []byte {
	return tarOf(manifestEnt, rootfsEnt, reg("rootfs/a", strings.Repeat("data ", 3000)))
}

func TestCheckArchiveCompressions(t *testing.T) {
	plain := validTar()
	for _, c := range []aci.Compression{aci.None, aci.Gzip, aci.Bzip2, aci.Xz, aci.Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			res := checkBytes(t, encode(t, c, plain), aci.CheckOptions{})
			checkProblems(t, res.Problems)
			if res.Compression != c || res.Size != int64(len(plain)) || res.Entries != 3 {
				t.Errorf("got %v, %d bytes, %d entries; want %v, %d, 3", res.Compression, res.Size, res.Entries, c, len(plain))
			}
			if !bytes.Equal(res.Manifest, []byte(manifestEnt.body)) {
				t.Errorf("Manifest = %q", res.Manifest)
			}
		})
	}
}

func TestCheckArchiveStreamProblems(t *testing.T) {
	plain := validTar()
	v7 := bytes.Clone(plain)
	copy(v7[257:265], make([]byte, 8))
	badSum := bytes.Clone(plain)
	badSum[0] ^= 'x'
	gz := gzipBytes(t, plain)
	corruptGz := bytes.Clone(gz)
	corruptGz[len(gz)-8] ^= 0xff // the CRC-32, checked only at the end
	cases := []struct {
		name  string
		in    []byte
		wants []want
	}{
		{"G16 v7 tar", v7, []want{{"", "unknown file type", false}}},
		{"G16 junk", []byte("hello world"), []want{{"", "unknown file type", false}}},
		{"G16 empty", nil, []want{{"", "unknown file type", false}}},
		{"G16 empty tar has no magic", tarOf(), []want{{"", "unknown file type", false}}},
		{"G7 empty gzipped tar", gzipBytes(t, tarOf()),
			[]want{{"", "no manifest entry", false}, {"", "no rootfs directory entry", false}}},
		{"truncated tar", plain[:1200], []want{{"", "truncated or corrupt tar: unexpected EOF", false}}},
		{"bad header checksum", badSum, []want{{"", "truncated or corrupt tar", false}}},
		{"truncated gzip", gz[:len(gz)-10], []want{{"", "truncated or corrupt gzip data: unexpected EOF", false}}},
		{"corrupt gzip", corruptGz, []want{{"", "truncated or corrupt gzip data: gzip: invalid checksum", false}}},
		{"data after end marker", append(bytes.Clone(plain), "hidden"...),
			[]want{warning("", "non-zero data after the end-of-archive marker")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkProblems(t, checkBytes(t, tc.in, aci.CheckOptions{}).Problems, tc.wants...)
		})
	}
}

// G35: a 16 MiB file of zeros gzips to about 16 KiB.
func TestCheckArchiveBomb(t *testing.T) {
	plain := tarOf(manifestEnt, rootfsEnt, reg("rootfs/zeros", string(make([]byte, 16<<20))))
	bomb := gzipBytes(t, plain)
	t.Logf("%d bytes expand to %d", len(bomb), len(plain))
	const limit = 1 << 20
	res := checkBytes(t, bomb, aci.CheckOptions{MaxSize: limit})
	checkProblems(t, res.Problems, want{"", "decompressed size exceeds the limit of 1048576 bytes", false})
	if res.Size > limit+1 {
		t.Errorf("read %d bytes past a %d cap", res.Size, limit)
	}
	exact := checkBytes(t, bomb, aci.CheckOptions{MaxSize: int64(len(plain))})
	checkProblems(t, exact.Problems)
}

func TestCheckArchivePAX(t *testing.T) {
	long := "rootfs/" + strings.Repeat("d/", 100) + "file"
	cases := []struct {
		name  string
		hdrs  []*tar.Header
		wants []want
	}{
		{"G15 global header skipped", []*tar.Header{
			{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"comment": "hi"}},
			{Name: "manifest", Size: 2, Mode: 0o644}, {Name: "rootfs", Typeflag: tar.TypeDir}},
			[]want{warning("pax_global_header", "PAX global header ignored")}},
		{"long names pax", []*tar.Header{{Name: "manifest", Size: 2}, {Name: "rootfs", Typeflag: tar.TypeDir},
			{Name: long, Size: 1, Format: tar.FormatPAX}, {Name: long + "2", Linkname: long, Typeflag: tar.TypeLink, Format: tar.FormatPAX}}, nil},
		{"long names gnu", []*tar.Header{{Name: "manifest", Size: 2, Format: tar.FormatGNU}, {Name: "rootfs", Typeflag: tar.TypeDir, Format: tar.FormatGNU},
			{Name: long, Size: 1, Format: tar.FormatGNU}, {Name: long + "2", Linkname: long, Typeflag: tar.TypeLink, Format: tar.FormatGNU}}, nil},
		{"long name escaping", []*tar.Header{{Name: "manifest", Size: 2}, {Name: "rootfs", Typeflag: tar.TypeDir},
			{Name: long + "/../../" + strings.Repeat("../", 101) + "etc", Size: 1}},
			[]want{{long + "/../../" + strings.Repeat("../", 101) + "etc", `".." component`, false}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkProblems(t, checkBytes(t, paxTar(t, tc.hdrs...), aci.CheckOptions{}).Problems, tc.wants...)
		})
	}
}

// G15: sparse files as GNU tar writes them, old GNU ('S') and PAX
// (GNU.sparse.* records).
func TestCheckArchiveSparse(t *testing.T) {
	gnutar := testenv.LookPath(t, "tar")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "manifest"), []byte("{}"), 0o644)
	os.Mkdir(filepath.Join(dir, "rootfs"), 0o755)
	f, err := os.OpenFile(filepath.Join(dir, "rootfs", "sparse"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("end"), 4<<20)
	f.Close()
	for _, format := range []string{"gnu", "pax"} {
		t.Run(format, func(t *testing.T) {
			out, err := exec.Command(gnutar, "--format="+format, "--sparse", "-C", dir, "-cf", "-", "manifest", "rootfs").Output()
			if err != nil {
				t.Fatal(err)
			}
			checkProblems(t, checkBytes(t, out, aci.CheckOptions{}).Problems, want{"rootfs/sparse", "sparse file", false})
		})
	}
}

func TestCheckArchiveReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	gz := gzipBytes(t, validTar())
	for name, r := range map[string]io.Reader{
		"at once":   iotest.ErrReader(boom),
		"mid-gzip":  io.MultiReader(bytes.NewReader(gz[:len(gz)/2]), iotest.ErrReader(boom)),
		"mid-plain": io.MultiReader(bytes.NewReader(validTar()[:3000]), iotest.ErrReader(boom)),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := aci.CheckArchive(r, aci.CheckOptions{})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want the reader's error", err)
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	p := aci.Problem{Entry: "rootfs/../x", Msg: `name has a ".." component`}
	if got, want := p.String(), `entry "rootfs/../x": name has a ".." component`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	if got := (aci.Problem{Msg: "no manifest entry"}).String(); got != "no manifest entry" {
		t.Errorf("String() = %s", got)
	}
}
