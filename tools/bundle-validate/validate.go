package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/validate"
	ucli "github.com/urfave/cli/v2"
)

var flags = []ucli.Flag{
	&ucli.BoolFlag{Name: "host-specific", Usage: "also check the config against this host (kernel, mounts, cgroups, namespaces, hooks)"},
	&ucli.BoolFlag{Name: "json", Usage: "print one JSON array of {file, field, message, warning}"},
	&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print errors only, not warnings"},
	&ucli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "also print a line for each valid config"},
}

// finding is one problem as printed: the JSON form --json writes.
type finding struct {
	File    string `json:"file"`
	Field   string `json:"field"`
	Message string `json:"message"`
	Warning bool   `json:"warning"`
}

func run(c *ucli.Context) error {
	args, err := cli.Args(c, 0, -1)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	var host *validate.Host
	if c.Bool("host-specific") {
		host = validate.ProbeHost()
	}
	var all []finding
	failed := false
	for _, bundle := range args {
		file, ps := check(c, bundle, host)
		failed = failed || validate.HasErrors(ps)
		all = append(all, findings(c, file, ps)...)
		if !validate.HasErrors(ps) && c.Bool("verbose") && !c.Bool("json") {
			fmt.Fprintf(c.App.Writer, "%s: valid\n", file)
		}
	}
	if err := emit(c, all); err != nil {
		return err
	}
	if failed {
		return cli.Status(cli.ExitFailure)
	}
	return nil
}

// check validates one bundle, or the config on stdin for "-", and returns
// the name its problems are reported under. A config that cannot be read
// is one problem.
func check(c *ucli.Context, bundle string, host *validate.Host) (string, []validate.Problem) {
	if bundle == cli.Stdin {
		data, err := validate.ReadConfig(c.App.Reader)
		if err != nil {
			return bundle, unreadable(err)
		}
		return bundle, validate.Config(data, validate.Options{Host: host})
	}
	st, err := os.Stat(bundle)
	switch {
	case err != nil:
		return bundle, unreadable(cli.PathCause(err))
	case !st.IsDir():
		return bundle, unreadable(fmt.Errorf("not a directory: give the bundle directory, or - with the config on stdin"))
	}
	file := configPath(bundle)
	ps, err := validate.Bundle(bundle, host)
	if err != nil {
		return file, unreadable(cli.PathCause(err))
	}
	return file, ps
}

// configPath is BUNDLE/config.json as the user wrote BUNDLE: "./config.json"
// for ".", not a cleaned or absolute path.
func configPath(bundle string) string {
	if strings.HasSuffix(bundle, "/") {
		return bundle + validate.ConfigName
	}
	return bundle + string(filepath.Separator) + validate.ConfigName
}

func unreadable(err error) []validate.Problem {
	return []validate.Problem{{Message: "cannot read: " + err.Error(), Rule: "A-1"}}
}

func findings(c *ucli.Context, file string, ps []validate.Problem) []finding {
	out := make([]finding, 0, len(ps))
	for _, p := range ps {
		if p.Warning && c.Bool("quiet") {
			continue
		}
		out = append(out, finding{File: file, Field: p.Field, Message: p.Message, Warning: p.Warning})
	}
	return out
}

func emit(c *ucli.Context, all []finding) error {
	if c.Bool("json") {
		if all == nil {
			all = []finding{}
		}
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	}
	for _, f := range all {
		if _, err := io.WriteString(c.App.Writer, f.line()+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// line is "FILE: [warning: ]FIELD: MESSAGE".
func (f finding) line() string {
	s := f.File + ": "
	if f.Warning {
		s += "warning: "
	}
	if f.Field != "" {
		s += f.Field + ": "
	}
	return s + f.Message
}
