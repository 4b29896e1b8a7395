// Package httpclient builds the one HTTP client every networked tool uses:
// HTTPS only unless plain HTTP is asked for, extra CA certificates from a
// file (SSL_CERT_FILE and SSL_CERT_DIR are honoured by Go for the system
// pool), certificate checks that can be turned off only explicitly, no
// redirect from https to http unless plain HTTP is allowed, connect and
// response-header timeouts, and a reader that fails a body which stalls.
package httpclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// ErrPlainHTTP is returned for an http:// URL or a redirect to one when
// plain HTTP has not been allowed.
var ErrPlainHTTP = errors.New("plain HTTP refused (use --insecure-allow-http to allow it)")

// ErrScheme is returned for a URL that is neither https nor http.
var ErrScheme = errors.New("unsupported URL scheme")

// ErrStalled is returned when a response body sends nothing for longer than
// the idle timeout.
var ErrStalled = errors.New("connection stalled")

// DefaultTimeout bounds connecting, the TLS handshake, waiting for response
// headers and any silence inside a body.
const DefaultTimeout = 30 * time.Second

// Options configure a client.
type Options struct {
	// CAFile names a PEM file of extra trusted CA certificates, added to the
	// system pool.
	CAFile string
	// InsecureSkipTLSVerify turns off certificate checks.
	InsecureSkipTLSVerify bool
	// AllowHTTP permits http:// URLs and redirects from https to http.
	AllowHTTP bool
	// Timeout bounds connect, handshake and response headers; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// UserAgent is sent with every request when set.
	UserAgent string
}

// Client is an *http.Client with the options it was built from.
type Client struct {
	*http.Client
	Options Options
}

// New builds a client from o.
func New(o Options) (*Client, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s: no PEM certificates found", o.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	if o.InsecureSkipTLSVerify {
		tlsConf.InsecureSkipVerify = true //nolint:gosec // asked for with --insecure-skip-tls-verify, which warns
	}
	dialer := &net.Dialer{Timeout: o.Timeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
		// Images are usually compressed already, and a transparent gunzip
		// would change the bytes a signature covers.
		DisableCompression: true,
	}
	c := &Client{Options: o}
	c.Client = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return fmt.Errorf("%s: stopped after 10 redirects", via[0].URL)
			}
			if err := CheckURL(req.URL, o.AllowHTTP); err != nil {
				return fmt.Errorf("redirect from %s to %s: %w", via[len(via)-1].URL.Redacted(), req.URL.Redacted(), err)
			}
			return nil
		},
	}
	return c, nil
}

// CheckURL refuses schemes other than https, and http unless allowHTTP.
func CheckURL(u *url.URL, allowHTTP bool) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if allowHTTP {
			return nil
		}
		return ErrPlainHTTP
	default:
		return fmt.Errorf("%w %q", ErrScheme, u.Scheme)
	}
}

// Get sends a GET for rawURL with the given extra headers, after checking
// its scheme. The caller closes the body. Errors do not repeat the URL:
// the caller's message names it.
func (c *Client) Get(ctx context.Context, rawURL string, header http.Header) (*http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, cause(err)
	}
	if err := CheckURL(u, c.Options.AllowHTTP); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, cause(err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if c.Options.UserAgent != "" {
		req.Header.Set("User-Agent", c.Options.UserAgent)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, cause(err)
	}
	return resp, nil
}

// cause drops net/url's "Get \"URL\":" wrapping: callers name the URL
// their own way.
func cause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// IdleReader wraps a response body so that a read which gets nothing for
// longer than the timeout fails with ErrStalled instead of hanging: the
// body is closed from a timer, which unblocks the read.
func IdleReader(body io.ReadCloser, timeout time.Duration) io.ReadCloser {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	r := &idleReader{body: body, timeout: timeout}
	r.timer = time.AfterFunc(timeout, r.expire)
	return r
}

type idleReader struct {
	body    io.ReadCloser
	timeout time.Duration
	timer   *time.Timer
	mu      sync.Mutex
	stalled bool
}

func (r *idleReader) expire() {
	r.mu.Lock()
	r.stalled = true
	r.mu.Unlock()
	_ = r.body.Close() // unblocks the pending Read; the error is reported as ErrStalled
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.body.Read(p)
	r.mu.Lock()
	stalled := r.stalled
	r.mu.Unlock()
	if stalled {
		return n, fmt.Errorf("%w: nothing received for %s", ErrStalled, r.timeout)
	}
	if n > 0 {
		r.timer.Reset(r.timeout)
	}
	return n, err
}

func (r *idleReader) Close() error {
	r.timer.Stop()
	return r.body.Close()
}
