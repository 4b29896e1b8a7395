package extract_test

import (
	"archive/tar"
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/intermodal/intermodal/lib/extract"
)

// BenchmarkExtract unpacks a synthetic image-like tar (2000 files in 40
// directories, about 100 MB, sizes skewed like a real tree) with Extract
// and, as the floor to compare with, with GNU tar -xf of the same file.
// Each op starts from an empty root on a synced filesystem; removing the
// last root and syncing are not timed, so neither side pays for the
// other's writeback.
func BenchmarkExtract(b *testing.B) {
	archive := filepath.Join(b.TempDir(), "bench.tar")
	size := writeBenchTar(b, archive)
	b.Run("Extract", func(b *testing.B) {
		benchUnpack(b, size, func(root string) error {
			f, err := os.Open(archive)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = extract.Extract(root, bufio.NewReaderSize(f, 256<<10), extract.Options{Privileged: os.Geteuid() == 0})
			return err
		})
	})
	b.Run("tar", func(b *testing.B) {
		tarBin, err := exec.LookPath("tar")
		if err != nil {
			b.Skip("no tar to compare with")
		}
		benchUnpack(b, size, func(root string) error {
			out, err := exec.Command(tarBin, "-xf", archive, "-C", root).CombinedOutput()
			if err != nil {
				return fmt.Errorf("%v: %s", err, out)
			}
			return nil
		})
	})
}

func benchUnpack(b *testing.B, size int64, unpack func(root string) error) {
	b.SetBytes(size)
	parent := b.TempDir()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		root := filepath.Join(parent, fmt.Sprint(i))
		must(b, os.Mkdir(root, 0o755))
		must(b, extract.Sync(parent))
		b.StartTimer()
		if err := unpack(root); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		removeAll(b, root)
		b.StartTimer()
	}
}

// writeBenchTar writes the benchmark archive and returns the bytes of
// file contents in it.
func writeBenchTar(b *testing.B, path string) int64 {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	must(b, err)
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	tw := tar.NewWriter(w)
	rng := rand.New(rand.NewPCG(1, 2))
	blob := make([]byte, 2<<20+1000)
	for i := range blob {
		blob[i] = byte(rng.Uint32())
	}
	var total int64
	for d := 0; d < 40; d++ {
		dir := fmt.Sprintf("usr/lib/d%02d", d)
		must(b, tw.WriteHeader(&tar.Header{Name: dir + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: epoch}))
		for i := 0; i < 50; i++ {
			n := d*50 + i
			size := 8 << 10
			switch {
			case n%100 == 0:
				size = 2 << 20
			case n%10 == 0:
				size = 256 << 10
			}
			hdr := &tar.Header{Name: fmt.Sprintf("%s/f%04d", dir, n), Typeflag: tar.TypeReg, Mode: 0o644,
				Size: int64(size), ModTime: epoch}
			must(b, tw.WriteHeader(hdr))
			_, err := tw.Write(blob[n%1000 : n%1000+size])
			must(b, err)
			total += int64(size)
			if i%10 == 0 {
				must(b, tw.WriteHeader(&tar.Header{Name: hdr.Name + ".link", Typeflag: tar.TypeSymlink,
					Linkname: filepath.Base(hdr.Name), ModTime: epoch}))
			}
		}
	}
	must(b, tw.Close())
	must(b, w.Flush())
	return total
}
