package tests

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	extraCmds["storevar"] = cmdStoreVar
	extraCmds["storeflip"] = cmdStoreFlip
	extraCmds["storesign"] = cmdStoreSign
}

// cmdStoreVar sets VAR to the last command's standard output, trimmed,
// or to its first N characters, so a script can use an ID a tool printed:
//
//	exec aci-fetch --store $WORK/s app.aci
//	storevar ID
//	storevar PREFIX 12
func cmdStoreVar(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: storevar VAR [N]")
	}
	v := strings.TrimSpace(ts.ReadFile("stdout"))
	if len(args) == 2 {
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 || n > len(v) {
			ts.Fatalf("storevar: bad length %q for %q", args[1], v)
		}
		v = v[:n]
	}
	ts.Setenv(args[0], v)
}

// cmdStoreFlip damages a file in place, as a bad disk would: it flips one
// bit of the byte at OFFSET (negative counts from the end; default: the
// middle).
//
//	storeflip FILE [OFFSET]
func cmdStoreFlip(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: storeflip FILE [OFFSET]")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	if len(data) == 0 {
		ts.Fatalf("storeflip: %s is empty", args[0])
	}
	off := len(data) / 2
	if len(args) == 2 {
		off, err = strconv.Atoi(args[1])
		ts.Check(err)
		if off < 0 {
			off += len(data)
		}
	}
	if off < 0 || off >= len(data) {
		ts.Fatalf("storeflip: offset %s outside %s (%d bytes)", args[1], args[0], len(data))
	}
	data[off] ^= 0x40
	ts.Check(os.WriteFile(path, data, 0o644))
}

// cmdStoreSign makes FILE.asc, an armored detached signature of FILE, with
// the secret key gpgkey wrote to NAME.secret.asc, using real gpg in a
// throwaway home. Scripts using it start with "require exec:gpg".
//
//	gpgkey vendor
//	storesign vendor app.aci
func cmdStoreSign(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: storesign NAME FILE")
	}
	home, err := os.MkdirTemp("", "g") // short: the agent's socket path is limited
	ts.Check(err)
	defer func() {
		kill := exec.Command("gpgconf", "--kill", "gpg-agent")
		kill.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = kill.Run() // no agent is fine
		os.RemoveAll(home)
	}()
	gpg := func(args ...string) {
		base := []string{"--batch", "--yes", "--no-tty", "--passphrase", "", "--pinentry-mode", "loopback"}
		cmd := exec.Command("gpg", append(base, args...)...)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			ts.Fatalf("gpg %s: %v: %s", strings.Join(args, " "), err, stderr.String())
		}
	}
	file := ts.MkAbs(args[1])
	gpg("--import", filepath.Join(ts.MkAbs("."), args[0]+".secret.asc"))
	gpg("--armor", "--detach-sign", "-o", file+".asc", file)
}
