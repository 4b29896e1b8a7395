package imageid

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"testing"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func TestFromReaderHashesTheDecompressedStream(t *testing.T) {
	tarball := append(buildTar(t), make([]byte, 3000)...) // trailing padding counts too
	sum := sha512.Sum512(tarball)
	want := FromSum(sum[:])
	var gz, zs bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(tarball)
	zw.Close()
	ze, _ := zstd.NewWriter(&zs)
	ze.Write(tarball)
	ze.Close()
	for _, tc := range []struct {
		name string
		in   []byte
		comp aci.Compression
	}{{"tar", tarball, aci.None}, {"gzip", gz.Bytes(), aci.Gzip}, {"zstd", zs.Bytes(), aci.Zstd}} {
		res, err := FromReader(bytes.NewReader(tc.in), 0)
		if err != nil || res.ID != want || res.Size != int64(len(tarball)) || res.Compression != tc.comp {
			t.Errorf("%s: %+v, %v; want %s", tc.name, res, err, want)
		}
	}
	if _, err := FromReader(bytes.NewReader(gz.Bytes()), int64(len(tarball)-1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the cap: %v, want ErrTooLarge", err)
	}
	if _, err := FromReader(bytes.NewReader(gz.Bytes()), int64(len(tarball))); err != nil {
		t.Errorf("exactly at the cap: %v", err)
	}
	// a truncated stream is an error, never the ID of what happened to arrive
	cut := gz.Bytes()[:gz.Len()/2]
	if res, err := FromReader(bytes.NewReader(cut), 0); err == nil {
		t.Errorf("truncated gzip gave %s with no error", res.ID)
	}
	if _, err := FromReader(bytes.NewReader([]byte("not an image at all")), 0); !errors.Is(err, aci.ErrUnknownFormat) {
		t.Errorf("junk: %v, want ErrUnknownFormat", err)
	}
}
