package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/intermodal/intermodal/lib/trust"
)

// isolateTrust keeps the host's trusted keys out of a test.
func isolateTrust(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "trust")
	t.Setenv(trust.EnvTrustDir, dir)
	t.Setenv(trust.EnvVendorTrustDir, "")
	return dir
}

func TestVerifyHashes(t *testing.T) {
	isolateTrust(t)
	s := newStore(t)
	good := pack(t, "example.com/good", "g")
	bad := pack(t, "example.com/bad", "b")
	add(t, s, good, nil, t0)
	add(t, s, bad, nil, t0)

	code, out, errw := run("--store", s.Dir, "verify")
	if code != 0 || !strings.Contains(out, good.id+": OK (unsigned)\n") || !strings.Contains(errw, "warning: 2 of the images checked are unsigned") {
		t.Fatalf("intact store: exit %d\n%s%s", code, out, errw)
	}

	path := filepath.Join(s.Dir, "images", bad.id, "image")
	must(t, os.WriteFile(path, flip(bad.data, len(bad.data)/2), 0o644))
	code, out, errw = run("--store", s.Dir, "verify")
	if code != 1 || !strings.Contains(out, bad.id+": FAILED (") || !strings.Contains(out, good.id+": OK") ||
		!strings.Contains(errw, "1 of the images checked FAILED") {
		t.Fatalf("damaged image: exit %d\n%s%s", code, out, errw)
	}
	// Naming only the good one checks only it; -q prints only failures.
	if out := runOK(t, "--store", s.Dir, "verify", "example.com/good"); out != good.id+": OK (unsigned)\n" {
		t.Errorf("verify NAME: %q", out)
	}
	code, out, _ = run("--store", s.Dir, "verify", "-q")
	if code != 1 || strings.Contains(out, good.id) || !strings.HasPrefix(out, bad.id+": FAILED") {
		t.Errorf("-q: exit %d, %q", code, out)
	}
	code, _, errw = run("--store", s.Dir, "verify", "example.com/none")
	if code != 1 || !strings.Contains(errw, "example.com/none: not in the store") {
		t.Errorf("unknown name: exit %d, %q", code, errw)
	}
	code, out, _ = run("--store", s.Dir, "verify", "--require-signature", "example.com/good")
	if code != 1 || out != good.id+": FAILED (unsigned)\n" {
		t.Errorf("--require-signature: exit %d, %q", code, out)
	}
}

func TestVerifySignatures(t *testing.T) {
	trustDir := isolateTrust(t)
	g := newGPG(t, "Vendor <v@example.com>")
	s := newStore(t)
	signed := pack(t, "example.com/app", "a")
	forged := pack(t, "example.com/forged", "f")
	add(t, s, signed, g.sign(signed.data), t0)
	add(t, s, forged, g.sign(signed.data), t0) // a good signature, of other bytes
	key := g.publicKey()

	code, out, errw := run("--store", s.Dir, "verify", "--trust-key", key)
	if code != 1 || !strings.Contains(out, signed.id+": OK\n") || !strings.Contains(out, forged.id+": FAILED (signature: ") {
		t.Fatalf("--trust-key: exit %d\n%s%s", code, out, errw)
	}

	// No key trusted: the signature cannot be checked, which fails.
	code, out, _ = run("--store", s.Dir, "verify", "example.com/app")
	if code != 1 || !strings.HasPrefix(out, signed.id+": FAILED (signature: ") {
		t.Fatalf("untrusted: exit %d, %q", code, out)
	}

	// Keys in the trust store count for the prefix they were added for.
	keys := readKeysFile(t, key)
	ts := &trust.Store{Local: trustDir}
	_, err := ts.Add("example.com/other", keys)
	must(t, err)
	if code, out, _ := run("--store", s.Dir, "verify", "example.com/app"); code != 1 {
		t.Fatalf("key for another prefix trusted: %q", out)
	}
	_, err = ts.Add("example.com/app", keys)
	must(t, err)
	if out := runOK(t, "--store", s.Dir, "verify", "example.com/app"); out != signed.id+": OK\n" {
		t.Fatalf("trust dir from the environment: %q", out)
	}
	other := filepath.Join(t.TempDir(), "empty")
	if code, _, _ := run("--store", s.Dir, "verify", "--trust-dir", other, "example.com/app"); code != 1 {
		t.Fatal("--trust-dir does not beat the environment")
	}

	code, out, errw = run("--store", s.Dir, "verify", "--insecure-skip-verify")
	if code != 0 || !strings.Contains(out, forged.id+": OK (signature not checked)") || !strings.Contains(errw, "warning: --insecure-skip-verify") {
		t.Fatalf("--insecure-skip-verify: exit %d\n%s%s", code, out, errw)
	}
	if code, _, _ := run("--store", s.Dir, "verify", "--insecure-skip-verify", "--require-signature"); code != 2 {
		t.Errorf("conflicting flags: exit %d", code)
	}
	if code, _, errw := run("--store", s.Dir, "verify", "--trust-key", filepath.Join(t.TempDir(), "none")); code != 1 || !strings.Contains(errw, "--trust-key") {
		t.Errorf("missing key file: exit %d, %q", code, errw)
	}
}

func readKeysFile(t *testing.T, path string) []*openpgp.Entity {
	t.Helper()
	keys, err := readKeys(path)
	must(t, err)
	return keys
}

// What a crash or a hand edit leaves is noted, never failed.
func TestVerifyNotesLeftovers(t *testing.T) {
	isolateTrust(t)
	s := newStore(t)
	dep := pack(t, "example.com/dep", "d")
	app := packWith(t, "example.com/app", fmt.Sprintf(`,"dependencies":[{"imageName":"example.com/dep","imageID":%q},{"imageName":"example.com/base","labels":[{"name":"version","value":"3"}]}]`, dep.id))
	add(t, s, app, nil, t0)
	gone := "sha512-" + strings.Repeat("0", 128)
	must(t, os.WriteFile(filepath.Join(s.Dir, "refs", "x.json"), fmt.Appendf(nil, `{"name":"example.com/gone","labels":{"version":"1"},"id":%q}`, gone), 0o644))
	must(t, os.WriteFile(filepath.Join(s.Dir, "cache", "y.json"), fmt.Appendf(nil, `{"url":"https://example.com/gone.aci","id":%q}`, gone), 0o644))
	must(t, os.Mkdir(filepath.Join(s.Dir, "tmp", "ingest-9"), 0o755))

	code, out, errw := run("--store", s.Dir, "verify")
	if code != 0 || out != app.id+": OK (unsigned)\n" {
		t.Fatalf("exit %d\n%s%s", code, out, errw)
	}
	for _, want := range []string{
		"note: " + app.id[:39] + ": dependency example.com/dep (" + dep.id[:39] + ") is not stored",
		"dependency example.com/base (version=3) is not stored",
		"note: ref example.com/gone (version=1) names sha512-0000",
		"note: cache record for https://example.com/gone.aci names sha512-0000",
		"note: tmp/ingest-9: left by an interrupted run",
	} {
		if !strings.Contains(errw, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errw)
		}
	}
	// Once the dependency is stored, it is no longer noted.
	add(t, s, dep, nil, t0)
	if _, _, errw := run("--store", s.Dir, "verify", app.id[:12]); strings.Contains(errw, "example.com/dep") || strings.Contains(errw, "tmp/") {
		t.Errorf("notes after storing the dependency, or leftovers noted for one image: %s", errw)
	}
}
