package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// Version is the suite's version, printed by --version. Release builds set
// it with -ldflags "-X github.com/intermodal/intermodal/lib/cli.Version=...".
var Version = "0.1.0-dev"

// errDone ends a run successfully after a hidden flag did its work.
var errDone = errors.New("done")

// New returns an App with the suite's conventions: no help command, errors
// returned rather than printed, --version without the -v alias (which means
// --verbose here), and the hidden --man and --completion flags.
func New(name, usage string) *ucli.App {
	return &ucli.App{
		Name:                 name,
		HelpName:             name,
		Usage:                usage,
		Version:              Version,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		Flags:                []ucli.Flag{manFlag, completionFlag},
		Metadata:             map[string]any{},
	}
}

// Main runs app with the process's arguments and streams and returns the
// exit status for os.Exit.
func Main(app *ucli.App) int {
	return Run(app, os.Args, os.Stdin, os.Stdout, os.Stderr)
}

// Run runs app and maps the outcome to an exit status. It prints the error,
// if any, as one line on stderr prefixed with the tool's name.
func Run(app *ucli.App, args []string, in io.Reader, out, errw io.Writer) int {
	prepare(app, in, out, errw)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig, err := runWithSignals(ctx, cancel, app, args)
	if sig != 0 {
		removeTemporaries()
		fmt.Fprintf(errw, "%s: interrupted\n", app.Name)
		return sig
	}
	return report(app, err)
}

// report prints err the conventional way and returns the exit status.
func report(app *ucli.App, err error) int {
	if err == nil || errors.Is(err, errDone) {
		return ExitOK
	}
	if msg := message(err); msg != "" {
		fmt.Fprintf(app.ErrWriter, "%s: %s\n", app.Name, OneLine(msg))
	}
	code := exitCode(err)
	if code == ExitUsage {
		fmt.Fprintf(app.ErrWriter, "Try '%s --help' for more information.\n", helpName(app, err))
	}
	return code
}

// helpName is the command line whose --help explains a usage error.
func helpName(app *ucli.App, err error) string {
	var ue *UsageError
	if errors.As(err, &ue) && ue.command != "" {
		return ue.command
	}
	return app.Name
}

// prepare installs the conventions on app and every command in it.
func prepare(app *ucli.App, in io.Reader, out, errw io.Writer) {
	app.Reader, app.Writer, app.ErrWriter = in, out, errw
	ucli.VersionFlag = &ucli.BoolFlag{Name: "version", Usage: "print the version and exit"}
	ucli.VersionPrinter = func(c *ucli.Context) {
		fmt.Fprintf(c.App.Writer, "%s version %s\n", c.App.Name, c.App.Version)
	}
	// urfave calls this with the context of the command that failed.
	app.ExitErrHandler = noteCommand
	app.OnUsageError = onUsageError
	app.CommandNotFound = commandNotFound
	app.Before = chainBefore(hiddenFlags, app.Before)
	if len(app.Commands) > 0 && app.Action == nil {
		app.Action = noCommand
	}
	prepareCommands(app.Commands)
}

// noCommand runs when a tool with commands gets none it knows: a usage
// error (status 2), not urfave's help page with status 0.
func noCommand(c *ucli.Context) error {
	var names []string
	for _, cmd := range c.App.Commands {
		if !cmd.Hidden {
			names = append(names, cmd.Name)
		}
	}
	if c.Args().Len() == 0 {
		return Usagef("missing command (%s)", strings.Join(names, ", "))
	}
	return Usagef("unknown command %q (want %s)", c.Args().First(), strings.Join(names, ", "))
}

// prepareCommands gives commands the App's conventions. A command gets no
// "help" subcommand (urfave's default): "tool show help" must look up
// "help", not print help; --help stays. Usage errors name the command
// (noteCommand), so the hint points at its own --help.
func prepareCommands(cmds []*ucli.Command) {
	for _, cmd := range cmds {
		cmd.HideHelpCommand = true
		cmd.OnUsageError = onUsageError
		prepareCommands(cmd.Subcommands)
	}
}

func onUsageError(c *ucli.Context, err error, _ bool) error {
	ue := &UsageError{Msg: err.Error()}
	noteCommand(c, ue)
	return ue
}

// noteCommand records in a usage error which command it is about; the
// innermost command sees it first.
func noteCommand(c *ucli.Context, err error) {
	var ue *UsageError
	if errors.As(err, &ue) && ue.command == "" && c != nil && c.Command != nil {
		ue.command = c.Command.HelpName
	}
}

func commandNotFound(c *ucli.Context, name string) {
	fmt.Fprintf(c.App.ErrWriter, "%s: unknown command %q\n", c.App.Name, name)
}

func chainBefore(first, then ucli.BeforeFunc) ucli.BeforeFunc {
	return func(c *ucli.Context) error {
		if err := first(c); err != nil || then == nil {
			return err
		}
		return then(c)
	}
}

// Args returns the positional arguments after checking their number. It
// also refuses a flag written after an argument: urfave/cli v2 would pass it
// on silently as a file name (urfave/cli#1177).
func Args(c *ucli.Context, min, max int) ([]string, error) {
	args := c.Args().Slice()
	for _, a := range args {
		if strings.HasPrefix(a, "-") && a != "-" {
			return nil, Usagef("flag %s must come before the arguments", a)
		}
	}
	usage := strings.TrimSpace(c.Command.HelpName + " " + c.Command.ArgsUsage)
	switch {
	case len(args) < min:
		return nil, Usagef("missing argument (usage: %s)", usage)
	case max >= 0 && len(args) > max:
		return nil, Usagef("too many arguments (usage: %s)", usage)
	}
	return args, nil
}

// OneLine escapes control characters (newlines above all) in a message,
// so text from a hostile manifest, archive or server can never forge a
// second line of diagnostics: every error stays one line.
func OneLine(msg string) string {
	if !strings.ContainsFunc(msg, isControl) {
		return msg
	}
	var b strings.Builder
	for _, r := range msg {
		if isControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
