package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// Metadata keys a tool may set on its App for sections of its man page.
const (
	MetaExamples = "examples" // EXAMPLES: text, one example per paragraph
	MetaExit     = "exit"     // EXIT STATUS: replaces the shared table
	MetaSeeAlso  = "seealso"  // SEE ALSO: "aci-id(1), actool(1)"
)

const defaultExit = `0  success.
1  the operation failed, or the input is invalid, unverifiable or not found.
2  usage error: unknown flag, missing or extra argument.
130, 143  interrupted by SIGINT or SIGTERM, after cleaning up.`

// WriteMan writes app's manual page in roff, from the same definitions that
// --help shows, so the two cannot disagree.
func WriteMan(w io.Writer, app *ucli.App) {
	r := &roff{w: w}
	r.line(`.TH %s 1 "" "intermodal %s" "intermodal manual"`, upper(app.Name), Version)
	r.section("NAME")
	r.line(`%s \- %s`, escape(app.Name), escape(app.Usage))
	r.section("SYNOPSIS")
	r.text(synopsis(app))
	r.paragraphs("DESCRIPTION", app.Description)
	r.flags("OPTIONS", visibleFlags(app.Flags))
	r.commands(app.Commands)
	r.exit(app)
	r.environment(app)
	r.examples(meta(app, MetaExamples))
	r.paragraphs("SEE ALSO", meta(app, MetaSeeAlso))
}

func synopsis(app *ucli.App) string {
	if app.UsageText != "" {
		return app.UsageText
	}
	s := app.Name + " [options]"
	if len(app.Commands) > 0 {
		s += " command [command options]"
	}
	return strings.TrimSpace(s + " " + app.ArgsUsage)
}

func meta(app *ucli.App, key string) string {
	s, _ := app.Metadata[key].(string)
	return s
}

type roff struct{ w io.Writer }

func (r *roff) line(format string, args ...any) { fmt.Fprintf(r.w, format+"\n", args...) }

func (r *roff) section(name string) { r.line(".SH %s", name) }

func (r *roff) text(s string) { r.line("%s", escape(s)) }

func (r *roff) paragraphs(title, body string) {
	if strings.TrimSpace(body) == "" {
		return
	}
	r.section(title)
	for i, p := range strings.Split(strings.TrimSpace(body), "\n\n") {
		if i > 0 {
			r.line(".PP")
		}
		r.text(p)
	}
}

func (r *roff) flags(title string, flags []ucli.DocGenerationFlag) {
	if len(flags) == 0 {
		return
	}
	r.section(title)
	for _, f := range flags {
		r.line(".TP")
		r.line(`\fB%s\fR`, escape(flagNames(f)))
		r.text(flagUsage(f))
	}
}

func (r *roff) commands(cmds []*ucli.Command) {
	if len(cmds) == 0 {
		return
	}
	r.section("COMMANDS")
	for _, c := range cmds {
		if c.Hidden {
			continue
		}
		r.line(".SS %s", escape(strings.TrimSpace(c.Name+" "+c.ArgsUsage)))
		r.text(c.Usage)
		for _, p := range strings.Split(strings.TrimSpace(c.Description), "\n\n") {
			if p != "" {
				r.line(".PP")
				r.text(p)
			}
		}
		for _, f := range visibleFlags(c.Flags) {
			r.line(".TP")
			r.line(`\fB%s\fR`, escape(flagNames(f)))
			r.text(flagUsage(f))
		}
	}
}

func (r *roff) exit(app *ucli.App) {
	body := meta(app, MetaExit)
	if body == "" {
		body = defaultExit
	}
	r.section("EXIT STATUS")
	r.definitions(body)
}

// definitions renders "term  text" lines as tagged paragraphs.
func (r *roff) definitions(body string) {
	for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
		term, text, _ := strings.Cut(l, "  ")
		r.line(".TP")
		r.line(`\fB%s\fR`, escape(term))
		r.text(strings.TrimSpace(text))
	}
}

func (r *roff) environment(app *ucli.App) {
	env := environment(app)
	if len(env) == 0 {
		return
	}
	r.section("ENVIRONMENT")
	for _, name := range sortedKeys(env) {
		r.line(".TP")
		r.line(`\fB%s\fR`, escape(name))
		r.text("Default for " + env[name] + "; the flag wins.")
	}
}

func (r *roff) examples(body string) {
	if strings.TrimSpace(body) == "" {
		return
	}
	r.section("EXAMPLES")
	for _, p := range strings.Split(strings.TrimSpace(body), "\n\n") {
		r.line(".PP")
		r.line(".nf")
		r.text(p)
		r.line(".fi")
	}
}

// environment maps each INTERMODAL_* variable to the flag it sets.
func environment(app *ucli.App) map[string]string {
	env := map[string]string{}
	add := func(flags []ucli.Flag) {
		for _, f := range visibleFlags(flags) {
			for _, e := range f.GetEnvVars() {
				env[e] = "--" + f.Names()[0]
			}
		}
	}
	add(app.Flags)
	for _, c := range app.Commands {
		add(c.Flags)
	}
	return env
}

func visibleFlags(flags []ucli.Flag) []ucli.DocGenerationFlag {
	var out []ucli.DocGenerationFlag
	for _, f := range flags {
		df, ok := f.(ucli.DocGenerationFlag)
		if !ok {
			continue
		}
		if vf, ok := f.(ucli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		out = append(out, df)
	}
	return out
}

func flagNames(f ucli.DocGenerationFlag) string {
	var parts []string
	for _, n := range f.Names() {
		if len(n) == 1 {
			parts = append(parts, "-"+n)
		} else {
			parts = append(parts, "--"+n)
		}
	}
	s := strings.Join(parts, ", ")
	if f.TakesValue() {
		s += " " + placeholder(f)
	}
	return s
}

// placeholder is the value name in a flag's usage: urfave's convention of a
// back-quoted word in the usage text, or VALUE.
func placeholder(f ucli.DocGenerationFlag) string {
	if _, after, ok := strings.Cut(f.GetUsage(), "`"); ok {
		if name, _, ok := strings.Cut(after, "`"); ok {
			return name
		}
	}
	return "VALUE"
}

func flagUsage(f ucli.DocGenerationFlag) string {
	s := strings.ReplaceAll(f.GetUsage(), "`", "")
	if d := f.GetDefaultText(); d != "" && f.TakesValue() {
		s += " (default: " + d + ")"
	} else if v := f.GetValue(); v != "" && f.TakesValue() {
		s += " (default: " + v + ")"
	}
	return s
}

func escape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

func upper(s string) string { return strings.ToUpper(s) }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
