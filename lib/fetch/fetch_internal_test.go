package fetch

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/discovery"
	"github.com/intermodal/intermodal/lib/httpclient"
)

func TestMaxAge(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"":                          -1,
		"max-age=60":                time.Minute,
		"public, max-age=3600":      time.Hour,
		`max-age="10"`:              10 * time.Second,
		"max-age=60, no-cache":      -1,
		"no-store, max-age=60":      -1,
		"max-age=-5":                -1,
		"max-age=junk":              -1,
		"MAX-AGE=1":                 time.Second,
		"s-maxage=100, max-age=0":   0,
		"max-age=99999999999999999": 365 * 24 * time.Hour,
	} {
		h := http.Header{"Cache-Control": {in}}
		if got := maxAge(h); got != want {
			t.Errorf("maxAge(%q) = %v, want %v", in, got, want)
		}
	}
}

// A response that waited in a shared cache has used part of its max-age.
func TestMaxAgeMinusAge(t *testing.T) {
	h := http.Header{"Cache-Control": {"max-age=600"}, "Age": {"100"}}
	if got := maxAge(h); got != 500*time.Second {
		t.Errorf("max-age 600, Age 100: %v", got)
	}
	h.Set("Age", "900")
	if got := maxAge(h); got != 0 {
		t.Errorf("max-age 600, Age 900: %v", got)
	}
	h = http.Header{"Cache-Control": {"no-cache"}, "Age": {"5"}}
	if got := maxAge(h); got != -1 {
		t.Errorf("no-cache with Age: %v", got)
	}
}

func TestRangeStart(t *testing.T) {
	for in, want := range map[string]int64{"bytes 100-199/200": 100, "bytes 0-0/1": 0} {
		if got, ok := rangeStart(in); !ok || got != want {
			t.Errorf("rangeStart(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "bytes */200", "items 1-2/3", "bytes x-1/2"} {
		if _, ok := rangeStart(in); ok {
			t.Errorf("rangeStart(%q) accepted", in)
		}
	}
}

func TestRetryable(t *testing.T) {
	yes := []error{
		&StatusError{Code: 500}, &StatusError{Code: 503}, &StatusError{Code: 429},
		fmt.Errorf("read: %w", syscall.ECONNRESET), httpclient.ErrStalled, io.ErrUnexpectedEOF,
	}
	no := []error{
		&StatusError{Code: 404}, &StatusError{Code: 403},
		fmt.Errorf("x: %w", httpclient.ErrPlainHTTP), fmt.Errorf("x: %w", ErrTooLarge),
		fmt.Errorf("%w: %w", errWrite, syscall.ENOSPC), fmt.Errorf("x: %w", ErrMismatch),
		fmt.Errorf("x: %w", ErrCycle), errors.New("stopped after 10 redirects"),
	}
	for _, err := range yes {
		if !retryable(err) {
			t.Errorf("%v: not retried", err)
		}
	}
	for _, err := range no {
		if retryable(err) {
			t.Errorf("%v: retried", err)
		}
	}
}

func TestSignatureURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://x/app-1.aci":            "https://x/app-1.aci.asc",
		"https://x/c1/aci/x/latest/aci/": "https://x/c1/aci/x/latest/aci/.asc",
		"/tmp/app.aci":                   "/tmp/app.aci.asc",
		"/tmp/app.tar.gz":                "/tmp/app.tar.gz.asc",
	} {
		if got := signatureURL(in); got != want {
			t.Errorf("signatureURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParsePullPolicy(t *testing.T) {
	for s, want := range map[string]PullPolicy{"new": PullNew, "update": PullUpdate, "never": PullNever} {
		if got, err := ParsePullPolicy(s); err != nil || got != want {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
	if _, err := ParsePullPolicy("always"); err == nil {
		t.Error("always accepted")
	}
}

// The manifest must carry every asked label with the asked value; labels
// filled in from this machine (os, arch) only need to agree when present;
// version "latest" is never required of the manifest.
func TestWantMatch(t *testing.T) {
	m := &appc.ImageManifest{Name: "example.com/app", Labels: appc.Labels{{Name: "version", Value: "1.0"}, {Name: "os", Value: "linux"}}}
	ok := func(app discovery.App) error { return wantFromApp(app, nil).match(m, "sha512-x", 0) }
	if err := ok(discovery.App{Name: "example.com/app"}); err != nil {
		t.Errorf("no labels asked: %v", err)
	}
	if err := ok(discovery.App{Name: "example.com/app", Labels: map[string]string{"version": "1.0"}}); err != nil {
		t.Errorf("version asked: %v", err)
	}
	for _, bad := range []discovery.App{
		{Name: "example.com/ap"},
		{Name: "example.com/app", Labels: map[string]string{"version": "2.0"}},
		{Name: "example.com/app", Labels: map[string]string{"channel": "beta"}},
		{Name: "example.com/app", Labels: map[string]string{"os": "freebsd"}},
	} {
		if err := ok(bad); !errors.Is(err, ErrMismatch) {
			t.Errorf("%v: %v", bad, err)
		}
	}
	noarch := &appc.ImageManifest{Name: "example.com/app"}
	if err := wantFromApp(discovery.App{Name: "example.com/app"}, nil).match(noarch, "", 0); err != nil {
		t.Errorf("an image without os/arch labels fits any machine: %v", err)
	}
	w := wantFromApp(discovery.App{Name: "example.com/app"}, nil)
	w.id = "sha512-aa"
	if err := w.match(m, "sha512-bb", 0); !errors.Is(err, ErrMismatch) {
		t.Errorf("dependency ID: %v", err)
	}
}

func FuzzCacheHeaders(f *testing.F) {
	for _, s := range []string{"max-age=60", "no-cache", "bytes 1-2/3", `max-age="1"`, ",,=,", "bytes -1/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if age := maxAge(http.Header{"Cache-Control": {s}}); age < -1 {
			t.Fatalf("maxAge(%q) = %v", s, age)
		}
		if n, ok := rangeStart(s); ok && n < 0 {
			t.Fatalf("rangeStart(%q) = %d", s, n)
		}
	})
}
