package trust

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/intermodal/intermodal/lib/testenv"
)

// gpgHome is a throwaway GnuPG home. Its path stays short: the agent's
// socket path must fit in ~100 characters.
type gpgHome struct {
	dir string
}

func newGPGHome() (*gpgHome, error) {
	dir, err := os.MkdirTemp("", "g")
	if err != nil {
		return nil, err
	}
	return &gpgHome{dir: dir}, os.Chmod(dir, 0o700)
}

func (g *gpgHome) close() {
	cmd := exec.Command("gpgconf", "--kill", "gpg-agent")
	cmd.Env = append(os.Environ(), "GNUPGHOME="+g.dir)
	_ = cmd.Run() // no agent running is fine
	os.RemoveAll(g.dir)
}

// gpg runs gpg in the home, never asking anything.
func (g *gpgHome) gpg(args ...string) ([]byte, error) {
	base := []string{"--batch", "--yes", "--no-tty", "--passphrase", "", "--pinentry-mode", "loopback"}
	cmd := exec.Command("gpg", append(base, args...)...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+g.dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, &gpgError{args: args, err: err, stderr: stderr.String()}
	}
	return out, nil
}

type gpgError struct {
	args   []string
	err    error
	stderr string
}

func (e *gpgError) Error() string {
	return "gpg " + strings.Join(e.args, " ") + ": " + e.err.Error() + ": " + e.stderr
}

// fingerprint is the lowercase fingerprint of the primary key of uid.
func (g *gpgHome) fingerprint(uid string) (string, error) {
	out, err := g.gpg("--with-colons", "--list-keys", uid)
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Split(l, ":"); f[0] == "fpr" && len(f) > 9 {
			return strings.ToLower(f[9]), nil
		}
	}
	return "", &gpgError{args: []string{"no fpr for " + uid}}
}

// keys are the test keys, made once per test binary.
type keys struct {
	home                                   *gpgHome
	ed, rsa, sub, nosign, expired, revoked string // user IDs
	edF, rsaF, subF, nosignF, expF, revF   string // fingerprints
	other, otherF                          string
}

var (
	fixtureOnce sync.Once
	fixtureKeys *keys
	fixtureErr  error
)

// fixture makes the test keys with gpg, or skips without it.
func fixture(t testing.TB) *keys {
	t.Helper()
	testenv.LookPath(t, "gpg")
	testenv.LookPath(t, "gpgconf")
	fixtureOnce.Do(func() { fixtureKeys, fixtureErr = makeKeys() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureKeys
}

func makeKeys() (*keys, error) {
	g, err := newGPGHome()
	if err != nil {
		return nil, err
	}
	k := &keys{home: g,
		ed: "Ed <ed@example.com>", rsa: "RSA <rsa@example.com>", sub: "Sub <sub@example.com>",
		nosign: "NoSign <nosign@example.com>", expired: "Expired <expired@example.com>",
		revoked: "Revoked <revoked@example.com>", other: "Other <other@example.com>"}
	steps := [][]string{
		{"--quick-gen-key", k.ed, "ed25519", "sign", "never"},
		{"--quick-gen-key", k.rsa, "rsa3072", "sign", "never"},
		{"--quick-gen-key", k.sub, "ed25519", "cert", "never"},
		{"--quick-gen-key", k.nosign, "ed25519", "cert", "never"},
		{"--faked-system-time", "20200101T000000", "--quick-gen-key", k.expired, "ed25519", "sign", "1d"},
		{"--quick-gen-key", k.revoked, "ed25519", "sign", "never"},
		{"--quick-gen-key", k.other, "ed25519", "sign", "never"},
	}
	for _, s := range steps {
		if _, err := g.gpg(s...); err != nil {
			return nil, err
		}
	}
	for uid, dst := range map[string]*string{k.ed: &k.edF, k.rsa: &k.rsaF, k.sub: &k.subF, k.nosign: &k.nosignF,
		k.expired: &k.expF, k.revoked: &k.revF, k.other: &k.otherF} {
		if *dst, err = g.fingerprint(uid); err != nil {
			return nil, err
		}
	}
	if _, err := g.gpg("--quick-add-key", k.subF, "ed25519", "sign", "1y"); err != nil {
		return nil, err
	}
	if _, err := g.gpg("--quick-add-key", k.nosignF, "cv25519", "encr", "never"); err != nil {
		return nil, err
	}
	return k, k.revoke(k.revF)
}

// revoke imports the revocation certificate gpg made with the key.
func (k *keys) revoke(fpr string) error {
	rev, err := os.ReadFile(filepath.Join(k.home.dir, "openpgp-revocs.d", strings.ToUpper(fpr)+".rev"))
	if err != nil {
		return err
	}
	rev = bytes.Replace(rev, []byte(":-----BEGIN"), []byte("-----BEGIN"), 1)
	path := filepath.Join(k.home.dir, "rev.asc")
	if err := os.WriteFile(path, rev, 0o600); err != nil {
		return err
	}
	_, err = k.home.gpg("--import", path)
	return err
}

// export returns the public keys of uids, armored or binary.
func (k *keys) export(t testing.TB, armored bool, uids ...string) []byte {
	t.Helper()
	args := []string{"--export"}
	if armored {
		args = append(args, "--armor")
	}
	out, err := k.home.gpg(append(args, uids...)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// exportSecret returns the armored secret key of uid.
func (k *keys) exportSecret(t testing.TB, uid string, armored bool) []byte {
	t.Helper()
	args := []string{"--export-secret-keys"}
	if armored {
		args = append(args, "--armor")
	}
	out, err := k.home.gpg(append(args, uid)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sign returns a detached signature of data by uid; extra options go
// before --detach-sign (--armor, --digest-algo SHA1).
func (k *keys) sign(t testing.TB, uid string, data []byte, extra ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "data"), filepath.Join(dir, "data.sig")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--local-user", uid}, extra...)
	args = append(args, "--output", out, "--detach-sign", in)
	if _, err := k.home.gpg(args...); err != nil {
		t.Fatal(err)
	}
	sig, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// TestMain removes the keys' GnuPG home and stops its agent; the testing
// package exits with m.Run's status.
func TestMain(m *testing.M) {
	m.Run()
	if fixtureKeys != nil {
		fixtureKeys.home.close()
	}
}
