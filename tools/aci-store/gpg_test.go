package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/intermodal/intermodal/lib/testenv"
)

// gpgHome is a throwaway GnuPG home with one ed25519 signing key. Its
// path stays short: the agent's socket path must fit in ~100 characters.
type gpgHome struct {
	t   *testing.T
	dir string
}

func newGPG(t *testing.T, uid string) *gpgHome {
	t.Helper()
	testenv.LookPath(t, "gpg")
	testenv.LookPath(t, "gpgconf")
	dir, err := os.MkdirTemp("", "g")
	must(t, err)
	must(t, os.Chmod(dir, 0o700))
	g := &gpgHome{t: t, dir: dir}
	t.Cleanup(func() {
		g.cmd("gpgconf", "--kill", "gpg-agent").Run() //nolint:errcheck // no agent is fine
		os.RemoveAll(dir)
	})
	g.gpg("--quick-gen-key", uid, "ed25519", "sign", "never")
	return g
}

func (g *gpgHome) cmd(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+g.dir)
	return cmd
}

func (g *gpgHome) gpg(args ...string) []byte {
	g.t.Helper()
	base := []string{"--batch", "--yes", "--no-tty", "--passphrase", "", "--pinentry-mode", "loopback"}
	cmd := g.cmd("gpg", append(base, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		g.t.Fatalf("gpg %q: %v: %s", args, err, stderr.String())
	}
	return out
}

// publicKey writes the armored public key to a file and returns its path.
func (g *gpgHome) publicKey() string {
	path := filepath.Join(g.t.TempDir(), "key.asc")
	must(g.t, os.WriteFile(path, g.gpg("--armor", "--export"), 0o644))
	return path
}

// sign returns an armored detached signature of data, as gpg makes it.
func (g *gpgHome) sign(data []byte) []byte {
	path := filepath.Join(g.t.TempDir(), "x.aci")
	must(g.t, os.WriteFile(path, data, 0o644))
	g.gpg("--armor", "--detach-sign", "-o", path+".asc", path)
	sig, err := os.ReadFile(path + ".asc")
	must(g.t, err)
	return sig
}
