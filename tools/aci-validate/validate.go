package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

var flags = []ucli.Flag{
	&ucli.StringFlag{Name: "type", Value: "auto", Usage: "treat every input as `TYPE`: auto, aci, dir or manifest"},
	&ucli.BoolFlag{Name: "json", Usage: "print one JSON document describing every input"},
	&ucli.StringFlag{Name: "max-size", Value: "32G", EnvVars: []string{"INTERMODAL_MAX_SIZE"}, Usage: "refuse images that decompress to more than `SIZE` (K, M, G, T suffixes; 0 = no limit)"},
	&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print errors only, not warnings"},
	&ucli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "also print a line for each valid input"},
}

// report is what is known about one input.
type report struct {
	File        string    `json:"file"`
	Type        string    `json:"type"`
	Valid       bool      `json:"valid"`
	Compression string    `json:"compression,omitempty"`
	Problems    []problem `json:"problems"`
}

type problem struct {
	Where    string `json:"where"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

func run(c *ucli.Context) error {
	opts, err := parseOptions(c)
	if err != nil {
		return err
	}
	args, err := cli.Args(c, 0, -1)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{cli.Stdin}
	}
	reports := make([]report, 0, len(args))
	for _, name := range args {
		reports = append(reports, validate(c, name, opts))
	}
	return emit(c, reports)
}

type options struct {
	kind    string
	maxSize int64
}

func parseOptions(c *ucli.Context) (options, error) {
	kind := c.String("type")
	switch kind {
	case "auto", "aci", "dir", "manifest":
	default:
		return options{}, cli.Usagef("--type: unknown type %q (want auto, aci, dir or manifest)", kind)
	}
	maxSize, err := cli.ParseSize(c.String("max-size"))
	if err != nil {
		return options{}, cli.Usagef("--max-size: %v", err)
	}
	return options{kind: kind, maxSize: maxSize}, nil
}

func validate(c *ucli.Context, name string, opts options) report {
	r := report{File: name, Problems: []problem{}}
	if err := validateInto(c, &r, opts); err != nil {
		r.add("", cli.PathCause(err).Error(), false)
	}
	r.Valid = !r.hasErrors()
	return r
}

func validateInto(c *ucli.Context, r *report, opts options) error {
	kind := opts.kind
	if kind == "dir" || (kind == "auto" && isDir(r.File)) {
		r.Type = "dir"
		res, err := aci.CheckDir(r.File)
		if err != nil {
			return err
		}
		r.addArchive(res)
		return nil
	}
	f, err := cli.Open(c, r.File)
	if err != nil {
		return err
	}
	defer f.Close()
	return validateStream(r, bufio.NewReaderSize(f, 1<<20), kind, opts.maxSize)
}

func validateStream(r *report, br *bufio.Reader, kind string, maxSize int64) error {
	if kind == "auto" {
		kind = sniff(br)
	}
	r.Type = kind
	if kind == "manifest" {
		data, err := io.ReadAll(io.LimitReader(br, appc.MaxManifestSize+1))
		if err != nil {
			return err
		}
		r.addManifest(data, "")
		return nil
	}
	res, err := aci.CheckArchive(br, aci.CheckOptions{MaxSize: maxSize})
	if err != nil {
		return err
	}
	r.Compression = res.Compression.String()
	r.addArchive(res)
	return nil
}

// sniff tells a manifest (JSON text) from an archive; anything that is not
// JSON goes to the archive checker, which names what it is not.
func sniff(br *bufio.Reader) string {
	head, _ := br.Peek(512)
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return "manifest"
	}
	return "aci"
}

func (r *report) addArchive(res *aci.Result) {
	for _, p := range res.Problems {
		where := ""
		if p.Entry != "" {
			where = fmt.Sprintf("entry %q", p.Entry)
		}
		r.add(where, p.Msg, p.Warning)
	}
	if res.Manifest != nil {
		r.addManifest(res.Manifest, "manifest")
	}
}

func (r *report) addManifest(data []byte, prefix string) {
	_, ps := appc.ParseManifest(data)
	for _, p := range ps {
		where := p.Field
		if prefix != "" {
			where = joinWhere(prefix, p.Field)
		}
		r.add(where, p.Msg, p.Warning)
	}
}

func joinWhere(prefix, field string) string {
	if field == "" {
		return prefix
	}
	return prefix + ": " + field
}

func (r *report) add(where, msg string, warning bool) {
	sev := "error"
	if warning {
		sev = "warning"
	}
	r.Problems = append(r.Problems, problem{Where: where, Message: msg, Severity: sev})
}

func (r *report) hasErrors() bool {
	for _, p := range r.Problems {
		if p.Severity == "error" {
			return true
		}
	}
	return false
}

func emit(c *ucli.Context, reports []report) error {
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	} else {
		emitText(c, reports)
	}
	for _, r := range reports {
		if !r.Valid {
			return cli.Status(cli.ExitFailure)
		}
	}
	return nil
}

func emitText(c *ucli.Context, reports []report) {
	w := c.App.Writer
	for _, r := range reports {
		for _, p := range r.Problems {
			if p.Severity == "warning" && c.Bool("quiet") {
				continue
			}
			fmt.Fprintln(w, p.line(r.File))
		}
		if r.Valid && c.Bool("verbose") {
			fmt.Fprintf(w, "%s: valid %s\n", r.File, r.Type)
		}
	}
}

func (p problem) line(file string) string {
	s := file + ": "
	if p.Severity == "warning" {
		s += "warning: "
	}
	if p.Where != "" {
		s += p.Where + ": "
	}
	return s + p.Message
}

func isDir(name string) bool {
	if name == cli.Stdin {
		return false
	}
	st, err := os.Stat(name)
	return err == nil && st.IsDir()
}
