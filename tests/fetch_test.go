package tests

// End-to-end tests of aci-fetch (with aci-discover, aci-trust and
// aci-store) against a real TLS server, with signatures made by real gpg.
// Every failure case checks the exit status, a one-line error, and that
// the store is byte-for-byte what it was.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/store"
	"github.com/intermodal/intermodal/lib/testenv"
)

// fetchEnv is one test's world: a gpg home with signing keys, a TLS server
// publishing images, a trust dir and a store.
type fetchEnv struct {
	t       *testing.T
	bin     string
	work    string
	gnupg   string
	srv     *httptest.Server
	host    string // 127.0.0.1
	port    string
	caFile  string
	store   string
	trust   string
	mu      sync.Mutex
	files   map[string][]byte                                                         // path -> body
	faults  map[string]func(w http.ResponseWriter, r *http.Request, body []byte) bool // true: handled
	hits    map[string]int                                                            // path -> requests
	headers map[string]http.Header                                                    // path -> extra response headers
	log     []string                                                                  // "METHOD path range" per request
}

func newFetchEnv(t *testing.T) *fetchEnv {
	t.Helper()
	bin := binDir(t)
	testenv.LookPath(t, "gpg")
	e := &fetchEnv{t: t, bin: bin, work: t.TempDir(), files: map[string][]byte{},
		faults: map[string]func(http.ResponseWriter, *http.Request, []byte) bool{},
		hits:   map[string]int{}, headers: map[string]http.Header{}}
	e.store = filepath.Join(e.work, "store")
	e.trust = filepath.Join(e.work, "trust")
	// A short GNUPGHOME: the agent's socket path is limited to ~100 bytes.
	g, err := os.MkdirTemp("", "g")
	if err != nil {
		t.Fatal(err)
	}
	e.gnupg = g
	t.Cleanup(func() {
		exec.Command("gpgconf", "--homedir", g, "--kill", "gpg-agent").Run() //nolint:errcheck // best effort
		os.RemoveAll(g)
	})
	// The store exists, as it would on a machine in use, so "unchanged"
	// after a failure is about its content.
	if _, err := store.Open(e.store, true); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewTLSServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	e.host, e.port, _ = strings.Cut(strings.TrimPrefix(e.srv.URL, "https://"), ":")
	e.caFile = filepath.Join(e.work, "ca.pem")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.srv.Certificate().Raw})
	if err := os.WriteFile(e.caFile, pemData, 0o644); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *fetchEnv) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if r.URL.RawQuery == "ac-discovery=1" {
		path += "?ac-discovery=1"
	}
	e.mu.Lock()
	e.hits[path]++
	e.log = append(e.log, fmt.Sprintf("%s %s %s", r.Method, path, r.Header.Get("Range")))
	body, ok := e.files[path]
	fault := e.faults[path]
	for k, vs := range e.headers[path] {
		w.Header()[k] = vs
	}
	e.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if fault != nil && fault(w, r, body) {
		return
	}
	if w.Header().Get("ETag") == "" {
		sum := sha256.Sum256(body)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func (e *fetchEnv) put(path string, body []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.files[path] = body
}

func (e *fetchEnv) fault(path string, f func(w http.ResponseWriter, r *http.Request, body []byte) bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults[path] = f
}

func (e *fetchEnv) hitsOf(path string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hits[path]
}

// gpg runs gpg in the test's home.
func (e *fetchEnv) gpg(args ...string) string {
	e.t.Helper()
	cmd := exec.Command("gpg", append([]string{"--homedir", e.gnupg, "--batch", "--yes", "--passphrase", "", "--pinentry-mode", "loopback"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("gpg %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

// key makes a signing key for uid and returns its armored public key file.
func (e *fetchEnv) key(uid string) string {
	e.t.Helper()
	e.gpg("--quick-gen-key", uid, "ed25519", "sign", "never")
	path := filepath.Join(e.work, strings.ReplaceAll(uid, " ", "_")+".pub.asc")
	if err := os.WriteFile(path, []byte(e.gpg("--armor", "--export", uid)), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return path
}

// sign returns an armored detached signature of data by uid.
func (e *fetchEnv) sign(uid string, data []byte) []byte {
	e.t.Helper()
	in := filepath.Join(e.work, "tosign")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
	out := in + ".asc"
	e.gpg("--local-user", uid, "--armor", "--detach-sign", "--output", out, in)
	sig, err := os.ReadFile(out)
	if err != nil {
		e.t.Fatal(err)
	}
	return sig
}

// image packs an image with aci-pack: name, version label, the host's
// os/arch labels, optional dependencies JSON and a payload file.
func (e *fetchEnv) image(name, version, deps string, payload []byte) []byte {
	e.t.Helper()
	dir, err := os.MkdirTemp(e.work, "img")
	if err != nil {
		e.t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rootfs", "payload"), payload, 0o644); err != nil {
		e.t.Fatal(err)
	}
	m := fmt.Sprintf(`{"acKind":"ImageManifest","acVersion":"0.8.11","name":%q,"labels":[{"name":"version","value":%q},{"name":"os","value":"linux"},{"name":"arch","value":%q}]%s}`,
		name, version, hostArch(), deps)
	if err := os.WriteFile(filepath.Join(dir, "manifest"), []byte(m), 0o644); err != nil {
		e.t.Fatal(err)
	}
	out := filepath.Join(dir, "out.aci")
	e.mustRun("aci-pack", "-o", out, dir)
	data, err := os.ReadFile(out)
	if err != nil {
		e.t.Fatal(err)
	}
	return data
}

// publish serves image data for name:version, signed by uid (unless ""),
// and the discovery page for name.
func (e *fetchEnv) publish(name, version string, data []byte, uid string) (aciPath string) {
	e.t.Helper()
	base := fmt.Sprintf("/images/%s-%s-linux-%s", name, version, hostArch())
	e.put(base+".aci", data)
	if uid != "" {
		e.put(base+".aci.asc", e.sign(uid, data))
	}
	e.discoveryPage(name)
	return base + ".aci"
}

func (e *fetchEnv) discoveryPage(name string) {
	_, rest, _ := strings.Cut(name, "/")
	page := fmt.Sprintf(`<html><head>
<meta name="ac-discovery" content="%s https://%s:%s/images/{name}-{version}-{os}-{arch}.{ext}">
<meta name="ac-discovery-pubkeys" content="%s https://%s:%s/pubkeys.gpg">
</head></html>`, name, e.host, e.port, name, e.host, e.port)
	e.put("/"+rest+"?ac-discovery=1", []byte(page))
}

func (e *fetchEnv) url(path string) string { return e.srv.URL + path }

// trustKey trusts a public key file for prefix with the real aci-trust.
func (e *fetchEnv) trustKey(prefix, pubFile string) {
	e.t.Helper()
	e.mustRun("aci-trust", "add", "--yes", "--prefix", prefix, pubFile)
}

type runResult struct {
	stdout, stderr string
	code           int
}

func (e *fetchEnv) run(tool string, args ...string) runResult {
	e.t.Helper()
	cmd := exec.Command(filepath.Join(e.bin, tool), args...)
	cmd.Env = append(os.Environ(),
		"INTERMODAL_STORE="+e.store, "INTERMODAL_TRUST_DIR="+e.trust,
		"INTERMODAL_VENDOR_TRUST_DIR="+filepath.Join(e.work, "no-vendor"), "HOME="+e.work)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("%s: %v", tool, err)
	}
	return runResult{out.String(), errb.String(), code}
}

func (e *fetchEnv) mustRun(tool string, args ...string) string {
	e.t.Helper()
	r := e.run(tool, args...)
	if r.code != 0 {
		e.t.Fatalf("%s %v: exit %d\n%s", tool, args, r.code, r.stderr)
	}
	return r.stdout
}

// fetch runs aci-fetch against the test server with quick retries.
func (e *fetchEnv) fetch(args ...string) runResult {
	e.t.Helper()
	base := []string{"--ca-file", e.caFile, "--port", e.port, "--retry-delay", "10ms", "--retries", "2"}
	return e.run("aci-fetch", append(base, args...)...)
}

// fails asserts a failed fetch: exit 1, one line on stderr naming want,
// and the store as it was.
func (e *fetchEnv) fails(r runResult, want string, before map[string]string) {
	e.t.Helper()
	if r.code != 1 {
		e.t.Fatalf("exit %d, want 1; stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "aci-fetch: ") || !strings.Contains(last, want) {
		e.t.Fatalf("error line %q does not say %q (stderr %q)", last, want, r.stderr)
	}
	e.t.Logf("%s", last)
	if r.stdout != "" {
		e.t.Fatalf("stdout %q on failure", r.stdout)
	}
	if after := snapshot(e.t, e.store); !equalSnap(before, after) {
		e.t.Fatalf("store changed by a failed fetch:\nbefore %v\nafter  %v", before, after)
	}
}

// snapshot maps every file of the store outside tmp/ to its content hash.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return filepath.SkipDir
			}
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "tmp" || rel == "lock" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			out[rel] = hex.EncodeToString(sum[:8])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalSnap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// verifyStore checks every image in the store against its ID and every
// ref against an existing image, through the library.
func verifyStore(t *testing.T, dir string) int {
	t.Helper()
	s, err := store.Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := s.IDs()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := s.Verify(id); err != nil {
			t.Fatalf("store verify: %v", err)
		}
	}
	refs, err := s.Refs()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range refs {
		if !s.Has(r.ID) {
			t.Fatalf("ref %s points at missing %s", r.Name, r.ID)
		}
	}
	return len(ids)
}

func hostArch() string {
	out, _ := exec.Command("uname", "-m").Output()
	switch strings.TrimSpace(string(out)) {
	case "x86_64":
		return "amd64"
	case "aarch64":
		return "aarch64"
	case "i686", "i386":
		return "i386"
	}
	return strings.TrimSpace(string(out))
}

func aciID(t *testing.T, data []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "x.aci")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(binDirMust(t), "aci-id"), f).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(out))[0]
}

func binDirMust(t *testing.T) string { return binDir(t) }

const app = "127.0.0.1/app"

// setup publishes app:1.0 signed by a trusted key.
func setup(t *testing.T) (*fetchEnv, []byte) {
	e := newFetchEnv(t)
	pub := e.key("Signer <signer@example.com>")
	e.trustKey(app, pub)
	data := e.image(app, "1.0", "", []byte("hello"))
	e.publish(app, "1.0", data, "signer@example.com")
	return e, data
}

func TestFetchByName(t *testing.T) {
	e, data := setup(t)
	r := e.fetch(app + ":1.0")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	if want := aciID(t, data); id != want {
		t.Fatalf("printed %q, aci-id says %q", id, want)
	}
	if n := verifyStore(t, e.store); n != 1 {
		t.Fatalf("%d images stored", n)
	}
	stored, err := os.ReadFile(filepath.Join(e.store, "images", id, "image"))
	if err != nil || !bytes.Equal(stored, data) {
		t.Fatalf("stored blob is not the fetched file: %v", err)
	}
	// new: answered from the store, without the network.
	before := e.hitsOf(e.publishPath(app, "1.0"))
	if r := e.fetch("--pull-policy", "new", app+":1.0"); r.code != 0 || strings.TrimSpace(r.stdout) != id {
		t.Fatalf("pull-policy new: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if e.hitsOf(e.publishPath(app, "1.0")) != before {
		t.Fatal("pull-policy new went to the network for a stored image")
	}
	// never: an unknown name fails, a stored one works with the server gone.
	snap := snapshot(t, e.store)
	e.fails(e.fetch("--pull-policy", "never", app+":2.0"), "not in the store", snap)
}

func (e *fetchEnv) publishPath(name, version string) string {
	return fmt.Sprintf("/images/%s-%s-linux-%s.aci", name, version, hostArch())
}

func TestFetchFromDiscoveryJSONAndURL(t *testing.T) {
	e, data := setup(t)
	out := e.mustRun("aci-discover", "--ca-file", e.caFile, "--port", e.port, "--json", app+":1.0")
	cmd := exec.Command(filepath.Join(e.bin, "aci-fetch"), "--ca-file", e.caFile, "-")
	cmd.Env = append(os.Environ(), "INTERMODAL_STORE="+e.store, "INTERMODAL_TRUST_DIR="+e.trust, "INTERMODAL_VENDOR_TRUST_DIR=/nonexistent")
	cmd.Stdin = strings.NewReader(out)
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("aci-fetch -: %v", err)
	}
	id := aciID(t, data)
	if strings.TrimSpace(string(got)) != id {
		t.Fatalf("from JSON: %q", got)
	}
	// By URL, with -o: the file written is byte-identical.
	dst := filepath.Join(e.work, "copy.aci")
	r := e.fetch("-o", dst, e.url(e.publishPath(app, "1.0")))
	if r.code != 0 || strings.TrimSpace(r.stdout) != id {
		t.Fatalf("by URL: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if got, _ := os.ReadFile(dst); !bytes.Equal(got, data) {
		t.Fatal("-o file differs from the published image")
	}
}

func TestFetchResumesACutConnection(t *testing.T) {
	e, _ := setup(t)
	big := make([]byte, 4<<20)
	rand.New(rand.NewSource(1)).Read(big)
	data := e.image(app, "2.0", "", big)
	p := e.publish(app, "2.0", data, "signer@example.com")
	var cut atomic.Bool
	e.fault(p, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if cut.Swap(true) {
			return false // later requests are served normally, Range and all
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Accept-Ranges", "bytes")
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2]) //nolint:errcheck // the client sees a cut body
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return true
	})
	r := e.fetch(app + ":2.0")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.TrimSpace(r.stdout) != aciID(t, data) {
		t.Fatalf("wrong ID %q", r.stdout)
	}
	e.mu.Lock()
	log := strings.Join(e.log, "\n")
	e.mu.Unlock()
	if !strings.Contains(log, "bytes=") {
		t.Fatalf("no Range request after the cut:\n%s", log)
	}
	verifyStore(t, e.store)
}

func TestFetchFailuresLeaveTheStoreAlone(t *testing.T) {
	e, _ := setup(t)
	// Something in the store first, so "unchanged" means something.
	if r := e.fetch(app + ":1.0"); r.code != 0 {
		t.Fatalf("seed fetch: %s", r.stderr)
	}
	other := e.key("Other <other@example.com>")
	_ = other

	payload := []byte("payload v3")
	v3 := e.image(app, "3.0", "", payload)
	p3 := e.publish(app, "3.0", v3, "signer@example.com")
	cases := []struct {
		name  string
		setup func()
		args  []string
		want  string
	}{
		{"content-length lies", func() {
			e.fault(p3, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)+1000))
				w.WriteHeader(http.StatusOK)
				w.Write(body) //nolint:errcheck // short on purpose
				return true
			})
		}, nil, "3.0"},
		{"stalled server", func() {
			e.fault(p3, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				w.WriteHeader(http.StatusOK)
				w.Write(body[:10]) //nolint:errcheck // then nothing
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
				return true
			})
		}, []string{"--timeout", "500ms", "--retries", "0"}, "stalled"},
		{"untrusted signer", func() {
			e.put(p3+".asc", e.sign("other@example.com", v3))
		}, nil, "not trusted"},
		{"tampered image", func() {
			bad := bytes.Clone(v3)
			bad[len(bad)/2] ^= 0xff
			e.put(p3, bad)
		}, nil, "signature"},
		{"404 signature", func() {
			e.mu.Lock()
			delete(e.files, p3+".asc")
			e.mu.Unlock()
		}, nil, "404"},
		{"https to http redirect", func() {
			e.fault(p3, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				http.Redirect(w, r, "http://"+e.host+":1"+r.URL.Path, http.StatusFound)
				return true
			})
		}, nil, "plain HTTP"},
		{"manifest name differs", func() {
			wrong := e.image("127.0.0.1/other", "3.0", "", payload)
			e.put(p3, wrong)
			e.put(p3+".asc", e.sign("signer@example.com", wrong))
		}, nil, "name"},
		{"label differs", func() {
			wrong := e.image(app, "3.1", "", payload)
			e.put(p3, wrong)
			e.put(p3+".asc", e.sign("signer@example.com", wrong))
		}, nil, "version"},
		{"decompression bomb over --max-size", func() {
			bomb := e.image(app, "3.0", "", make([]byte, 8<<20))
			e.put(p3, bomb)
			e.put(p3+".asc", e.sign("signer@example.com", bomb))
		}, []string{"--max-size", "1M"}, "size limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			e.put(p3, v3)
			e.put(p3+".asc", e.sign("signer@example.com", v3))
			e.fault(p3, nil)
			c.setup()
			before := snapshot(t, e.store)
			e.fails(e.fetch(append(c.args, app+":3.0")...), c.want, before)
		})
	}
}

func TestFetchSiblingPrefixKeyIsNotTrusted(t *testing.T) {
	e := newFetchEnv(t)
	pub := e.key("Etc <etc@example.com>")
	e.trustKey("127.0.0.1/etc", pub)
	data := e.image("127.0.0.1/etcd", "1.0", "", []byte("x"))
	e.publish("127.0.0.1/etcd", "1.0", data, "etc@example.com")
	before := snapshot(t, e.store)
	e.fails(e.fetch("127.0.0.1/etcd:1.0"), "not trusted", before)
}

func TestFetchDependencies(t *testing.T) {
	e, _ := setup(t)
	pub := e.key("Dep <dep@example.com>")
	e.trustKey("127.0.0.1/dep", pub)
	e.trustKey("127.0.0.1/a", pub)
	e.trustKey("127.0.0.1/b", pub)
	dep := e.image("127.0.0.1/dep", "1.0", "", []byte("dep"))
	e.publish("127.0.0.1/dep", "1.0", dep, "dep@example.com")
	depID := aciID(t, dep)
	labels := `"labels":[{"name":"version","value":"1.0"}]`

	t.Run("fetched and verified", func(t *testing.T) {
		e.t = t
		top := e.image("127.0.0.1/a", "1.0", fmt.Sprintf(`,"dependencies":[{"imageName":"127.0.0.1/dep","imageID":%q,%s}]`, depID, labels), []byte("a"))
		e.publish("127.0.0.1/a", "1.0", top, "dep@example.com")
		r := e.fetch("127.0.0.1/a:1.0")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		s, _ := store.Open(e.store, false)
		if !s.Has(depID) || !s.Has(strings.TrimSpace(r.stdout)) {
			t.Fatal("image or its dependency missing from the store")
		}
	})
	t.Run("dependency ID mismatch", func(t *testing.T) {
		e.t = t
		wrongID := "sha512-" + strings.Repeat("ab", 64)
		top := e.image("127.0.0.1/b", "1.0", fmt.Sprintf(`,"dependencies":[{"imageName":"127.0.0.1/dep","imageID":%q,%s}]`, wrongID, labels), []byte("b"))
		e.publish("127.0.0.1/b", "1.0", top, "dep@example.com")
		before := snapshot(t, e.store)
		e.fails(e.fetch("127.0.0.1/b:1.0"), "image ID", before)
	})
	t.Run("dependency cycle", func(t *testing.T) {
		e.t = t
		c1 := e.image("127.0.0.1/b", "2.0", `,"dependencies":[{"imageName":"127.0.0.1/a","labels":[{"name":"version","value":"2.0"}]}]`, []byte("c1"))
		c2 := e.image("127.0.0.1/a", "2.0", `,"dependencies":[{"imageName":"127.0.0.1/b","labels":[{"name":"version","value":"2.0"}]}]`, []byte("c2"))
		e.publish("127.0.0.1/b", "2.0", c1, "dep@example.com")
		e.publish("127.0.0.1/a", "2.0", c2, "dep@example.com")
		before := snapshot(t, e.store)
		e.fails(e.fetch("127.0.0.1/b:2.0"), "cycle", before)
	})
}

func TestFetchHTTPCaching(t *testing.T) {
	e, _ := setup(t)
	p := e.publishPath(app, "1.0")
	e.headers[p] = http.Header{"Cache-Control": {"max-age=3600"}}
	if r := e.fetch(app + ":1.0"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	n := e.hitsOf(p)
	if r := e.fetch(app + ":1.0"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if e.hitsOf(p) != n {
		t.Fatal("max-age not honoured: the image was requested again")
	}
	// Without max-age: revalidated with If-None-Match, answered 304.
	e.headers[p] = http.Header{"Cache-Control": {"no-cache"}}
	if r := e.fetch("--store", filepath.Join(e.work, "s2"), app+":1.0"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	var got304 atomic.Bool
	e.fault(p, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Header.Get("If-None-Match") != "" {
			got304.Store(true)
		}
		return false
	})
	if r := e.fetch("--store", filepath.Join(e.work, "s2"), app+":1.0"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if !got304.Load() {
		t.Fatal("no If-None-Match on a stale cached image")
	}
}

func TestFetchSignature202IsAskedAgain(t *testing.T) {
	e, data := setup(t)
	p := e.publishPath(app, "1.0")
	var n atomic.Int32
	e.fault(p+".asc", func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusAccepted)
			return true
		}
		return false
	})
	r := e.run("aci-fetch", "--ca-file", e.caFile, "--port", e.port, app+":1.0")
	if r.code != 0 || strings.TrimSpace(r.stdout) != aciID(t, data) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n.Load() < 2 {
		t.Fatal("signature not asked for again after 202")
	}
}

func TestEightConcurrentFetches(t *testing.T) {
	e, data := setup(t)
	want := aciID(t, data)
	var wg sync.WaitGroup
	outs := make([]runResult, 8)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = e.fetch(app + ":1.0")
		}()
	}
	wg.Wait()
	for i, r := range outs {
		if r.code != 0 || strings.TrimSpace(r.stdout) != want {
			t.Fatalf("fetch %d: exit %d, %q, %s", i, r.code, r.stdout, r.stderr)
		}
	}
	if n := verifyStore(t, e.store); n != 1 {
		t.Fatalf("%d images in the store, want 1", n)
	}
	if r := e.run("aci-store", "verify"); r.code != 0 {
		t.Fatalf("aci-store verify: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

func TestKill9DuringFetchLeavesAConsistentStore(t *testing.T) {
	e, _ := setup(t)
	big := make([]byte, 24<<20)
	rand.New(rand.NewSource(2)).Read(big)
	data := e.image(app, "4.0", "", big)
	e.publish(app, "4.0", data, "signer@example.com")
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	for i := 0; i < 12; i++ {
		cmd := exec.Command(filepath.Join(e.bin, "aci-fetch"), "--ca-file", e.caFile, "--port", e.port, "--pull-policy", "update", app+":4.0")
		cmd.Env = append(os.Environ(), "INTERMODAL_STORE="+e.store, "INTERMODAL_TRUST_DIR="+e.trust, "INTERMODAL_VENDOR_TRUST_DIR=/nonexistent")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Intn(800)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL) //nolint:errcheck // it may have finished
		cmd.Wait()                          //nolint:errcheck // killed on purpose
		verifyStore(t, e.store)
		if r := e.run("aci-store", "verify"); r.code != 0 {
			t.Fatalf("aci-store verify after kill %d: %s %s", i, r.stdout, r.stderr)
		}
		if i%4 == 3 { // and a removal in between, so later kills hit a fresh fetch
			s, err := store.Open(e.store, false)
			if err != nil {
				t.Fatal(err)
			}
			ids, _ := s.IDs()
			for _, id := range ids {
				if err := s.Remove(id); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if r := e.fetch(app + ":4.0"); r.code != 0 {
		t.Fatalf("fetch after the kills: %s", r.stderr)
	}
	verifyStore(t, e.store)
}

func TestFetchLocalFileAndNoStore(t *testing.T) {
	e, data := setup(t)
	dir := filepath.Join(e.work, "local")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(dir, "app.aci")
	sig := filepath.Join(dir, "detached.sig")
	must(t, os.WriteFile(img, data, 0o644))
	must(t, os.WriteFile(sig, e.sign("signer@example.com", data), 0o644))
	want := aciID(t, data)

	// A local file needs its signature: beside it, or --signature.
	before := snapshot(t, e.store)
	e.fails(e.fetch(img), "no signature", before)
	r := e.fetch("--signature", sig, img)
	if r.code != 0 || strings.TrimSpace(r.stdout) != want {
		t.Fatalf("local file: %d %q %s", r.code, r.stdout, r.stderr)
	}
	// --no-store -o: the file, byte for byte, and a store left alone.
	other := filepath.Join(e.work, "other-store")
	out := filepath.Join(e.work, "out.aci")
	r = e.fetch("--store", other, "--no-store", "-o", out, e.url(e.publishPath(app, "1.0")))
	if r.code != 0 || strings.TrimSpace(r.stdout) != want {
		t.Fatalf("--no-store: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, data) {
		t.Fatal("--no-store -o wrote different bytes")
	}
	if _, err := os.Stat(other); err == nil {
		t.Fatal("--no-store created the store")
	}
	if ents, _ := os.ReadDir(e.work); len(ents) > 0 {
		for _, d := range ents {
			if strings.HasPrefix(d.Name(), ".aci-fetch-") {
				t.Fatalf("temporary %s left beside the output", d.Name())
			}
		}
	}
	// An existing -o is not overwritten without --overwrite.
	r = e.fetch("--no-store", "-o", out, e.url(e.publishPath(app, "1.0")))
	if r.code != 1 || !strings.Contains(r.stderr, "exists") {
		t.Fatalf("existing output: %d %s", r.code, r.stderr)
	}
}

// SSL_CERT_FILE works as well as --ca-file, and without either the test
// server's certificate is refused.
func TestFetchTrustsCAFromSSLCertFile(t *testing.T) {
	e, data := setup(t)
	base := []string{"--port", e.port, "--retries", "0"}
	before := snapshot(t, e.store)
	e.fails(e.run("aci-fetch", append(base, app+":1.0")...), "certificate", before)
	t.Setenv("SSL_CERT_FILE", e.caFile)
	r := e.run("aci-fetch", append(base, app+":1.0")...)
	if r.code != 0 || strings.TrimSpace(r.stdout) != aciID(t, data) {
		t.Fatalf("with SSL_CERT_FILE: %d %s", r.code, r.stderr)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// An image stored with --insecure-skip-verify is not handed out later to a
// fetch that checks signatures, through refs, max-age or a URL cache
// record; and a cached URL is not taken for another name.
func TestStoreAnswersPassTheSameChecks(t *testing.T) {
	e := newFetchEnv(t)
	pub := e.key("Signer <signer@example.com>")
	e.trustKey(app, pub)
	unsigned := e.image(app, "1.0", "", []byte("unsigned"))
	p := e.publish(app, "1.0", unsigned, "")
	e.headers[p] = http.Header{"Cache-Control": {"max-age=3600"}}
	if r := e.fetch("--insecure-skip-verify", app+":1.0"); r.code != 0 {
		t.Fatalf("insecure fetch: %s", r.stderr)
	}
	before := snapshot(t, e.store)
	for _, policy := range []string{"new", "update", "never"} {
		r := e.fetch("--pull-policy", policy, app+":1.0")
		if r.code == 0 {
			t.Fatalf("--pull-policy %s: an unverified stored image was accepted: %s", policy, r.stdout)
		}
	}
	if r := e.fetch("--pull-policy", "new", e.url(p)); r.code == 0 {
		t.Fatal("a URL cache record of an unverified image was accepted")
	}
	if after := snapshot(t, e.store); !equalSnap(before, after) {
		t.Fatal("failed fetches changed the store")
	}

	// A signed image cached under its URL is not an answer for a name
	// whose discovery points at that URL.
	signed := e.image(app, "2.0", "", []byte("signed"))
	p2 := e.publish(app, "2.0", signed, "signer@example.com")
	e.headers[p2] = http.Header{"Cache-Control": {"max-age=3600"}}
	if r := e.fetch(app + ":2.0"); r.code != 0 {
		t.Fatalf("signed fetch: %s", r.stderr)
	}
	other := "127.0.0.1/other"
	e.put("/other?ac-discovery=1", []byte(fmt.Sprintf(`<meta name="ac-discovery" content="%s https://%s:%s/images/127.0.0.1/app-{version}-{os}-{arch}.{ext}">`, other, e.host, e.port)))
	before = snapshot(t, e.store)
	e.fails(e.fetch(other+":2.0"), "", before)
}

// A mirror that serves the same image after its dependency failed on the
// first mirror does not turn the failure into a success.
func TestMirrorDoesNotHideADependencyFailure(t *testing.T) {
	e, _ := setup(t)
	pub := e.key("Dep <dep@example.com>")
	e.trustKey("127.0.0.1/m", pub)
	e.trustKey("127.0.0.1/dep", pub)
	dep := e.image("127.0.0.1/dep", "1.0", "", []byte("dep"))
	e.publish("127.0.0.1/dep", "1.0", dep, "dep@example.com")
	wrongID := "sha512-" + strings.Repeat("cd", 64)
	top := e.image("127.0.0.1/m", "1.0", fmt.Sprintf(`,"dependencies":[{"imageName":"127.0.0.1/dep","imageID":%q,"labels":[{"name":"version","value":"1.0"}]}]`, wrongID), []byte("m"))
	sig := e.sign("dep@example.com", top)
	for _, mirror := range []string{"/a", "/b"} {
		e.put(mirror+"/m-1.0.aci", top)
		e.put(mirror+"/m-1.0.aci.asc", sig)
	}
	e.put("/m?ac-discovery=1", []byte(fmt.Sprintf(`
<meta name="ac-discovery" content="127.0.0.1/m https://%[1]s:%[2]s/a/m-{version}.{ext}">
<meta name="ac-discovery" content="127.0.0.1/m https://%[1]s:%[2]s/b/m-{version}.{ext}">`, e.host, e.port)))
	before := snapshot(t, e.store)
	e.fails(e.fetch("127.0.0.1/m:1.0"), "image ID", before)
}
