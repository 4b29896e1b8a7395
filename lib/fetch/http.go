package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/intermodal/intermodal/lib/httpclient"
)

// StatusError is an HTTP response other than the one wanted.
type StatusError struct {
	URL    string
	Status string
	Code   int
}

func (e *StatusError) Error() string { return e.URL + ": " + e.Status }

// retryable says whether an error is worth another attempt: a 5xx or a
// 429, or a network failure (a reset, a cut or stalled body, a timeout).
// Anything else, a 4xx, a refused scheme, a bad certificate, a full disk,
// will fail the same way again.
func retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code >= 500 || se.Code == http.StatusTooManyRequests
	}
	return networkError(err)
}

// networkError recognises failures of the connection itself.
func networkError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, errWrite) {
		return false
	}
	var cv *tls.CertificateVerificationError
	var rec tls.RecordHeaderError
	if errors.As(err, &cv) || errors.As(err, &rec) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, httpclient.ErrStalled) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		strings.HasPrefix(err.Error(), "http2: ") // the bundled HTTP/2 errors are unexported
}

// errWrite marks a failure to write the download locally: never retried,
// since the file's offset can no longer be trusted.
var errWrite = errors.New("writing the download")

// backoff sleeps before attempt n (1-based), doubling from the base delay,
// or returns early when ctx ends.
func (f *fetcher) backoff(ctx context.Context, n int) error {
	d := f.o.RetryDelay << (n - 1)
	if d > 30*time.Second {
		d = 30 * time.Second
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// getSmall fetches a small document (a signature) with retries. A 202
// answer is returned as accepted=true with no body, for the caller to come
// back later, as rkt did for registries that sign on demand.
func (f *fetcher) getSmall(ctx context.Context, url string, limit int64) (body []byte, accepted bool, err error) {
	for attempt := 0; ; attempt++ {
		body, accepted, err = f.getSmallOnce(ctx, url, limit)
		if err == nil || !retryable(err) || attempt >= f.o.Retries {
			return body, accepted, err
		}
		f.warn(fmt.Sprintf("%v; retrying", err))
		if berr := f.backoff(ctx, attempt+1); berr != nil {
			return nil, false, err
		}
	}
}

func (f *fetcher) getSmallOnce(ctx context.Context, url string, limit int64) ([]byte, bool, error) {
	resp, err := f.o.Client.Get(ctx, url, nil)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", url, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusAccepted:
		return nil, true, nil
	default:
		return nil, false, &StatusError{URL: url, Status: resp.Status, Code: resp.StatusCode}
	}
	body := httpclient.IdleReader(resp.Body, f.o.IdleTimeout)
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", url, err)
	}
	if int64(len(data)) > limit {
		return nil, false, fmt.Errorf("%s: %w: larger than %d bytes", url, ErrTooLarge, limit)
	}
	return data, false, nil
}

// download is one image transfer into a file.
type download struct {
	url     string
	etag    string // sent as If-None-Match when set
	file    *os.File
	sink    func(p []byte) // sees every byte in order, once; reset on restart
	restart func() error   // the server ignored our Range: start over
	max     int64

	// Results.
	n           int64
	notModified bool
	respETag    string
	maxAge      time.Duration // -1: not cacheable
}

// fetchImage downloads d.url into d.file, resuming with Range after a cut
// connection and retrying with backoff on 5xx and network errors.
func (f *fetcher) fetchImage(ctx context.Context, d *download) error {
	for attempt := 0; ; attempt++ {
		err := f.fetchImageOnce(ctx, d)
		if err == nil || !retryable(err) || attempt >= f.o.Retries {
			return err
		}
		if d.n > 0 {
			f.warn(fmt.Sprintf("%v; resuming at byte %d", err, d.n))
		} else {
			f.warn(fmt.Sprintf("%v; retrying", err))
		}
		if berr := f.backoff(ctx, attempt+1); berr != nil {
			return err
		}
	}
}

func (f *fetcher) fetchImageOnce(ctx context.Context, d *download) error {
	h := http.Header{}
	if d.etag != "" && d.n == 0 {
		h.Set("If-None-Match", d.etag)
	}
	if d.n > 0 && (d.respETag == "" || strings.HasPrefix(d.respETag, "W/")) {
		// Without a strong validator a resumed body could belong to a
		// changed file: start over rather than splice two versions.
		if err := d.reset(); err != nil {
			return err
		}
	}
	if d.n > 0 {
		h.Set("Range", fmt.Sprintf("bytes=%d-", d.n))
		h.Set("If-Range", d.respETag)
	}
	resp, err := f.o.Client.Get(ctx, d.url, h)
	if err != nil {
		return fmt.Errorf("%s: %w", d.url, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		if d.etag == "" {
			return &StatusError{URL: d.url, Status: resp.Status, Code: resp.StatusCode}
		}
		d.notModified = true
		d.maxAge = maxAge(resp.Header)
		return nil
	case http.StatusOK:
		if d.n > 0 { // no resume offered: from the start again
			if err := d.reset(); err != nil {
				return err
			}
		}
		d.respETag = resp.Header.Get("ETag")
		d.maxAge = maxAge(resp.Header)
	case http.StatusPartialContent:
		start, ok := rangeStart(resp.Header.Get("Content-Range"))
		if !ok || start != d.n {
			return fmt.Errorf("%s: resumed at byte %d, not %d as asked", d.url, start, d.n)
		}
	case http.StatusRequestedRangeNotSatisfiable:
		if err := d.reset(); err != nil {
			return err
		}
		return &StatusError{URL: d.url, Status: resp.Status, Code: http.StatusServiceUnavailable} // try again from 0
	case http.StatusAccepted:
		return &StatusError{URL: d.url, Status: resp.Status + " (image not ready)", Code: http.StatusServiceUnavailable}
	default:
		return &StatusError{URL: d.url, Status: resp.Status, Code: resp.StatusCode}
	}
	want := int64(-1)
	if resp.ContentLength >= 0 {
		want = d.n + resp.ContentLength
		if d.max > 0 && want > d.max {
			return fmt.Errorf("%s: %w: %d bytes announced, the limit is %d", d.url, ErrTooLarge, want, d.max)
		}
	}
	body := httpclient.IdleReader(resp.Body, f.o.IdleTimeout)
	defer body.Close()
	buf := make([]byte, 256<<10)
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			if d.max > 0 && d.n+int64(n) > d.max {
				return fmt.Errorf("%s: %w: more than %d bytes", d.url, ErrTooLarge, d.max)
			}
			if _, err := d.file.WriteAt(buf[:n], d.n); err != nil {
				return fmt.Errorf("%w: %w", errWrite, err)
			}
			d.sink(buf[:n])
			d.n += int64(n)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if errors.Is(rerr, io.ErrUnexpectedEOF) && want >= 0 {
				return fmt.Errorf("%s: connection closed after %d of the %d bytes Content-Length announced: %w", d.url, d.n, want, rerr)
			}
			return fmt.Errorf("%s: after %d bytes: %w", d.url, d.n, rerr)
		}
	}
	if want >= 0 && d.n != want {
		return fmt.Errorf("%s: got %d bytes, Content-Length said %d", d.url, d.n, want)
	}
	return nil
}

func (d *download) reset() error {
	if err := d.file.Truncate(0); err != nil {
		return fmt.Errorf("restarting the download: %w", err)
	}
	if _, err := d.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("restarting the download: %w", err)
	}
	d.n = 0
	return d.restart()
}

func rangeStart(cr string) (int64, bool) {
	rest, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return 0, false
	}
	first, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(first, 10, 64)
	return n, err == nil
}

// maxCacheAge caps max-age at a year, in seconds, as RFC 9111 suggests
// caches may (2^31 seconds is its largest meaningful value).
const maxCacheAge = 365 * 24 * 3600

// maxAge reads Cache-Control: the max-age to keep using a download without
// asking again, or -1 when the response must be revalidated every time.
func maxAge(h http.Header) (age time.Duration) {
	age = time.Duration(-1)
	defer func() {
		// A response that waited in a shared cache has used up part of
		// its max-age already (RFC 9111 4.2.3).
		if n, err := strconv.ParseInt(strings.TrimSpace(h.Get("Age")), 10, 64); err == nil && n > 0 && age >= 0 {
			age = max(0, age-time.Duration(min(n, maxCacheAge))*time.Second)
		}
	}()
	for _, part := range strings.Split(h.Get("Cache-Control"), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(strings.ToLower(part)), "=")
		switch k {
		case "no-cache", "no-store":
			return -1
		case "max-age":
			if n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64); err == nil && n >= 0 {
				age = time.Duration(min(n, maxCacheAge)) * time.Second
			}
		}
	}
	return age
}
