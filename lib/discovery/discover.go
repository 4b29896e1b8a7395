package discovery

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/httpclient"
)

// Options configure discovery.
type Options struct {
	// Client sends the requests; nil means a default HTTPS-only client. Its
	// Timeout also bounds each page as a whole, connect to last byte.
	Client *httpclient.Client
	// Port, when not 0, is the port every discovery request goes to: names
	// cannot carry one (testing and non-standard servers).
	Port int
	// MaxPageSize caps a discovery page; 0 means DefaultMaxPageSize.
	MaxPageSize int64
	// InsecureHTTP tries http:// for a level after https:// failed there.
	// Client must allow plain HTTP too (httpclient.Options.AllowHTTP).
	InsecureHTTP bool
	// Observe, when set, is told of every page request as it ends; Err is
	// nil for a page that arrived.
	Observe func(Attempt)
}

// Errors that say why a level gave nothing.
var (
	// ErrNotFound is matched by every *Error: discovery found nothing.
	ErrNotFound = errors.New("discovery failed")
	// ErrNoTag: the page has no tag whose prefix covers the name.
	ErrNoTag = errors.New("no matching tag")
	// ErrNoTemplate: tags matched but none gave a usable URL.
	ErrNoTemplate = errors.New("no usable template")
)

// Attempt is one URL tried and why it gave nothing.
type Attempt struct {
	URL string
	Err error
}

func (a Attempt) String() string { return a.URL + ": " + a.Err.Error() }

// Error is a discovery that found nothing: every URL tried and its cause.
type Error struct {
	Name     string
	What     string // "discovery" when empty, or "key discovery"
	Attempts []Attempt
}

func (e *Error) Error() string {
	what := e.What
	if what == "" {
		what = "discovery"
	}
	msg := make([]string, len(e.Attempts))
	for i, a := range e.Attempts {
		msg[i] = a.String()
	}
	return fmt.Sprintf("%s: %s failed: %s", e.Name, what, strings.Join(msg, "; "))
}

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *Error) Is(target error) bool { return target == ErrNotFound }

// Unwrap gives the cause of each attempt, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, len(e.Attempts))
	for _, a := range e.Attempts {
		errs = append(errs, a.Err)
	}
	return errs
}

// NoTagError says a page had no tag of a kind covering the name; Others
// are prefixes the page does cover, to show a near miss.
type NoTagError struct {
	Kind   string
	Others []string
}

func (e *NoTagError) Error() string {
	msg := "no matching " + e.Kind + " tag"
	if len(e.Others) > 0 {
		msg += " (the page covers " + listQuoted(e.Others) + ")"
	}
	return msg
}

func (e *NoTagError) Unwrap() error { return ErrNoTag }

// Discover finds the image, signature and key URLs of app. It uses the
// labels as given: call WithDefaults first for appc's version, os and arch
// defaults. It walks up app's path until a level gives at least one image
// endpoint, and on until one gives keys; keys may be empty. When no level
// gives an image the error is an *Error.
func Discover(ctx context.Context, app App, o Options) (*Result, error) {
	if !appc.ValidIdentifier(app.Name) {
		return nil, fmt.Errorf("%w %q: image name %s", ErrInvalidApp, app.Name, identifierRule)
	}
	f, err := newFetcher(o)
	if err != nil {
		return nil, err
	}
	res := newResult(app)
	for _, prefix := range levels(app.Name) {
		tags, from, ok := f.page(ctx, prefix)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: discovery: %w", app.Name, err)
		}
		if !ok {
			continue
		}
		if len(res.Images) == 0 {
			eps, err := images(tags, app)
			if err != nil {
				f.fail(from, err)
			}
			res.Images = eps
		}
		if len(res.Keys) == 0 {
			res.Keys, _ = keys(tags, app.Name)
		}
		if len(res.Images) > 0 && len(res.Keys) > 0 {
			break
		}
	}
	if len(res.Images) == 0 {
		return nil, &Error{Name: app.Name, Attempts: f.attempts}
	}
	return res, nil
}

// DiscoverKeys finds the public key URLs published for prefix (a name or
// a name prefix), walking up like Discover; only ac-discovery-pubkeys tags
// count. Finding none is an *Error.
func DiscoverKeys(ctx context.Context, prefix string, o Options) ([]string, error) {
	if !appc.ValidIdentifier(prefix) {
		return nil, fmt.Errorf("%w %q: prefix %s", ErrInvalidApp, prefix, identifierRule)
	}
	f, err := newFetcher(o)
	if err != nil {
		return nil, err
	}
	for _, level := range levels(prefix) {
		tags, from, ok := f.page(ctx, level)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: key discovery: %w", prefix, err)
		}
		if !ok {
			continue
		}
		ks, err := keys(tags, prefix)
		if err == nil {
			return ks, nil
		}
		f.fail(from, err)
	}
	return nil, &Error{Name: prefix, What: "key discovery", Attempts: f.attempts}
}

// images renders the matching ac-discovery templates of a page in order,
// dropping duplicates; the error says why none was usable.
func images(tags []Tag, app App) ([]Endpoint, error) {
	var eps []Endpoint
	var others, why []string
	for _, t := range tags {
		switch {
		case t.Kind != metaDiscovery:
		case !MatchPrefix(t.Prefix, app.Name):
			others = append(others, t.Prefix)
		default:
			ep, err := endpoint(t.URL, app)
			if err != nil {
				why = append(why, quote(t.URL)+": "+err.Error())
			} else if !hasEndpoint(eps, ep) {
				eps = append(eps, ep)
			}
		}
	}
	return eps, noneError(len(eps) > 0, metaDiscovery, others, why)
}

// keys lists the URLs of the matching ac-discovery-pubkeys tags of a page
// in order, dropping duplicates; they are URLs, not templates.
func keys(tags []Tag, name string) ([]string, error) {
	ks := []string{}
	var others, why []string
	for _, t := range tags {
		switch {
		case t.Kind != metaPubkeys:
		case !MatchPrefix(t.Prefix, name):
			others = append(others, t.Prefix)
		default:
			if err := CheckURL(t.URL); err != nil {
				why = append(why, err.Error())
			} else if !hasString(ks, t.URL) {
				ks = append(ks, t.URL)
			}
		}
	}
	return ks, noneError(len(ks) > 0, metaPubkeys, others, why)
}

// noneError explains a level that gave nothing of a kind: no tag covered
// the name, or the tags that did gave no usable URL.
func noneError(found bool, kind string, others, why []string) error {
	switch {
	case found:
		return nil
	case len(why) == 0:
		return &NoTagError{Kind: kind, Others: dedupe(others)}
	}
	return fmt.Errorf("%w in the matching %s tags: %s", ErrNoTemplate, kind, listCapped(why))
}

func hasEndpoint(eps []Endpoint, ep Endpoint) bool {
	for _, e := range eps {
		if e == ep {
			return true
		}
	}
	return false
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !hasString(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// listQuoted quotes page text for a message, at most a few items.
func listQuoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = quote(s)
	}
	return listCapped(q)
}

// listCapped joins reasons with ", ", keeping a message to one short line.
func listCapped(list []string) string {
	const max = 4
	if len(list) <= max {
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(list[:max], ", "), len(list)-max)
}
