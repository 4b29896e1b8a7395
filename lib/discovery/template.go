package discovery

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Why a template or a URL from a page is not used.
var (
	ErrNoExt    = errors.New("no {ext} in the template, so image and signature would share one URL")
	ErrUnfilled = errors.New("unfilled template variable")
	ErrBadURL   = errors.New("not an absolute URL")
)

// The {ext} values: the image, and its detached armored signature.
const (
	ExtACI = "aci"
	ExtASC = "aci.asc"
)

// RenderTemplate renders an ac-discovery template for app: {name} is the
// name, {ext} is ext, and every label L fills {L}; nothing is escaped, as
// in the reference code. A template with a variable left unfilled fails
// with ErrUnfilled: that is how optional "noarch" templates are skipped.
// The result must be an absolute URL with a host.
func RenderTemplate(tmpl string, app App, ext string) (string, error) {
	var b strings.Builder
	rest := tmpl
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("%w (an unclosed '{')", ErrUnfilled)
		}
		v, ok := variable(rest[open+1:open+end], app, ext)
		if !ok {
			return "", fmt.Errorf("%w %s", ErrUnfilled, quote(rest[open:open+end+1]))
		}
		b.WriteString(rest[:open] + v)
		rest = rest[open+end+1:]
	}
	out := b.String()
	if strings.ContainsAny(out, "{}") {
		return "", fmt.Errorf("%w (a stray '}')", ErrUnfilled)
	}
	if err := CheckURL(out); err != nil {
		return "", err
	}
	return out, nil
}

// variable gives the value of a template variable; {name} and {ext} win
// over labels of the same name.
func variable(name string, app App, ext string) (string, bool) {
	switch name {
	case "name":
		return app.Name, true
	case "ext":
		return ext, true
	}
	v, ok := app.Labels[name]
	return v, ok
}

// endpoint renders a template twice, for the image and the signature.
func endpoint(tmpl string, app App) (Endpoint, error) {
	if !strings.Contains(tmpl, "{ext}") {
		return Endpoint{}, ErrNoExt
	}
	aci, err := RenderTemplate(tmpl, app, ExtACI)
	if err != nil {
		return Endpoint{}, err
	}
	asc, err := RenderTemplate(tmpl, app, ExtASC)
	return Endpoint{ACI: aci, ASC: asc}, err
}

// CheckURL accepts an absolute URL with a scheme and a host, written in
// printable ASCII without spaces, so it fits on one output line as is.
func CheckURL(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return fmt.Errorf("%w: %s: white space, control or non-ASCII character", ErrBadURL, quote(s))
		}
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%w: %s", ErrBadURL, quote(s))
	case !u.IsAbs() || u.Host == "":
		return fmt.Errorf("%w: %s: needs a scheme and a host", ErrBadURL, quote(s))
	}
	return nil
}

// quote shows text from a page in a message: quoted, so it stays on one
// line, and cut short, so a hostile page cannot flood the terminal.
func quote(s string) string {
	const max = 160
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
