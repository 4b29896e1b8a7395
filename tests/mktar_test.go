package tests

import (
	"archive/tar"
	"os"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMktar writes a gzip'd tar with exactly the entries given, so scripts
// can build hostile archives: mktar OUT NAME[:TYPE[:LINK]]...
// TYPE is f (file, default), d (dir), l (symlink), h (hardlink) or S (sparse).
// A file named "manifest" gets a valid minimal manifest as its body.
func cmdMktar(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: mktar OUT NAME[:TYPE[:LINK]]...")
	}
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	ts.Check(err)
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	for _, spec := range args[1:] {
		writeEntry(ts, tw, spec)
	}
	ts.Check(tw.Close())
	ts.Check(zw.Close())
}

var entryTypes = map[string]byte{"f": tar.TypeReg, "d": tar.TypeDir, "l": tar.TypeSymlink, "h": tar.TypeLink, "S": tar.TypeGNUSparse}

func writeEntry(ts *testscript.TestScript, tw *tar.Writer, spec string) {
	parts := strings.SplitN(spec, ":", 3)
	hdr := &tar.Header{Name: parts[0], Typeflag: tar.TypeReg, Mode: 0o644, Format: tar.FormatPAX}
	if len(parts) > 1 {
		hdr.Typeflag = entryTypes[parts[1]]
	}
	if len(parts) > 2 {
		hdr.Linkname = parts[2]
	}
	body := ""
	if hdr.Typeflag == tar.TypeReg {
		body = "x\n"
		if parts[0] == "manifest" {
			body = `{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/hostile"}`
		}
		hdr.Size = int64(len(body))
	}
	if hdr.Typeflag == tar.TypeGNUSparse {
		hdr.Format = tar.FormatGNU
	}
	ts.Check(tw.WriteHeader(hdr))
	_, err := tw.Write([]byte(body))
	ts.Check(err)
}
