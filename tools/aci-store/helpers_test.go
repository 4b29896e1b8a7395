package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/store"
)

// image is a real ACI, packed for a test.
type image struct {
	data     []byte
	id       string
	manifest []byte
}

// pack builds a gzip ACI named name with labels (k, v, k, v...), holding
// one file whose content makes the ID differ.
func pack(t testing.TB, name, content string, labels ...string) image {
	t.Helper()
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "f"), []byte(content), 0o644))
	var ls []string
	for i := 0; i+1 < len(labels); i += 2 {
		ls = append(ls, fmt.Sprintf(`{"name":%q,"value":%q}`, labels[i], labels[i+1]))
	}
	m := fmt.Appendf(nil, `{"acKind":"ImageManifest","acVersion":"0.8.11","name":%q,"labels":[%s]}`, name, strings.Join(ls, ","))
	var buf bytes.Buffer
	epoch := time.Unix(1577836800, 0)
	res, err := aci.Pack(&buf, aci.PackOptions{Manifest: m, RootfsDir: root, Compression: aci.Gzip, Epoch: &epoch})
	must(t, err)
	return image{data: buf.Bytes(), id: res.ID, manifest: m}
}

// add stores im as aci-fetch would, with sig as its signature (nil for
// none), fetched at the given time.
func add(t testing.TB, s *store.Store, im image, sig []byte, fetched time.Time) {
	t.Helper()
	in, err := s.NewIngest()
	must(t, err)
	_, err = in.File().Write(im.data)
	must(t, err)
	info := store.Info{ID: im.id, Size: int64(len(im.data)), Compression: "gzip", Fetched: fetched}
	_, err = in.Commit(info, im.manifest, sig)
	must(t, err)
}

func ref(t testing.TB, s *store.Store, im image, name string, latest bool, at time.Time, labels ...string) {
	t.Helper()
	m := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		m[labels[i]] = labels[i+1]
	}
	must(t, s.SetRef(store.Ref{Name: name, Labels: m, ID: im.id, Latest: latest, Time: at}))
}

func newStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "store"), true)
	must(t, err)
	return s
}

// run runs aci-store in-process.
func run(args ...string) (code int, stdout, stderr string) {
	var out, errw bytes.Buffer
	code = cli.Run(app(), append([]string{"aci-store"}, args...), strings.NewReader(""), &out, &errw)
	return code, out.String(), errw.String()
}

// runOK runs aci-store and fails the test unless it exits 0.
func runOK(t testing.TB, args ...string) string {
	t.Helper()
	code, out, errw := run(args...)
	if code != 0 {
		t.Fatalf("aci-store %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errw)
	}
	return out
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// t0 is a fixed fetch time, so outputs are stable.
var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// repack packs a one-file image with the given manifest bytes.
func repack(t testing.TB, m []byte) image {
	t.Helper()
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "f"), m, 0o644))
	var buf bytes.Buffer
	epoch := time.Unix(1577836800, 0)
	res, err := aci.Pack(&buf, aci.PackOptions{Manifest: m, RootfsDir: root, Compression: aci.Gzip, Epoch: &epoch})
	must(t, err)
	return image{data: buf.Bytes(), id: res.ID, manifest: m}
}
