package trust

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

func entities(t *testing.T, data []byte) []*openpgp.Entity {
	t.Helper()
	ents, err := ReadKeys(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

func newStore(t *testing.T) *Store {
	dir := t.TempDir()
	return &Store{Local: filepath.Join(dir, "local"), Vendor: filepath.Join(dir, "vendor")}
}

// trusted is the fingerprints Keyring gives for name.
func trusted(t *testing.T, s *Store, name string) string {
	t.Helper()
	ring, err := s.Keyring(name)
	if err != nil {
		t.Fatalf("Keyring(%s): %v", name, err)
	}
	var fprs []string
	for _, e := range ring {
		fprs = append(fprs, Fingerprint(e))
	}
	return sorted(fprs...)
}

func mustAdd(t *testing.T, s *Store, prefix string, data []byte) []Key {
	t.Helper()
	keys, err := s.Add(prefix, entities(t, data))
	if err != nil {
		t.Fatalf("Add(%q): %v", prefix, err)
	}
	return keys
}

func TestAddLayout(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	keys := mustAdd(t, s, "example.com/app", k.export(t, true, k.edF, k.rsaF))
	if len(keys) != 2 {
		t.Fatalf("added %d keys, want 2", len(keys))
	}
	for _, key := range keys {
		want := filepath.Join(s.Local, "prefix.d", "example.com", "app", key.Fingerprint)
		if key.Path != want || key.Prefix != "example.com/app" || key.Vendor {
			t.Errorf("key %+v, want path %s", key, want)
		}
		assertMode(t, key.Path, 0o644)
		got := fingerprints(t, readFile(t, key.Path))
		if len(got) != 1 || got[0] != key.Fingerprint {
			t.Errorf("%s holds %v", key.Path, got)
		}
	}
	for _, d := range []string{s.Local, filepath.Join(s.Local, "prefix.d"), filepath.Join(s.Local, "prefix.d", "example.com"), filepath.Dir(keys[0].Path)} {
		assertMode(t, d, os.ModeDir|0o755)
	}
	root := mustAdd(t, s, "", k.export(t, true, k.subF))
	if want := filepath.Join(s.Local, "root.d", k.subF); root[0].Path != want {
		t.Errorf("root key at %s, want %s", root[0].Path, want)
	}
	if !strings.HasPrefix(string(readFile(t, root[0].Path)), "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
		t.Error("key file is not armored")
	}
}

func TestAddIdempotent(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	first := mustAdd(t, s, "example.com", k.export(t, true, k.edF))
	st1, _ := os.Stat(first[0].Path)
	second := mustAdd(t, s, "example.com", k.export(t, false, k.edF))
	st2, _ := os.Stat(second[0].Path)
	if !os.SameFile(st1, st2) {
		t.Error("adding the same key again rewrote its file")
	}
	list, err := s.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("List: %v, %v", list, err)
	}
	assertNoTemporaries(t, s.Local)
}

func TestAddRefuses(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	ed := entities(t, k.export(t, true, k.edF))
	for _, p := range []string{"Example.com", "../x", "example.com/../x", "/abs", "a//b", "a/", "x..y", "a b"} {
		if _, err := s.Add(p, ed); err == nil || !strings.Contains(err.Error(), "prefix") {
			t.Errorf("prefix %q: got %v", p, err)
		}
	}
	for name, fpr := range map[string]string{"expired": k.expF, "revoked": k.revF, "cannot sign": k.nosignF} {
		ents := append(entities(t, k.export(t, true, fpr)), ed...)
		if _, err := s.Add("example.com", ents); err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), fpr) {
			t.Errorf("%s key: got %v", name, err)
		}
	}
	if _, err := os.Stat(s.Local); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused add wrote to the store: %v", err)
	}
}

func TestPrefixScope(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	mustAdd(t, s, "coreos.com/etc", k.export(t, true, k.edF))
	mustAdd(t, s, "example.com", k.export(t, true, k.rsaF))
	mustAdd(t, s, "", k.export(t, true, k.subF))
	cases := []struct{ name, want string }{
		{"coreos.com/etc", sorted(k.edF, k.subF)},
		{"coreos.com/etc/sub", sorted(k.edF, k.subF)},
		{"coreos.com/etcd", k.subF},
		{"coreos.com", k.subF},
		{"example.com", sorted(k.rsaF, k.subF)},
		{"example.com/app/sub", sorted(k.rsaF, k.subF)},
		{"example.comx/app", k.subF},
		{"other.org/app", k.subF},
	}
	for _, c := range cases {
		if got := trusted(t, s, c.name); got != c.want {
			t.Errorf("%s: trusted %q, want %q", c.name, got, c.want)
		}
	}
	for name, want := range map[string]bool{"coreos.com/etc/x": true, "coreos.com/etcd": false, "example.com/a": true, "other.org": false} {
		if got, err := s.HasPrefixKeys(name); err != nil || got != want {
			t.Errorf("HasPrefixKeys(%s) = %v, %v; want %v", name, got, err, want)
		}
	}
	for _, bad := range []string{"", "../etc", "Example.com", "a/../../b"} {
		if _, err := s.Keyring(bad); err == nil {
			t.Errorf("Keyring(%q) accepted", bad)
		}
	}
}

func sorted(fprs ...string) string {
	out := append([]string{}, fprs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return strings.Join(out, " ")
}

func TestMasking(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	vendor := &Store{Local: s.Vendor}
	mustAdd(t, vendor, "", k.export(t, true, k.edF))
	mustAdd(t, vendor, "example.com", k.export(t, true, k.rsaF))
	if got := trusted(t, s, "example.com/app"); got != sorted(k.edF, k.rsaF) {
		t.Fatalf("vendor keys: trusted %q", got)
	}
	if err := s.Remove(k.edF, ""); err != nil {
		t.Fatal(err)
	}
	mask := filepath.Join(s.Local, "root.d", k.edF)
	if st, err := os.Stat(mask); err != nil || st.Size() != 0 {
		t.Fatalf("removing a vendor key wrote no empty mask: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.Vendor, "root.d", k.edF)); err != nil {
		t.Fatalf("the vendor key file was touched: %v", err)
	}
	if got := trusted(t, s, "example.com/app"); got != k.rsaF {
		t.Errorf("after masking: trusted %q, want %q", got, k.rsaF)
	}
	if err := s.Remove(k.edF, ""); !errors.Is(err, ErrNotTrusted) {
		t.Errorf("removing a masked key again: %v", err)
	}
	list, err := s.List()
	if err != nil || len(list) != 1 || list[0].Fingerprint != k.rsaF || !list[0].Vendor {
		t.Errorf("List after masking: %+v, %v", list, err)
	}
	mustAdd(t, s, "", k.export(t, true, k.edF))
	if got := trusted(t, s, "other.org"); got != k.edF {
		t.Errorf("adding a masked key again: trusted %q", got)
	}
}

func TestMaskOrder(t *testing.T) {
	// rkt's order: vendor root, local root, vendor prefix, local prefix.
	k := fixture(t)
	s := newStore(t)
	vendor := &Store{Local: s.Vendor}
	mustAdd(t, vendor, "", k.export(t, true, k.edF))
	mustAdd(t, vendor, "example.com/app", k.export(t, true, k.edF))
	mustAdd(t, s, "", k.export(t, true, k.rsaF))
	writeMask(t, filepath.Join(s.Local, "root.d", k.edF))
	if got := trusted(t, s, "example.com/app"); got != sorted(k.edF, k.rsaF) {
		t.Errorf("a root mask hid a vendor prefix key read after it: %q", got)
	}
	if got := trusted(t, s, "example.com"); got != k.rsaF {
		t.Errorf("root mask: %q", got)
	}
	writeMask(t, filepath.Join(s.Local, "prefix.d", "example.com", k.rsaF))
	if got := trusted(t, s, "example.com/app/x"); got != k.edF {
		t.Errorf("a local prefix mask must hide a root key under it: %q", got)
	}
	if got := trusted(t, s, "example.org"); got != k.rsaF {
		t.Errorf("a prefix mask leaked out of its prefix: %q", got)
	}
}

func writeMask(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRemove(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	keys := mustAdd(t, s, "example.com", k.export(t, true, k.edF))
	if err := s.Remove(k.edF, ""); !errors.Is(err, ErrNotTrusted) {
		t.Errorf("remove from the wrong scope: %v", err)
	}
	if err := s.Remove(strings.ToUpper(k.edF), "example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(keys[0].Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("key file left: %v", err)
	}
	if err := s.Remove(k.edF, "example.com"); !errors.Is(err, ErrNotTrusted) {
		t.Errorf("second remove: %v", err)
	}
	for _, bad := range []string{"../../x", "abc"} {
		if err := s.Remove(bad, "example.com"); err == nil {
			t.Errorf("Remove(%q) accepted", bad)
		}
	}
	if err := s.Remove(k.edF, "../x"); err == nil {
		t.Error("Remove with prefix ../x accepted")
	}
}

func TestLoadRefuses(t *testing.T) {
	k := fixture(t)
	cases := []struct {
		name, file string
		data       func() []byte
		want       string
	}{
		{"fingerprint mismatch", k.rsaF, func() []byte { return k.export(t, true, k.edF) }, "holds the key " + k.edF},
		{"not a fingerprint name", "README", func() []byte { return []byte("hi") }, "named by its lowercase hex fingerprint"},
		{"upper-case name", strings.ToUpper(k.edF), func() []byte { return k.export(t, true, k.edF) }, "named by"},
		{"secret key", k.edF, func() []byte { return k.exportSecret(t, k.edF, true) }, "secret key"},
		{"garbage", k.edF, func() []byte { return []byte("garbage") }, "not an OpenPGP key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			path := filepath.Join(s.Local, "root.d", c.file)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, c.data(), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := s.Keyring("example.com")
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Keyring: got %v, want an error naming %s with %q", err, path, c.want)
			}
			if _, err := s.List(); err == nil {
				t.Error("List accepted it")
			}
		})
	}
}

func TestLoadIgnoresHidden(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	mustAdd(t, s, "", k.export(t, true, k.edF))
	hidden := filepath.Join(s.Local, "root.d", "."+k.rsaF+".tmp-123")
	if err := os.WriteFile(hidden, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := trusted(t, s, "example.com"); got != k.edF {
		t.Errorf("trusted %q", got)
	}
}

func TestFirstKeyOnly(t *testing.T) {
	// A file holding several keys trusts only the one it is named by, as
	// rkt reads only the first key of a file.
	k := fixture(t)
	s := newStore(t)
	path := filepath.Join(s.Local, "root.d", k.edF)
	writeMask(t, path)
	if err := os.WriteFile(path, k.export(t, true, k.edF, k.rsaF), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := trusted(t, s, "example.com"); got != k.edF {
		t.Errorf("trusted %q, want only %s", got, k.edF)
	}
}

func TestList(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	vendor := &Store{Local: s.Vendor}
	mustAdd(t, vendor, "example.com", k.export(t, true, k.edF))
	mustAdd(t, s, "example.com", k.export(t, true, k.edF))
	mustAdd(t, s, "", k.export(t, true, k.rsaF))
	mustAdd(t, s, "example.com/app", k.export(t, true, k.subF))
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, key := range list {
		src := "local"
		if key.Vendor {
			src = "vendor"
		}
		got = append(got, key.Prefix+"|"+key.Fingerprint+"|"+src+"|"+strings.Join(key.UserIDs, ","))
	}
	want := []string{
		"|" + k.rsaF + "|local|" + k.rsa,
		"example.com|" + k.edF + "|vendor|" + k.ed,
		"example.com|" + k.edF + "|local|" + k.ed,
		"example.com/app|" + k.subF + "|local|" + k.sub,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("List:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	stray := filepath.Join(s.Local, "prefix.d", k.edF)
	if err := os.WriteFile(stray, k.export(t, true, k.edF), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(); err == nil || !strings.Contains(err.Error(), "belongs to no prefix") {
		t.Errorf("a key directly in prefix.d: %v", err)
	}
}

func TestEmptyStore(t *testing.T) {
	s := newStore(t)
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Errorf("List: %v, %v", list, err)
	}
	if got := trusted(t, s, "example.com"); got != "" {
		t.Errorf("trusted %q", got)
	}
	if _, err := (&Store{}).Add("", nil); err == nil {
		t.Error("Add with no local dir accepted")
	}
}

func TestConcurrentAdds(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	datas := [][]byte{k.export(t, true, k.edF), k.export(t, false, k.rsaF), k.export(t, true, k.subF)}
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ents, err := ReadKeys(bytes.NewReader(datas[i%3]))
			if err == nil {
				_, err = s.Add([]string{"", "example.com/app", "example.com"}[i%3], ents)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := trusted(t, s, "example.com/app"); got != sorted(k.edF, k.rsaF, k.subF) {
		t.Errorf("trusted %q", got)
	}
	assertNoTemporaries(t, s.Local)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode() != want {
		t.Errorf("%s: mode %v, want %v", path, st.Mode(), want)
	}
}

func assertNoTemporaries(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && strings.HasPrefix(info.Name(), ".") {
			t.Errorf("temporary left: %s", path)
		}
		return nil
	})
}
