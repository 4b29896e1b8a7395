package discovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/intermodal/intermodal/lib/httpclient"
)

// DefaultMaxPageSize caps a discovery page when Options.MaxPageSize is 0.
// Real pages are a few hundred bytes.
const DefaultMaxPageSize = 1 << 20

// ErrPageTooLarge is returned for a discovery page over the size cap.
var ErrPageTooLarge = errors.New("discovery page too large")

// StatusError is a response other than 200 OK.
type StatusError struct{ Code int }

func (e *StatusError) Error() string {
	if t := http.StatusText(e.Code); t != "" {
		return fmt.Sprintf("%d %s", e.Code, t)
	}
	return fmt.Sprintf("HTTP status %d", e.Code)
}

// TimeoutError says a page did not arrive in full within the timeout.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within %s", e.After)
}

// Unwrap lets errors.Is(err, context.DeadlineExceeded) hold.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// pageURL is the discovery URL of a name prefix: scheme://prefix with the
// query replaced by ac-discovery=1 and the port added when one is given.
func pageURL(scheme, prefix string, port int) string {
	host, path, _ := strings.Cut(prefix, "/")
	if port != 0 {
		host = net.JoinHostPort(host, strconv.Itoa(port))
	}
	u := url.URL{Scheme: scheme, Host: host, RawQuery: "ac-discovery=1"}
	if path != "" {
		u.Path = "/" + path
	}
	return u.String()
}

// levels lists a name and its parent prefixes, longest first:
// a.com/p/s, a.com/p, a.com.
func levels(name string) []string {
	out := []string{name}
	for i := strings.LastIndexByte(name, '/'); i > 0; i = strings.LastIndexByte(name, '/') {
		name = name[:i]
		out = append(out, name)
	}
	return out
}

// fetcher gets discovery pages and remembers every failure.
type fetcher struct {
	o        Options
	timeout  time.Duration
	attempts []Attempt
}

func newFetcher(o Options) (*fetcher, error) {
	if o.Client == nil {
		c, err := httpclient.New(httpclient.Options{AllowHTTP: o.InsecureHTTP})
		if err != nil {
			return nil, err
		}
		o.Client = c
	}
	if o.MaxPageSize <= 0 {
		o.MaxPageSize = DefaultMaxPageSize
	}
	t := o.Client.Options.Timeout
	if t <= 0 {
		t = httpclient.DefaultTimeout
	}
	return &fetcher{o: o, timeout: t}, nil
}

// page fetches the discovery page of one level, over HTTPS and then, when
// plain HTTP is allowed and HTTPS failed, over HTTP. It returns the page's
// tags and the URL that gave them; ok is false when no request succeeded.
func (f *fetcher) page(ctx context.Context, prefix string) (tags []Tag, from string, ok bool) {
	schemes := []string{"https"}
	if f.o.InsecureHTTP {
		schemes = append(schemes, "http")
	}
	for _, scheme := range schemes {
		u := pageURL(scheme, prefix, f.o.Port)
		data, err := f.get(ctx, u)
		if f.o.Observe != nil {
			f.o.Observe(Attempt{URL: u, Err: err})
		}
		if err == nil {
			return ParseTags(data), u, true
		}
		f.fail(u, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, "", false
}

func (f *fetcher) fail(u string, err error) {
	f.attempts = append(f.attempts, Attempt{URL: u, Err: err})
}

// get reads one page within the timeout, from connecting to the last byte.
func (f *fetcher) get(ctx context.Context, u string) ([]byte, error) {
	pctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	data, err := f.read(pctx, u)
	if err != nil && ctx.Err() == nil && errors.Is(pctx.Err(), context.DeadlineExceeded) {
		return nil, &TimeoutError{After: f.timeout}
	}
	return data, err
}

func (f *fetcher) read(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if err := httpclient.CheckURL(u, f.o.Client.Options.AllowHTTP); err != nil {
		return nil, err
	}
	resp, err := f.o.Client.Get(ctx, rawURL, http.Header{"Accept": {"text/html"}})
	if err != nil {
		return nil, cause(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{Code: resp.StatusCode}
	}
	max := f.o.MaxPageSize
	if resp.ContentLength > max {
		return nil, tooLarge(max)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading the page: %w", cause(err))
	}
	if int64(len(data)) > max {
		return nil, tooLarge(max)
	}
	return data, nil
}

// cause drops the "Get URL:" wrapping of net/http, since every message
// names the URL already.
func cause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func tooLarge(max int64) error {
	return fmt.Errorf("%w: over the %s limit", ErrPageTooLarge, formatSize(max))
}

// formatSize writes a byte count the way people set it: 1 MiB, 64 KiB.
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}
