package bundle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/imageid"
	"github.com/intermodal/intermodal/lib/store"
)

// world is a test's store and scratch directory.
type world struct {
	t     *testing.T
	dir   string
	store *store.Store
}

func newWorld(t *testing.T) *world {
	dir := t.TempDir()
	s, err := store.Open(filepath.Join(dir, "store"), true)
	must(t, err)
	return &world{t: t, dir: dir, store: s}
}

// image packs an image file named after the image and returns its path and ID.
func (w *world) image(name, app, extra string, files map[string]string) (string, string) {
	p := filepath.Join(w.dir, strings.ReplaceAll(name, "/", "_")+".aci")
	id := packImage(w.t, p, manifestJSON(name, app, extra), files)
	return p, id
}

// stored packs an image and adds it to the store with a ref by its name.
func (w *world) stored(name, extra string, files map[string]string) string {
	p, id := w.image(name, "", extra, files)
	in, err := w.store.NewIngest()
	must(w.t, err)
	b, err := os.ReadFile(p)
	must(w.t, err)
	_, err = in.File().Write(b)
	must(w.t, err)
	_, err = in.Commit(store.Info{ID: id, Size: int64(len(b)), Compression: "gzip", Fetched: time.Now()}, []byte(manifestJSON(name, "", extra)), nil)
	must(w.t, err)
	must(w.t, w.store.SetRef(store.Ref{Name: name, Labels: map[string]string{}, ID: id, Time: time.Now()}))
	return id
}

func (w *world) write(src Source, o Options) (*Result, string, []string, error) {
	dir := filepath.Join(w.dir, "bundle")
	if o.Store == nil {
		o.Store = w.store
	}
	var warns []string
	o.Warn = func(m string) { warns = append(warns, m) }
	o.NoSync = true
	o.Privileged = os.Geteuid() == 0
	res, err := Write(context.Background(), dir, src, o)
	return res, dir, warns, err
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	return string(b)
}

const app = `{"exec":["/bin/app"],"user":"0","group":"0"}`

var appFiles = map[string]string{"bin/app": "ELF", "etc/motd": "hello\n", "etc/link": "->motd"}

func TestWriteSingleImage(t *testing.T) {
	w := newWorld(t)
	p, id := w.image("example.com/app", app, "", appFiles)
	res, dir, warns, err := w.write(FileSource(p), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != id || res.Dir != dir || len(res.Dependencies) != 0 || len(warns) != 0 {
		t.Fatalf("result %+v, warnings %q", res, warns)
	}
	if got := read(t, filepath.Join(dir, IDFile)); got != id+"\n" {
		t.Errorf("image-id = %q", got)
	}
	// Only its owner may enter a bundle: a privileged render holds the
	// image's device nodes and setuid files.
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("bundle dir mode %v, %v; want 0700", st.Mode(), err)
	}
	if got := read(t, filepath.Join(dir, ManifestFile)); got != manifestJSON("example.com/app", app, "") {
		t.Errorf("manifest = %q", got)
	}
	if got := read(t, filepath.Join(dir, "rootfs/etc/motd")); got != "hello\n" {
		t.Errorf("motd = %q", got)
	}
	if l, _ := os.Readlink(filepath.Join(dir, "rootfs/etc/link")); l != "motd" {
		t.Errorf("link -> %q", l)
	}
	cfg, err := MarshalConfig(res.Spec)
	must(t, err)
	if got := read(t, filepath.Join(dir, ConfigFile)); got != string(cfg) {
		t.Errorf("config.json is not the result's spec")
	}
	if rebuilt := rebuildID(t, dir); rebuilt != id {
		t.Errorf("tar-split rebuild gives %s, want %s", rebuilt, id)
	}
	entries, _ := os.ReadDir(w.dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".bundle") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// rebuildID is what aci-id --rootfs DIR/rootfs --tar-split DIR/image.tsm says.
func rebuildID(t *testing.T, dir string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, TarSplitFile))
	must(t, err)
	defer f.Close()
	h := imageid.NewHash()
	must(t, imageid.Rebuild(h, imageid.Tree{Rootfs: filepath.Join(dir, "rootfs")}, f))
	return imageid.FromSum(h.Sum(nil))
}

// appc DEP-5: A -> [B, C], C -> [D] applies B, D, C, A; a later layer
// overrides an earlier one; each layer gets its own and its dependents'
// pathWhitelists.
func TestWriteDependencies(t *testing.T) {
	w := newWorld(t)
	b := w.stored("example.com/b", "", map[string]string{"who": "B", "from-b": "b", "bin/x": "ELF-b"})
	d := w.stored("example.com/d", "", map[string]string{"who": "D", "from-d": "d", "dropped-by-c": "d"})
	c := w.stored("example.com/c", `,"dependencies":[{"imageName":"example.com/d"}],"pathWhitelist":["/from-d","/who","/from-c","/etc/conf","/bin/x"]`,
		map[string]string{"from-c": "c", "etc/conf": "c"})
	_ = b
	deps := `,"dependencies":[{"imageName":"example.com/b"},{"imageName":"example.com/c","imageID":"` + c + `"}]`
	p, _ := w.image("example.com/a", app, deps, map[string]string{"bin/app": "ELF", "etc/conf": "A"})
	res, dir, _, err := w.write(FileSource(p), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Dependencies, []string{b, d, c}) {
		t.Errorf("applied %v, want B D C", res.Dependencies)
	}
	for name, want := range map[string]string{"who": "D", "from-b": "b", "from-d": "d", "from-c": "c", "etc/conf": "A", "bin/x": "ELF-b"} {
		if got := read(t, filepath.Join(dir, "rootfs", name)); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "rootfs/dropped-by-c")); err == nil {
		t.Error("C's whitelist did not filter its dependency D")
	}
	// The tar-split metadata still proves the image's own files intact.
	if rebuilt := rebuildID(t, dir); rebuilt != res.ID {
		t.Errorf("rebuilt %s, want %s", rebuilt, res.ID)
	}
}

// An image's pathWhitelist removes everything else, its dependencies'
// files included, but keeps the directories leading to what it lists.
func TestWriteWhitelist(t *testing.T) {
	w := newWorld(t)
	w.stored("example.com/base", "", map[string]string{"bin/x": "ELF", "bin/y": "ELF", "etc/base": "b", "var/log/": ""})
	extra := `,"dependencies":[{"imageName":"example.com/base"}],"pathWhitelist":["/bin/x","/bin/app","/etc/motd"]`
	p, _ := w.image("example.com/app", app, extra, appFiles)
	_, dir, _, err := w.write(FileSource(p), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	must(t, filepath.WalkDir(filepath.Join(dir, "rootfs"), func(p string, _ fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(filepath.Join(dir, "rootfs"), p)
		got = append(got, rel)
		return err
	}))
	want := []string{".", "bin", "bin/app", "bin/x", "etc", "etc/motd"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rootfs = %q, want %q", got, want)
	}
}

// An image whose manifest comes last (actool's layout) is rendered twice
// when it turns out to have dependencies, from a file or from a stream.
func TestWriteManifestLast(t *testing.T) {
	w := newWorld(t)
	w.stored("example.com/base", "", map[string]string{"who": "base", "bin/sh": "ELF"})
	extra := `,"dependencies":[{"imageName":"example.com/base"}],"pathWhitelist":["/bin/app","/bin/sh","/who"]`
	data := tarLast(t, manifestJSON("example.com/app", app, extra), map[string]string{"bin/app": "ELF", "junk": "x"})
	file := filepath.Join(w.dir, "last.aci")
	must(t, os.WriteFile(file, data, 0o644))
	for _, src := range []Source{FileSource(file), {Name: "-", Stream: bytes.NewReader(data)}} {
		res, dir, _, err := w.write(src, Options{})
		if err != nil {
			t.Fatalf("%s: %v", src.Name, err)
		}
		if read(t, filepath.Join(dir, "rootfs/who")) != "base" || len(res.Dependencies) != 1 {
			t.Errorf("%s: dependency not rendered", src.Name)
		}
		if _, err := os.Lstat(filepath.Join(dir, "rootfs/junk")); err == nil {
			t.Errorf("%s: whitelist not applied", src.Name)
		}
		if _, err := os.Lstat(filepath.Join(dir, ".stdin")); err == nil {
			t.Errorf("%s: the copy of standard input was left in the bundle", src.Name)
		}
		if res.ID != imageid.FromSum(sum(data)) {
			t.Errorf("%s: ID %s", src.Name, res.ID)
		}
		must(t, os.RemoveAll(dir))
	}
}

func sum(b []byte) []byte {
	h := imageid.NewHash()
	h.Write(b)
	return h.Sum(nil)
}

// A stored image is rendered with its recorded manifest and must hash to
// its ID.
func TestWriteStored(t *testing.T) {
	w := newWorld(t)
	p, id := w.image("example.com/app", app, "", appFiles)
	open := func() (io.ReadCloser, error) { return os.Open(p) }
	good := Source{Name: "stored", Open: open, ID: id, Manifest: []byte(manifestJSON("example.com/app", app, ""))}
	if _, _, _, err := w.write(good, Options{}); err != nil {
		t.Fatal(err)
	}
	must(t, os.RemoveAll(filepath.Join(w.dir, "bundle")))
	bad := good
	bad.ID = "sha512-" + strings.Repeat("0", 128)
	if _, dir, _, err := w.write(bad, Options{}); !errors.Is(err, ErrCorrupt) || exists(dir) {
		t.Errorf("wrong ID: err = %v", err)
	}
	other := good
	other.Manifest = []byte(manifestJSON("example.com/app", `{"exec":["/bin/app"],"user":"1","group":"0"}`, ""))
	if _, dir, _, err := w.write(other, Options{}); !errors.Is(err, ErrCorrupt) || exists(dir) {
		t.Errorf("wrong manifest: err = %v", err)
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// A failed run leaves neither the bundle nor its hidden work directory.
func TestWriteFailuresLeaveNothing(t *testing.T) {
	w := newWorld(t)
	good, _ := w.image("example.com/app", app, "", appFiles)
	missingDep, _ := w.image("example.com/x", app, `,"dependencies":[{"imageName":"example.com/nowhere"}]`, appFiles)
	noExec, _ := w.image("example.com/y", `{"exec":["/bin/none"],"user":"0","group":"0"}`, "", appFiles)
	corrupt := filepath.Join(w.dir, "corrupt.aci")
	b, _ := os.ReadFile(good)
	must(t, os.WriteFile(corrupt, b[:len(b)/2], 0o644))
	hostile := filepath.Join(w.dir, "hostile.aci")
	must(t, os.WriteFile(hostile, hostileTar(t), 0o644))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		src  Source
		ctx  context.Context
		want error
		msg  string
	}{
		{FileSource(missingDep), nil, ErrDependency, "example.com/nowhere: not in the store"},
		{FileSource(noExec), nil, ErrExec, "/bin/none"},
		{FileSource(corrupt), nil, nil, "unexpected EOF"},
		{FileSource(hostile), nil, ErrInvalidImage, "rootfs/../escape"},
		{FileSource(filepath.Join(w.dir, "nope.aci")), nil, fs.ErrNotExist, ""},
		{Source{Name: "-", Stream: strings.NewReader("not an image")}, nil, ErrInvalidImage, "unknown file type"},
		{FileSource(good), cancelled, context.Canceled, ""},
	} {
		ctx := tc.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		dir := filepath.Join(w.dir, "bundle")
		_, err := Write(ctx, dir, tc.src, Options{Store: w.store, NoSync: true})
		if err == nil || tc.want != nil && !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v, want %v %q", tc.src.Name, err, tc.want, tc.msg)
		}
		entries, _ := os.ReadDir(w.dir)
		for _, e := range entries {
			if e.Name() == "bundle" || strings.HasPrefix(e.Name(), ".bundle") {
				t.Errorf("%s: left %s behind", tc.src.Name, e.Name())
			}
		}
	}
}

// Cancelling in the middle of extraction (a signal, for the tool) stops
// the work and removes what was made.
func TestWriteCancelledMidway(t *testing.T) {
	w := newWorld(t)
	files := map[string]string{"bin/app": "ELF"}
	for i := range 200 {
		files[fmt.Sprintf("data/f%03d", i)] = strings.Repeat("x", 64<<10)
	}
	p, _ := w.image("example.com/big", app, "", files)
	b, err := os.ReadFile(p)
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	src := Source{Name: "-", Stream: &cancelAfter{r: bytes.NewReader(b), n: len(b) / 3, cancel: cancel}}
	dir := filepath.Join(w.dir, "bundle")
	if _, err := Write(ctx, dir, src, Options{NoSync: true}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(w.dir)
	for _, e := range entries {
		if e.Name() == "bundle" || strings.HasPrefix(e.Name(), ".bundle") {
			t.Errorf("left %s behind", e.Name())
		}
	}
}

// cancelAfter cancels once n bytes have been read.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n -= n; c.n <= 0 {
		c.cancel()
	}
	return n, err
}

// hostileTar has an entry that climbs out of rootfs (appc G1).
func hostileTar(t *testing.T) []byte {
	data := tarLast(t, manifestJSON("example.com/h", app, ""), map[string]string{"bin/app": "ELF", "../escape": "x"})
	return data
}

func TestWriteOverwrite(t *testing.T) {
	w := newWorld(t)
	p, _ := w.image("example.com/app", app, "", appFiles)
	dir := filepath.Join(w.dir, "bundle")
	write := func(overwrite bool) error {
		_, err := Write(context.Background(), dir, FileSource(p), Options{Overwrite: overwrite, NoSync: true})
		return err
	}
	must(t, os.Mkdir(dir, 0o755)) // an empty directory is taken
	must(t, write(false))
	must(t, os.WriteFile(filepath.Join(dir, "rootfs/extra"), nil, 0o644))
	if err := write(false); !errors.Is(err, fs.ErrExist) || !exists(filepath.Join(dir, "rootfs/extra")) {
		t.Fatalf("no --overwrite: err = %v", err)
	}
	must(t, write(true))
	if exists(filepath.Join(dir, "rootfs/extra")) {
		t.Fatal("--overwrite kept the old bundle")
	}
	must(t, os.Remove(filepath.Join(dir, ConfigFile)))
	if err := write(true); !errors.Is(err, ErrNotBundle) {
		t.Fatalf("--overwrite of a directory without config.json: err = %v", err)
	}
	must(t, os.RemoveAll(dir))
	must(t, os.WriteFile(dir, nil, 0o644))
	if err := write(true); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("a file at DIR: err = %v", err)
	}
	entries, _ := os.ReadDir(w.dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".bundle") {
			t.Errorf("left %s behind", e.Name())
		}
	}
}

func TestWriteDependencyErrors(t *testing.T) {
	w := newWorld(t)
	w.stored("example.com/b", `,"dependencies":[{"imageName":"example.com/a2"}]`, map[string]string{"b": "b"})
	w.stored("example.com/a2", `,"dependencies":[{"imageName":"example.com/b"}]`, map[string]string{"a": "a"})
	real := w.stored("example.com/real", "", map[string]string{"r": "r"})
	for _, tc := range []struct{ deps, fail string }{
		{`[{"imageName":"example.com/a2"}]`, "cycle"},
		{`[{"imageName":"example.com/real","imageID":"sha512-` + strings.Repeat("1", 128) + `"}]`, "is not in the store (sha512-" + real[7:39] + ", of that name, is another image)"},
		{`[{"imageName":"example.com/real","labels":[{"name":"version","value":"9"}]}]`, "example.com/real,version=9: not in the store"},
	} {
		p, _ := w.image("example.com/top", app, `,"dependencies":`+tc.deps, appFiles)
		_, _, _, err := w.write(FileSource(p), Options{})
		if !errors.Is(err, ErrDependency) || !strings.Contains(err.Error(), tc.fail) {
			t.Errorf("%s: err = %v, want %q", tc.deps, err, tc.fail)
		}
	}
	p, _ := w.image("example.com/top", app, `,"dependencies":[{"imageName":"example.com/real"}]`, appFiles)
	_, err := Write(context.Background(), filepath.Join(w.dir, "b2"), FileSource(p), Options{NoSync: true})
	if !errors.Is(err, ErrDependency) || !strings.Contains(err.Error(), "no store") {
		t.Errorf("no store: err = %v", err)
	}
}
