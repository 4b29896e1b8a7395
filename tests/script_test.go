package tests

import (
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"github.com/intermodal/intermodal/lib/testenv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// requireAll is set in CI: a test that would skip for a missing peer or
// privilege fails instead.
var requireAll = testenv.RequireAll()

func binDir(t *testing.T) string {
	dir := os.Getenv("INTERMODAL_BIN")
	if dir == "" {
		dir, _ = filepath.Abs("../bin")
	}
	if _, err := os.Stat(filepath.Join(dir, "aci-pack")); err != nil {
		if requireAll {
			t.Fatalf("built tools not found in %s (run make all): %v", dir, err)
		}
		t.Skipf("built tools not found in %s (run make all)", dir)
	}
	return dir
}

func TestScripts(t *testing.T) {
	bin := binDir(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", bin+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("HOME", env.WorkDir)
			// Tests run as root in CI, where the defaults are the machine's
			// own store and trust dirs: never touch those.
			env.Setenv("INTERMODAL_STORE", filepath.Join(env.WorkDir, ".store"))
			env.Setenv("INTERMODAL_TRUST_DIR", filepath.Join(env.WorkDir, ".trustedkeys"))
			env.Setenv("INTERMODAL_VENDOR_TRUST_DIR", filepath.Join(env.WorkDir, ".vendor-trustedkeys"))
			env.Values[tKey{}] = env.T()
			return nil
		},
		Cmds: scriptCmds(map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"require":  cmdRequire,
			"sha512id": cmdSha512ID,
			"mkimage":  cmdMkimage,
			"exitcode": cmdExitcode,
			"mktar":    cmdMktar,
		}),
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		RequireExplicitExec: true,
	})
}

// extraCmds holds script commands registered by other files of this package
// from init, so each feature's helpers live beside its own tests.
var extraCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){}

func scriptCmds(m map[string]func(ts *testscript.TestScript, neg bool, args []string)) map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	for k, v := range extraCmds {
		m[k] = v
	}
	return m
}

// tKey finds the script's testing.T, so a custom command can skip.
type tKey struct{}

// cmdRequire skips the script when a peer program or root is missing, or
// fails it when INTERMODAL_REQUIRE_ALL=1:  require exec:actool root
func cmdRequire(ts *testscript.TestScript, neg bool, args []string) {
	for _, a := range args {
		if why := missing(a); why != "" {
			if requireAll {
				ts.Fatalf("INTERMODAL_REQUIRE_ALL=1 and %s", why)
			}
			ts.Value(tKey{}).(testscript.T).Skip(why)
		}
	}
}

func missing(what string) string {
	if prog, ok := strings.CutPrefix(what, "exec:"); ok {
		if _, err := exec.LookPath(prog); err != nil {
			return prog + " is not installed"
		}
		return ""
	}
	if what == "root" && os.Geteuid() != 0 {
		return "needs root"
	}
	if what != "root" {
		return "unknown requirement " + what
	}
	return ""
}

// cmdSha512ID prints "sha512-" + sha512 of a file's bytes, decompressing
// with an external peer given first (gzip -dc, xz -dc, cat):
// sha512id gzip -dc FILE
func cmdSha512ID(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: sha512id CMD... FILE")
	}
	cmd := exec.Command(args[0], append(args[1:len(args)-1], ts.MkAbs(args[len(args)-1]))...)
	out, err := cmd.StdoutPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	h := sha512.New()
	_, err = io.Copy(h, out)
	ts.Check(err)
	ts.Check(cmd.Wait())
	fmt.Fprintf(ts.Stdout(), "sha512-%s\n", hex.EncodeToString(h.Sum(nil)))
}

// cmdExitcode runs a program and checks its exact exit status, keeping its
// output for stdout/stderr assertions:  exitcode 2 aci-pack --nope
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROG [ARGS...]")
	}
	want := args[0]
	cmd := exec.Command(lookPath(ts, args[1]), args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "SOURCE_DATE_EPOCH", "SSL_CERT_FILE",
		"INTERMODAL_MAX_SIZE", "INTERMODAL_STORE", "INTERMODAL_TRUST_DIR", "INTERMODAL_VENDOR_TRUST_DIR"} {
		if v := ts.Getenv(k); v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Stdout, cmd.Stderr = ts.Stdout(), ts.Stderr()
	err := cmd.Run()
	got := "0"
	if ee, ok := err.(*exec.ExitError); ok {
		got = fmt.Sprint(ee.ExitCode())
	} else if err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited %s, want %s", args[1], got, want)
	}
}

// lookPath finds prog in the script's PATH, not the test process's.
func lookPath(ts *testscript.TestScript, prog string) string {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		p := filepath.Join(dir, prog)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return prog
}
