package tests

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() { extraCmds["gpgkey"] = cmdGPGKey }

// cmdGPGKey makes an OpenPGP key with gpg in a throwaway home:
//
//	gpgkey [-expired | -nosign] NAME
//
// The key is ed25519 and can sign, with the user ID "NAME <NAME@example.com>";
// -expired makes it in 2020 with a one-day life, -nosign gives it no
// signing capability at all. It writes $WORK/NAME.asc (armored public
// key), $WORK/NAME.gpg (binary), $WORK/NAME.secret.asc (armored secret
// key) and sets NAME_FPR to the lowercase fingerprint and NAME_GPGFPR to
// the fingerprint as gpg shows it (upper case, in groups). Scripts using
// it start with "require exec:gpg".
func cmdGPGKey(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("gpgkey", flag.ContinueOnError)
	expired := fs.Bool("expired", false, "")
	nosign := fs.Bool("nosign", false, "")
	if neg || fs.Parse(args) != nil || fs.NArg() != 1 {
		ts.Fatalf("usage: gpgkey [-expired | -nosign] NAME")
	}
	name := fs.Arg(0)
	home, err := os.MkdirTemp("", "g") // short: the agent's socket path is limited
	ts.Check(err)
	ts.Defer(func() {
		kill := exec.Command("gpgconf", "--kill", "gpg-agent")
		kill.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = kill.Run() // no agent is fine
		os.RemoveAll(home)
	})
	gpg := func(args ...string) []byte {
		base := []string{"--batch", "--yes", "--no-tty", "--passphrase", "", "--pinentry-mode", "loopback"}
		cmd := exec.Command("gpg", append(base, args...)...)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			ts.Fatalf("gpg %s: %v: %s", strings.Join(args, " "), err, stderr.String())
		}
		return out
	}
	uid := name + " <" + name + "@example.com>"
	gen := []string{"--quick-gen-key", uid, "ed25519", "sign", "never"}
	switch {
	case *expired:
		gen = []string{"--faked-system-time", "20200101T000000", "--quick-gen-key", uid, "ed25519", "sign", "1d"}
	case *nosign:
		gen = []string{"--quick-gen-key", uid, "ed25519", "cert", "never"}
	}
	gpg(gen...)
	fpr := ""
	for _, l := range strings.Split(string(gpg("--with-colons", "--list-keys", uid)), "\n") {
		if f := strings.Split(l, ":"); f[0] == "fpr" && len(f) > 9 && fpr == "" {
			fpr = f[9]
		}
	}
	write := func(file string, data []byte) {
		ts.Check(os.WriteFile(filepath.Join(ts.MkAbs("."), file), data, 0o644))
	}
	write(name+".asc", gpg("--armor", "--export", fpr))
	write(name+".gpg", gpg("--export", fpr))
	write(name+".secret.asc", gpg("--armor", "--export-secret-keys", fpr))
	ts.Setenv(strings.ToUpper(name)+"_FPR", strings.ToLower(fpr))
	ts.Setenv(strings.ToUpper(name)+"_GPGFPR", groups(fpr))
}

// groups writes a fingerprint as gpg shows it: groups of four digits, two
// spaces in the middle.
func groups(fpr string) string {
	var b strings.Builder
	for i := 0; i < len(fpr); i += 4 {
		if i > 0 {
			b.WriteString(" ")
		}
		if i == len(fpr)/2 {
			b.WriteString(" ")
		}
		b.WriteString(fpr[i:min(i+4, len(fpr))])
	}
	return b.String()
}
