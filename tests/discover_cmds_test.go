package tests

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() { extraCmds["discoveryserver"] = cmdDiscoveryServer }

// cmdDiscoveryServer starts an in-process web server for the rest of the
// script, serving the script's files as an appc publisher would:
//
//	discoveryserver [-http] [-env NAME] [DIR]
//
// DIR (default www) is relative to $WORK. A request whose query is
// ac-discovery=1 gets DIR/<path>/index.html (the discovery page of that
// name prefix; / is DIR/index.html); any other request gets the regular
// file DIR/<path>, with an ETag (a hash of the content), Last-Modified and
// Range support through http.ServeContent. Anything else, directories and
// paths escaping DIR included, is 404. Discovery pages, and only they, have
// every ${VAR} naming a variable of the script's environment at start (or
// one set here) replaced by its value, so a page can name the server's own
// URL: <meta name="ac-discovery" content="127.0.0.1 ${SERVER_URL}/{name}.{ext}">.
//
// The server is HTTPS (httptest's certificate, valid for 127.0.0.1), or
// plain HTTP with -http. It sets NAME_URL (https://127.0.0.1:PORT),
// NAME_HOST (127.0.0.1:PORT) and NAME_PORT, where NAME is SERVER by
// default and HTTP_SERVER with -http. An HTTPS server writes its
// certificate as a PEM CA file to $WORK/NAME.ca.pem and sets NAME_CA_FILE
// and, for the first one started, CA_FILE. Each request is appended to
// $WORK/NAME.log as "GET /path?query" when it arrives. The server stops when
// the script ends.
func cmdDiscoveryServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! discoveryserver")
	}
	fs := flag.NewFlagSet("discoveryserver", flag.ContinueOnError)
	plain := fs.Bool("http", false, "plain HTTP")
	envName := fs.String("env", "", "environment variable prefix")
	if err := fs.Parse(args); err != nil || fs.NArg() > 1 {
		ts.Fatalf("usage: discoveryserver [-http] [-env NAME] [DIR]")
	}
	name := *envName
	if name == "" {
		name = map[bool]string{false: "SERVER", true: "HTTP_SERVER"}[*plain]
	}
	dir := "www"
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	pub := &publisher{root: ts.MkAbs(dir), log: ts.MkAbs(name + ".log"), vars: scriptEnv(ts)}
	srv := httptest.NewUnstartedServer(pub)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are what some scripts test
	if *plain {
		srv.Start()
	} else {
		srv.StartTLS()
	}
	ts.Defer(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	set := func(k, v string) {
		ts.Setenv(k, v)
		pub.vars[k] = v
	}
	set(name+"_URL", srv.URL)
	set(name+"_HOST", srv.Listener.Addr().String())
	set(name+"_PORT", port)
	if !*plain {
		ca := ts.MkAbs(name + ".ca.pem")
		pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		ts.Check(os.WriteFile(ca, pemData, 0o644))
		set(name+"_CA_FILE", ca)
		if ts.Getenv("CA_FILE") == "" {
			set("CA_FILE", ca)
		}
	}
}

// scriptEnv snapshots the script's environment for ${VAR} in pages: the
// server's goroutines must not call into ts.
func scriptEnv(ts *testscript.TestScript) map[string]string {
	vars := map[string]string{}
	for _, k := range []string{"WORK", "HOME", "TMPDIR", "SERVER_URL", "SERVER_HOST", "SERVER_PORT", "HTTP_SERVER_URL", "HTTP_SERVER_HOST", "HTTP_SERVER_PORT", "CA_FILE"} {
		if v := ts.Getenv(k); v != "" {
			vars[k] = v
		}
	}
	return vars
}

// publisher serves a directory as described for cmdDiscoveryServer.
type publisher struct {
	root, log string
	mu        sync.Mutex
	vars      map[string]string
}

var varRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

func (p *publisher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.record(r)
	clean := path.Clean("/" + r.URL.Path)
	if r.URL.RawQuery == "ac-discovery=1" {
		p.servePage(w, r, filepath.Join(p.root, filepath.FromSlash(clean), "index.html"))
		return
	}
	p.serveFile(w, r, filepath.Join(p.root, filepath.FromSlash(clean)))
}

func (p *publisher) record(r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, err := os.OpenFile(p.log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s %s\n", r.Method, r.URL.RequestURI())
}

func (p *publisher) servePage(w http.ResponseWriter, r *http.Request, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	page := varRE.ReplaceAllStringFunc(string(data), func(m string) string {
		if v, ok := p.vars[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
	p.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, page)
}

func (p *publisher) serveFile(w http.ResponseWriter, r *http.Request, file string) {
	f, err := os.Open(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("ETag", `"`+hex.EncodeToString(h.Sum(nil))[:32]+`"`)
	http.ServeContent(w, r, "", st.ModTime().Truncate(time.Second), f)
}

// TestPublisher checks the discoveryserver handler that other scripts
// rely on: page expansion, files with ETag and Range, and 404s.
func TestPublisher(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "app"), 0o755))
	must(os.WriteFile(filepath.Join(root, "app", "index.html"), []byte(`<meta content="x ${SERVER_URL}/{ext} ${NOPE}">`), 0o644))
	must(os.WriteFile(filepath.Join(root, "app", "x.aci"), []byte("0123456789"), 0o644))
	p := &publisher{root: root, log: filepath.Join(root, "log"), vars: map[string]string{"SERVER_URL": "https://h:1"}}
	get := func(target string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", target, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		return w
	}
	if w := get("/app?ac-discovery=1"); w.Code != 200 || w.Body.String() != `<meta content="x https://h:1/{ext} ${NOPE}">` {
		t.Errorf("page: %d %q", w.Code, w.Body.String())
	}
	w := get("/app/x.aci")
	etag := w.Header().Get("ETag")
	if w.Code != 200 || w.Body.String() != "0123456789" || etag == "" {
		t.Errorf("file: %d %q etag %q", w.Code, w.Body.String(), etag)
	}
	if w := get("/app/x.aci", "If-None-Match", etag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", w.Code)
	}
	if w := get("/app/x.aci", "Range", "bytes=4-"); w.Code != http.StatusPartialContent || w.Body.String() != "456789" {
		t.Errorf("Range: %d %q", w.Code, w.Body.String())
	}
	for _, target := range []string{"/app", "/app/", "/?ac-discovery=1", "/../../etc/passwd", "/app/x.aci?ac-discovery=1"} {
		if w := get(target); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", target, w.Code)
		}
	}
	logData, _ := os.ReadFile(p.log)
	if !strings.HasPrefix(string(logData), "GET /app?ac-discovery=1\nGET /app/x.aci\n") {
		t.Errorf("log %q", logData)
	}
}
