package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/testenv"
	"github.com/intermodal/intermodal/lib/trust"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: what is written to the master is
// read from the slave as typed input.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	testenv.Require(t, err == nil, fmt.Sprintf("no pseudo-terminals: %v", err))
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		testenv.Require(t, false, fmt.Sprintf("cannot open the pty slave: %v", err))
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// keyFile writes armored public keys for names into one file and returns
// it and their fingerprints.
func keyFile(t *testing.T, names ...string) (string, []string) {
	t.Helper()
	var buf bytes.Buffer
	var fprs []string
	for _, n := range names {
		e, err := openpgp.NewEntity(n, "", n+"@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEd25519})
		if err != nil {
			t.Fatal(err)
		}
		w, _ := armor.Encode(&buf, "PGP PUBLIC KEY BLOCK", nil)
		if err := e.Serialize(w); err != nil {
			t.Fatal(err)
		}
		w.Close()
		buf.WriteString("\n")
		fprs = append(fprs, trust.Fingerprint(e))
	}
	path := filepath.Join(t.TempDir(), "keys.asc")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, fprs
}

// TestConfirmOnTerminal answers the questions on a real pseudo-terminal
// given as standard input.
func TestConfirmOnTerminal(t *testing.T) {
	keys, fprs := keyFile(t, "alice", "bob")
	cases := []struct {
		typed  string
		status int
		added  []bool
	}{
		{"y\nyes\n", 0, []bool{true, true}},
		{"Y\nn\n", 0, []bool{true, false}},
		{"\nno\n", 1, []bool{false, false}},
		{"", 1, []bool{false, false}}, // end of input is no
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.typed, "\n", "|"), func(t *testing.T) {
			master, slave := openPTY(t)
			dir := t.TempDir()
			if _, err := master.WriteString(c.typed); err != nil {
				t.Fatal(err)
			}
			if c.typed == "" {
				master.Write([]byte{4}) // ^D: end of input
			}
			var out, errb bytes.Buffer
			args := []string{"aci-trust", "add", "--trust-dir", dir, "--prefix", "example.com", keys}
			t.Setenv(trust.EnvVendorTrustDir, "")
			status := cli.Run(app(), args, slave, &out, &errb)
			if status != c.status {
				t.Fatalf("status %d, want %d; stderr:\n%s", status, c.status, errb.String())
			}
			if n := strings.Count(errb.String(), "[y/N]"); n != 2 {
				t.Errorf("asked %d times, want 2:\n%s", n, errb.String())
			}
			for i, want := range c.added {
				_, err := os.Stat(filepath.Join(dir, "prefix.d", "example.com", fprs[i]))
				if (err == nil) != want {
					t.Errorf("key %d: added %v, want %v", i, err == nil, want)
				}
			}
		})
	}
}

// TestNoTerminal: with standard input a file and no terminal, add refuses.
func TestNoTerminal(t *testing.T) {
	keys, _ := keyFile(t, "alice")
	var out, errb bytes.Buffer
	t.Setenv(trust.EnvVendorTrustDir, "")
	dir := t.TempDir()
	status := cli.Run(app(), []string{"aci-trust", "add", "--trust-dir", dir, "--root", keys}, strings.NewReader("y\n"), &out, &errb)
	if status != 1 || !strings.Contains(errb.String(), "no terminal to confirm") {
		t.Fatalf("status %d, stderr:\n%s", status, errb.String())
	}
}
