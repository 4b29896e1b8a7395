package cli

import (
	"strings"
	"testing"

	ucli "github.com/urfave/cli/v2"
)

// commandApp is a tool with subcommands, like aci-store.
func commandApp(got *[]string) *ucli.App {
	app := New("tool", "does things")
	app.Commands = []*ucli.Command{{
		Name:        "show",
		Usage:       "show one thing",
		ArgsUsage:   "NAME",
		Description: "First paragraph.\n\nSecond paragraph.",
		Flags:       []ucli.Flag{&ucli.BoolFlag{Name: "info", Usage: "show more"}},
		Action: func(c *ucli.Context) error {
			args, err := Args(c, 1, 1)
			*got = args
			return err
		},
	}, {
		Name:   "list",
		Usage:  "list things",
		Action: func(c *ucli.Context) error { _, err := Args(c, 0, 0); return err },
	}}
	return app
}

func TestCommandArgumentNamedHelp(t *testing.T) {
	// urfave gives each command a "help" subcommand by default, which
	// would swallow an argument that happens to be "help" or "h".
	for _, arg := range []string{"help", "h"} {
		var got []string
		code, out, errw := run(commandApp(&got), "show", arg)
		if code != 0 || len(got) != 1 || got[0] != arg || out != "" {
			t.Errorf("show %s: exit %d, args %q, stdout %q, stderr %q", arg, code, got, out, errw)
		}
	}
	var got []string
	if code, out, _ := run(commandApp(&got), "show", "--help"); code != 0 || !strings.Contains(out, "tool show") {
		t.Errorf("show --help: exit %d, %q", code, out)
	}
}

func TestCommandUsageHintNamesTheCommand(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"show"}, "tool: missing argument (usage: tool show NAME)\nTry 'tool show --help' for more information.\n"},
		{[]string{"show", "--nope", "x"}, "Try 'tool show --help'"},
		{[]string{"list", "x"}, "tool: too many arguments (usage: tool list)\nTry 'tool list --help'"},
		{[]string{"--nope"}, "Try 'tool --help'"},
	}
	for _, tt := range tests {
		var got []string
		code, _, errw := run(commandApp(&got), tt.args...)
		if code != ExitUsage || !strings.Contains(errw, tt.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", tt.args, code, errw, tt.want)
		}
	}
}

func TestManPageCommands(t *testing.T) {
	var got []string
	code, out, _ := run(commandApp(&got), "--man")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{".SH COMMANDS", ".SS show NAME", "show one thing\n.PP\nFirst paragraph.\n.PP\nSecond paragraph.\n", `\fB\-\-info\fR`, ".SS list\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("man page lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\n\n") {
		t.Errorf("blank line in roff output:\n%s", out)
	}
}
