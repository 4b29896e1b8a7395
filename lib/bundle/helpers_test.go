package bundle

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/aci"
)

// tree writes files under dir: "path" -> content; content "->x" makes a
// symlink to x, "dir/" keys make directories; files whose content starts
// with "ELF" or "#!" are 0755, others 0644.
func tree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			must(t, os.MkdirAll(p, 0o755))
			continue
		}
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		if target, ok := strings.CutPrefix(content, "->"); ok {
			must(t, os.Symlink(target, p))
			continue
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(content, "ELF") || strings.HasPrefix(content, "#!") {
			mode = 0o755
		}
		must(t, os.WriteFile(p, []byte(content), mode))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// manifestJSON is a minimal valid manifest with extra JSON members (",..."
// spliced in before the closing brace) and an app.
func manifestJSON(name, app, extra string) string {
	s := `{"acKind":"ImageManifest","acVersion":"0.8.11","name":"` + name + `"`
	if app != "" {
		s += `,"app":` + app
	}
	return s + extra + "}"
}

// packImage packs manifest and files into a gzip ACI at path and returns
// its ID.
func packImage(t *testing.T, path, manifest string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	tree(t, dir, files)
	os.Remove(path) // a test may pack the same name again
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	must(t, err)
	defer f.Close()
	res, err := aci.Pack(f, aci.PackOptions{Manifest: []byte(manifest), RootfsDir: dir, Compression: aci.Gzip})
	must(t, err)
	return res.ID
}

// tarLast is an uncompressed ACI with the manifest as its last entry, as
// actool writes it.
func tarLast(t *testing.T, manifest string, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	must(t, tw.WriteHeader(&tar.Header{Name: "rootfs", Typeflag: tar.TypeDir, Mode: 0o755}))
	for _, name := range sortedNames(files) {
		content := files[name]
		hdr := &tar.Header{Name: "rootfs/" + name, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(content))}
		must(t, tw.WriteHeader(hdr))
		_, err := tw.Write([]byte(content))
		must(t, err)
	}
	must(t, tw.WriteHeader(&tar.Header{Name: "manifest", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(manifest))}))
	_, err := tw.Write([]byte(manifest))
	must(t, err)
	must(t, tw.Close())
	return b.Bytes()
}

func sortedNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func testRoot(t *testing.T, files map[string]string) *root {
	t.Helper()
	dir := t.TempDir()
	tree(t, dir, files)
	r, err := openRoot(dir)
	must(t, err)
	t.Cleanup(r.close)
	return r
}
