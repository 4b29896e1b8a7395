package discovery

import (
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/httpclient"
)

// site is a discovery server for tests: pages maps a request path to the
// HTML served for ?ac-discovery=1 there (missing paths are 404), unless
// handle takes the request first. It records every path asked for.
type site struct {
	t      *testing.T
	srv    *httptest.Server
	pages  map[string]string
	handle func(w http.ResponseWriter, r *http.Request) bool
	mu     sync.Mutex
	paths  []string
}

func newSite(t *testing.T, pages map[string]string) *site {
	s := &site{t: t, pages: pages}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes that tests make fail on purpose
	s.srv.StartTLS()
	t.Cleanup(s.srv.Close)
	return s
}

// newPlainSite is a site over plain HTTP.
func newPlainSite(t *testing.T, pages map[string]string) *site {
	s := &site{t: t, pages: pages}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.Path)
	s.mu.Unlock()
	if s.handle != nil && s.handle(w, r) {
		return
	}
	page, ok := s.pages[r.URL.Path]
	if !ok || r.URL.RawQuery != "ac-discovery=1" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(page))
}

func (s *site) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.paths...)
}

// port is the site's port, for Options.Port.
func (s *site) port() int {
	_, p, _ := net.SplitHostPort(s.srv.Listener.Addr().String())
	n, _ := strconv.Atoi(p)
	return n
}

// base is the site's origin, https://127.0.0.1:PORT.
func (s *site) base() string { return s.srv.URL }

// caFile writes the test server's certificate as a PEM CA file.
func caFile(t *testing.T, srv *httptest.Server) string {
	p := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// opts gives Options that trust the site's certificate and talk to its
// port; more adjusts the client options.
func (s *site) opts(more ...func(*httpclient.Options)) Options {
	s.t.Helper()
	co := httpclient.Options{Timeout: 5 * time.Second}
	if s.srv.TLS != nil {
		co.CAFile = caFile(s.t, s.srv)
	}
	for _, f := range more {
		f(&co)
	}
	c, err := httpclient.New(co)
	if err != nil {
		s.t.Fatal(err)
	}
	return Options{Client: c, Port: s.port()}
}

// meta writes discovery meta tags: kind, then "prefix url" pairs.
func meta(kind string, contents ...string) string {
	var b strings.Builder
	for _, c := range contents {
		b.WriteString(`<meta name="` + kind + `" content="` + c + `">` + "\n")
	}
	return b.String()
}

func page(body ...string) string {
	return "<!DOCTYPE html>\n<html><head>\n" + strings.Join(body, "") + "</head><body></body></html>\n"
}
