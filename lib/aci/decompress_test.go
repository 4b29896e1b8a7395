package aci_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"testing"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// sampleTar returns a small ustar archive with enough content that every
// codec produces more than one block of output.
func sampleTar(t testing.TB, format tar.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	body := bytes.Repeat([]byte("intermodal "), 50000)
	hdrs := []*tar.Header{
		{Name: "manifest", Mode: 0o644, Size: 2, Typeflag: tar.TypeReg, Format: format},
		{Name: "rootfs", Mode: 0o755, Typeflag: tar.TypeDir, Format: format},
		{Name: "rootfs/big", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg, Format: format},
	}
	bodies := [][]byte{[]byte("{}"), nil, body}
	for i, h := range hdrs {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(bodies[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(data, nil)
}

func xzBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	xw, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := xw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// encode compresses data with c, using a Go encoder where one exists and
// the command-line tool otherwise (Go has no bzip2 writer).
func encode(t testing.TB, c aci.Compression, data []byte) []byte {
	t.Helper()
	switch c {
	case aci.Gzip:
		return gzipBytes(t, data)
	case aci.Bzip2:
		return filterThrough(t, data, "bzip2", "-c")
	case aci.Xz:
		return xzBytes(t, data)
	case aci.Zstd:
		return zstdBytes(t, data)
	}
	return data
}

func decompressAll(t *testing.T, in []byte) ([]byte, aci.Compression, error) {
	t.Helper()
	rc, c, err := aci.Decompress(bytes.NewReader(in))
	if err != nil {
		return nil, c, err
	}
	defer rc.Close()
	out, err := io.ReadAll(rc)
	return out, c, err
}

func TestDecompressRoundTrip(t *testing.T) {
	plain := sampleTar(t, tar.FormatUSTAR)
	gnu := sampleTar(t, tar.FormatGNU)
	cases := []struct {
		name string
		in   func(t *testing.T) []byte
		want []byte
		c    aci.Compression
	}{
		{"ustar", func(*testing.T) []byte { return plain }, plain, aci.None},
		{"gnu tar magic", func(*testing.T) []byte { return gnu }, gnu, aci.None},
		{"gzip", func(t *testing.T) []byte { return encode(t, aci.Gzip, plain) }, plain, aci.Gzip},
		{"gzip multistream", func(t *testing.T) []byte {
			return append(gzipBytes(t, plain[:1000]), gzipBytes(t, plain[1000:])...)
		}, plain, aci.Gzip},
		{"bzip2 cli", func(t *testing.T) []byte { return encode(t, aci.Bzip2, plain) }, plain, aci.Bzip2},
		{"xz", func(t *testing.T) []byte { return encode(t, aci.Xz, plain) }, plain, aci.Xz},
		{"xz cli -9", func(t *testing.T) []byte { return filterThrough(t, plain, "xz", "-9", "-c") }, plain, aci.Xz},
		{"zstd", func(t *testing.T) []byte { return encode(t, aci.Zstd, plain) }, plain, aci.Zstd},
		{"zstd cli -19", func(t *testing.T) []byte { return filterThrough(t, plain, "zstd", "-19", "-q", "-c") }, plain, aci.Zstd},
		{"gzip cli", func(t *testing.T) []byte { return filterThrough(t, plain, "gzip", "-c") }, plain, aci.Gzip},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, c, err := decompressAll(t, tc.in(t))
			if err != nil {
				t.Fatal(err)
			}
			if c != tc.c {
				t.Errorf("compression = %v, want %v", c, tc.c)
			}
			if !bytes.Equal(out, tc.want) {
				t.Errorf("got %d bytes, want the %d bytes put in", len(out), len(tc.want))
			}
		})
	}
}

func TestDecompressUnknown(t *testing.T) {
	v7 := sampleTar(t, tar.FormatUSTAR)
	copy(v7[257:265], make([]byte, 8)) // what a v7 tar has there
	cases := map[string][]byte{
		"empty":     nil,
		"one byte":  {0x1f},
		"text":      []byte(`{"acKind":"ImageManifest"}`),
		"v7 tar":    v7,
		"lz4":       {0x04, 0x22, 0x4d, 0x18, 0, 0, 0, 0},
		"pgp armor": []byte("-----BEGIN PGP MESSAGE-----\n"),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := decompressAll(t, in)
			if !errors.Is(err, aci.ErrUnknownFormat) {
				t.Fatalf("err = %v, want ErrUnknownFormat", err)
			}
		})
	}
}

// xzHugeDict is an xz stream header followed by a block header whose
// LZMA2 filter asks for a 4 GiB dictionary: 20 bytes that would make a
// naive decoder allocate that much.
func xzHugeDict() []byte {
	stream := []byte{0xfd, '7', 'z', 'X', 'Z', 0, 0, 0x04} // magic, flags: CRC64
	stream = append(stream, crcLE(stream[6:8])...)
	block := []byte{0x02, 0x00, 0x21, 0x01, 40, 0, 0, 0}
	block = append(block, crcLE(block)...)
	return append(stream, block...)
}

func crcLE(b []byte) []byte {
	v := crc32.ChecksumIEEE(b)
	return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)}
}

// zstdHugeWindow is a zstd frame header declaring a 2 GiB window.
func zstdHugeWindow() []byte {
	return []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3, 0, 0, 0, 0, 0, 0}
}

func TestDecompressRefusesHugeWindows(t *testing.T) {
	cases := map[string][]byte{"xz": xzHugeDict(), "zstd": zstdHugeWindow()}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := decompressAll(t, in)
			if err == nil {
				t.Fatal("no error for a stream that asks for gigabytes of window")
			}
			t.Log(err)
		})
	}
}
