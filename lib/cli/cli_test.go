package cli

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/intermodal/intermodal/lib/testenv"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	ucli "github.com/urfave/cli/v2"
)

func testApp(action ucli.ActionFunc) *ucli.App {
	app := New("tool", "does a thing")
	app.ArgsUsage = "FILE..."
	app.Flags = append(app.Flags, &ucli.BoolFlag{Name: "json", Usage: "print JSON"},
		&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE`", EnvVars: []string{"INTERMODAL_TEST_OUT"}})
	app.Action = action
	return app
}

func run(app *ucli.App, args ...string) (int, string, string) {
	var out, errw bytes.Buffer
	code := Run(app, append([]string{"tool"}, args...), strings.NewReader(""), &out, &errw)
	return code, out.String(), errw.String()
}

func TestExitStatuses(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		err    error
		code   int
		stderr string
	}{
		{"ok", []string{"a"}, nil, 0, ""},
		{"failure", []string{"a"}, errors.New("reading a: boom"), 1, "tool: reading a: boom\n"},
		{"unknown flag", []string{"--nope"}, nil, 2, "tool: flag provided but not defined: -nope\nTry 'tool --help'"},
		{"flag after arg", []string{"a", "--json"}, nil, 2, "flag --json must come before the arguments"},
		{"missing arg", nil, nil, 2, "missing argument"},
		{"usage from action", []string{"a"}, Usagef("bad mix"), 2, "tool: bad mix\n"},
		{"silent status", []string{"a"}, Status(1), 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(testApp(func(c *ucli.Context) error {
				if _, err := Args(c, 1, -1); err != nil {
					return err
				}
				return tt.err
			}), tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if !strings.HasPrefix(stderr, tt.stderr) && !strings.Contains(stderr, tt.stderr) || (tt.stderr == "" && stderr != "") {
				t.Errorf("stderr %q, want %q", stderr, tt.stderr)
			}
		})
	}
}

func TestVersionAndHelpGoToStdout(t *testing.T) {
	code, out, _ := run(testApp(nil), "--version")
	if code != 0 || out != "tool version "+Version+"\n" {
		t.Errorf("--version: exit %d, stdout %q", code, out)
	}
	code, out, _ = run(testApp(nil), "--help")
	if code != 0 || !strings.Contains(out, "--output FILE, -o FILE") {
		t.Errorf("--help: exit %d, stdout %q", code, out)
	}
}

func TestManPage(t *testing.T) {
	app := testApp(nil)
	app.Description = "Long text.\n\nSecond paragraph."
	app.Metadata[MetaExamples] = "tool -o x a"
	code, out, _ := run(app, "--man")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{".TH TOOL 1", ".SH NAME", `tool \- does a thing`, ".SH OPTIONS", `\-\-output, \-o FILE`,
		".SH EXIT STATUS", ".SH ENVIRONMENT", "INTERMODAL_TEST_OUT", ".SH EXAMPLES", "Second paragraph"} {
		if !strings.Contains(out, want) {
			t.Errorf("man page lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "completion") {
		t.Errorf("hidden flags leaked into the man page")
	}
}

func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh"} {
		code, out, _ := run(testApp(nil), "--completion", sh)
		if code != 0 || !strings.Contains(out, "--generate-bash-completion") || !strings.Contains(out, "_tool") {
			t.Errorf("%s: exit %d, %q", sh, code, out)
		}
	}
	if code, _, _ := run(testApp(nil), "--completion", "fish"); code != 2 {
		t.Errorf("unknown shell: exit %d, want 2", code)
	}
}

func TestAtomicFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out")
	f, err := CreateAtomic(target, false, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("data")
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("target visible before commit: %v", err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "data" {
		t.Fatalf("content %q", b)
	}
	if _, err := CreateAtomic(target, false, 0o644); !IsExist(err) {
		t.Fatalf("existing target: %v, want ErrExist", err)
	}
	g, _ := CreateAtomic(target, true, 0o644)
	g.WriteString("new")
	g.Abort()
	if b, _ := os.ReadFile(target); string(b) != "data" {
		t.Fatalf("abort changed the target: %q", b)
	}
	assertOnly(t, dir, "out")
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

func TestSignalRemovesTemporaries(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		started := make(chan struct{})
		app := testApp(func(c *ucli.Context) error {
			o, err := CreateOutput(c, filepath.Join(dir, "img"), false, true)
			if err != nil {
				return err
			}
			close(started)
			<-c.Context.Done()
			time.Sleep(3 * grace) // an action that ignores cancellation
			return o.Finish(nil)
		})
		go func() { <-started; syscall.Kill(os.Getpid(), tc.sig) }()
		code, _, stderr := run(app)
		if code != tc.code || !strings.Contains(stderr, "interrupted") {
			t.Errorf("%v: exit %d, stderr %q", tc.sig, code, stderr)
		}
		assertOnly(t, dir)
	}
}

func TestRefusesImageToTerminal(t *testing.T) {
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	testenv.Require(t, err == nil, fmt.Sprintf("no pseudo-terminal: %v", err))
	defer tty.Close()
	app := testApp(func(c *ucli.Context) error {
		_, err := CreateOutput(c, "-", false, true)
		return err
	})
	var errw bytes.Buffer
	code := Run(app, []string{"tool"}, strings.NewReader(""), tty, &errw)
	if code != 2 || !strings.Contains(errw.String(), "terminal") {
		t.Errorf("exit %d, stderr %q", code, errw.String())
	}
}

func TestParseSize(t *testing.T) {
	good := map[string]int64{"0": 0, "10": 10, "1K": 1024, "512M": 512 << 20, "32G": 32 << 30, "2GiB": 2 << 30, "1t": 1 << 40}
	for in, want := range good {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1X", "G", "99999999999T"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) succeeded", in)
		}
	}
}

// A tool with commands treats a missing or unknown command as a usage
// error, exit 2, never as help with status 0.
func TestUnknownCommandIsAUsageError(t *testing.T) {
	for _, args := range [][]string{{"tool"}, {"tool", "nosuch"}} {
		app := New("tool", "a tool with commands")
		app.Commands = []*ucli.Command{{Name: "list", Action: func(*ucli.Context) error { return nil }}}
		var out, errb bytes.Buffer
		if code := Run(app, args, strings.NewReader(""), &out, &errb); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, ExitUsage, errb.String())
		}
		if !strings.Contains(errb.String(), "command") || out.Len() != 0 {
			t.Errorf("%v: stdout %q stderr %q", args, out.String(), errb.String())
		}
	}
}

// An error carrying a newline (from a hostile manifest, say) is still
// printed as one line.
func TestErrorsStayOneLine(t *testing.T) {
	app := New("tool", "x")
	app.Action = func(*ucli.Context) error { return errors.New("bad name \"a\nTool: all good\"\r") }
	var out, errb bytes.Buffer
	if code := Run(app, []string{"tool"}, strings.NewReader(""), &out, &errb); code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	if got := errb.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, `a\nTool: all good"\r`) {
		t.Errorf("stderr %q", got)
	}
}
