package aci

import (
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	stdtar "github.com/vbatts/tar-split/archive/tar"
	"github.com/vbatts/tar-split/tar/asm"
	"github.com/vbatts/tar-split/tar/storage"
)

// TestTarSplitReassembles is the proof that the metadata recorded while
// writing is complete: tar-split's own assembler, given only the metadata
// and the rootfs tree on disk (the manifest is not on disk), rebuilds the
// tar whose sha512 is the image ID. Rebuilding from tar-split's own
// disassembly of the same tar must give the same bytes.
func TestTarSplitReassembles(t *testing.T) {
	nodes := pkTree()
	if os.Geteuid() == 0 {
		nodes = append(nodes, pkNode{path: "null", kind: 'c', mode: 0o666})
	}
	dir := t.TempDir()
	root := pkBuild(t, dir, nodes)
	var meta bytes.Buffer
	tarBytes, res := pkPack(t, root, PackOptions{TarSplit: &meta})

	ours := pkReassemble(t, dir, meta.Bytes())
	if sum := sha512.Sum512(ours); "sha512-"+hex.EncodeToString(sum[:]) != res.ID {
		t.Fatal("reassembly from the recorded metadata does not give the image ID")
	}
	// tar-split's own metadata needs the manifest on disk too.
	if err := os.WriteFile(filepath.Join(dir, "manifest"), []byte(pkManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	theirs := pkReassemble(t, dir, pkDisassemble(t, tarBytes))
	if !bytes.Equal(ours, theirs) || !bytes.Equal(ours, tarBytes) {
		t.Error("reassembly from recorded and from disassembled metadata differ")
	}
	pkSameFileEntries(t, meta.Bytes(), pkDisassemble(t, tarBytes))
}

// TestTarSplitIterateHeaders: asm.IterateHeaders walks the recorded
// metadata header by header, which needs each body's padding at the start
// of the next segment, the manifest's included.
func TestTarSplitIterateHeaders(t *testing.T) {
	var meta bytes.Buffer
	tarBytes, _ := pkPack(t, pkBuild(t, t.TempDir(), pkTree()), PackOptions{TarSplit: &meta, Compression: Gzip})
	want, _ := pkHeaders(t, pkDecode(t, Gzip, tarBytes))
	var got []string
	err := asm.IterateHeaders(pkUnpacker(t, meta.Bytes()), func(h *stdtar.Header) error {
		got = append(got, h.Name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("iterated %d headers, want %d: %q", len(got), len(want), got)
	}
	for i := range got {
		if got[i] != want[i].Name {
			t.Errorf("header %d: %q, want %q", i, got[i], want[i].Name)
		}
	}
}

func pkUnpacker(t *testing.T, meta []byte) storage.Unpacker {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(meta))
	if err != nil {
		t.Fatal(err)
	}
	return storage.NewJSONUnpacker(zr)
}

// pkReassemble rebuilds a tar from metadata and the files under dir.
func pkReassemble(t *testing.T, dir string, meta []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := asm.WriteOutputTarStream(storage.NewPathFileGetter(dir), pkUnpacker(t, meta), &out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// pkDisassemble is what tar-split users do with an existing tar.
func pkDisassemble(t *testing.T, tarBytes []byte) []byte {
	t.Helper()
	var meta bytes.Buffer
	zw := gzip.NewWriter(&meta)
	rc, done, err := asm.NewInputTarStreamWithDone(bytes.NewReader(tarBytes), storage.NewJSONPacker(zw), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return meta.Bytes()
}

// pkSameFileEntries: apart from the manifest, which the recorder keeps in
// segments, the file entries match tar-split's own, field by field.
func pkSameFileEntries(t *testing.T, ours, theirs []byte) {
	t.Helper()
	a, b := pkFileEntries(t, ours), pkFileEntries(t, theirs)
	if len(b) == 0 || b[0].GetName() != "manifest" {
		t.Fatal("disassembly does not start with the manifest")
	}
	b = b[1:]
	if len(a) != len(b) {
		t.Fatalf("%d file entries, tar-split has %d", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.GetName() != y.GetName() || x.Size != y.Size || !bytes.Equal(x.Payload, y.Payload) {
			t.Errorf("entry %d: %q %d %x, tar-split: %q %d %x", i, x.GetName(), x.Size, x.Payload, y.GetName(), y.Size, y.Payload)
		}
	}
}

func pkFileEntries(t *testing.T, meta []byte) []storage.Entry {
	t.Helper()
	up := pkUnpacker(t, meta)
	var out []storage.Entry
	for {
		e, err := up.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if e.Type == storage.FileType {
			out = append(out, *e)
		}
	}
}

// TestTarSplitNeedsTheTree: the metadata holds no file bodies, so a
// changed file fails tar-split's integrity check.
func TestTarSplitNeedsTheTree(t *testing.T) {
	dir := t.TempDir()
	root := pkBuild(t, dir, pkTree())
	var meta bytes.Buffer
	pkPack(t, root, PackOptions{TarSplit: &meta})
	if err := os.WriteFile(filepath.Join(root, "a", "z"), []byte("Z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := asm.WriteOutputTarStream(storage.NewPathFileGetter(dir), pkUnpacker(t, meta.Bytes()), io.Discard)
	if err == nil {
		t.Error("a changed body reassembled without error")
	}
}
