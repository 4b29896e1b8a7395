package discovery

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/httpclient"
)

const host = "127.0.0.1"

func app(name string, labels ...string) App {
	a := App{Name: name, Labels: map[string]string{}}
	for i := 0; i+1 < len(labels); i += 2 {
		a.Labels[labels[i]] = labels[i+1]
	}
	return a
}

var linux1 = []string{"version", "1.0", "os", "linux", "arch", "amd64"}

func TestDiscoverWalksUp(t *testing.T) {
	s := newSite(t, nil)
	s.pages = map[string]string{"/org": page(
		meta(metaDiscovery, host+"/org https://cdn.example.com/{name}-{version}-{os}-{arch}.{ext}"),
		meta(metaPubkeys, host+"/org https://keys.example.com/org.gpg"),
	)}
	res, err := Discover(context.Background(), app(host+"/org/sub/app", linux1...), s.opts())
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{
		Name:   host + "/org/sub/app",
		Labels: map[string]string{"version": "1.0", "os": "linux", "arch": "amd64"},
		Images: []Endpoint{{
			ACI: "https://cdn.example.com/127.0.0.1/org/sub/app-1.0-linux-amd64.aci",
			ASC: "https://cdn.example.com/127.0.0.1/org/sub/app-1.0-linux-amd64.aci.asc",
		}},
		Keys: []string{"https://keys.example.com/org.gpg"},
	}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("Discover =\n%+v\nwant\n%+v", res, want)
	}
	if got, want := s.requests(), []string{"/org/sub/app", "/org/sub", "/org"}; !reflect.DeepEqual(got, want) {
		t.Errorf("requests %q, want %q (stop at the first level that gives images and keys)", got, want)
	}
}

// A failing level is walked past whatever the failure, and each is kept.
func TestDiscoverWalksPastErrors(t *testing.T) {
	s := newSite(t, map[string]string{
		"/a/b": "<html>no tags here</html>",
		"/":    page(meta(metaDiscovery, host+" https://x.example/{name}.{ext}")),
	})
	s.handle = func(w http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case "/a/b/c":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "/a":
			w.WriteHeader(http.StatusForbidden)
		default:
			return false
		}
		return true
	}
	var seen []Attempt
	o := s.opts()
	o.Observe = func(a Attempt) { seen = append(seen, a) }
	res, err := Discover(context.Background(), app(host+"/a/b/c"), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Images[0].ACI != "https://x.example/127.0.0.1/a/b/c.aci" || len(res.Keys) != 0 {
		t.Errorf("Discover = %+v", res)
	}
	if got, want := s.requests(), []string{"/a/b/c", "/a/b", "/a", "/"}; !reflect.DeepEqual(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}
	if len(seen) != 4 || seen[0].Err == nil || seen[3].Err != nil {
		t.Errorf("Observe saw %v", seen)
	}
}

func TestDiscoverErrorNamesEveryURL(t *testing.T) {
	s := newSite(t, map[string]string{"/": page(meta(metaDiscovery, host+"/other https://x.example/{name}.{ext}"))})
	_, err := Discover(context.Background(), app(host+"/app"), s.opts())
	b := s.base()
	want := fmt.Sprintf("%s/app: discovery failed: %s/app?ac-discovery=1: 404 Not Found; %s?ac-discovery=1: no matching ac-discovery tag (the page covers \"127.0.0.1/other\")", host, b, b)
	if err == nil || err.Error() != want {
		t.Fatalf("error\n%v\nwant\n%s", err, want)
	}
	var de *Error
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &de) || len(de.Attempts) != 2 || !errors.Is(err, ErrNoTag) {
		t.Errorf("error %#v: want an *Error matching ErrNotFound and ErrNoTag with 2 attempts", err)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 404 {
		t.Errorf("errors.As StatusError: %v", se)
	}
}

// example.com/etc covers example.com/etc/x, never example.com/etcd.
func TestDiscoverPrefixByComponent(t *testing.T) {
	s := newSite(t, map[string]string{"/": page(
		meta(metaDiscovery, host+"/etc https://x.example/etc/{name}.{ext}"),
		meta(metaPubkeys, host+"/etc https://x.example/etc.gpg"),
	)})
	_, err := Discover(context.Background(), app(host+"/etcd"), s.opts())
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `no matching ac-discovery tag (the page covers "127.0.0.1/etc")`) {
		t.Errorf("etcd under an etc tag: %v", err)
	}
	if _, err := DiscoverKeys(context.Background(), host+"/etcd", s.opts()); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "key discovery failed") {
		t.Errorf("keys of etcd under an etc tag: %v", err)
	}
	res, err := Discover(context.Background(), app(host+"/etc/x"), s.opts())
	if err != nil || res.Images[0].ACI != "https://x.example/etc/127.0.0.1/etc/x.aci" || res.Keys[0] != "https://x.example/etc.gpg" {
		t.Errorf("etc/x under an etc tag: %+v, %v", res, err)
	}
}

func TestDiscoverMirrorsInOrder(t *testing.T) {
	s := newSite(t, map[string]string{"/app": page(meta(metaDiscovery,
		host+"/app https://one.example/{name}-{version}.{ext}",
		host+"/app hdfs://two.example/{name}-{version}.{ext}",
		host+"/app https://one.example/{name}-{version}.{ext}", // duplicate: dropped
		host+" https://three.example/{version}.{ext}",
	))})
	res, err := Discover(context.Background(), app(host+"/app", "version", "2"), s.opts())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ep := range res.Images {
		got = append(got, ep.ACI)
	}
	want := []string{"https://one.example/127.0.0.1/app-2.aci", "hdfs://two.example/127.0.0.1/app-2.aci", "https://three.example/2.aci"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("images %q, want %q", got, want)
	}
}

// The spec's sample page: the arch template needs os and arch; the noarch
// one renders always.
func TestDiscoverNoarchTemplate(t *testing.T) {
	s := newSite(t, map[string]string{"/hello": page(meta(metaDiscovery,
		host+"/hello https://x.example/{name}-{version}-{os}-{arch}.{ext}",
		host+"/hello https://x.example/{name}-{version}.{ext}",
	))})
	res, err := Discover(context.Background(), app(host+"/hello", "version", "latest"), s.opts())
	if err != nil || len(res.Images) != 1 || res.Images[0].ACI != "https://x.example/127.0.0.1/hello-latest.aci" {
		t.Errorf("without os/arch: %+v, %v", res, err)
	}
	res, err = Discover(context.Background(), app(host+"/hello", linux1...), s.opts())
	if err != nil || len(res.Images) != 2 || res.Images[0].ACI != "https://x.example/127.0.0.1/hello-1.0-linux-amd64.aci" {
		t.Errorf("with os/arch: %+v, %v", res, err)
	}
}

func TestDiscoverDroppedTemplates(t *testing.T) {
	s := newSite(t, map[string]string{
		"/app": page(meta(metaDiscovery,
			host+"/app https://x.example/{name}-{version}",   // no {ext}
			host+"/app https://x.example/{name}-{foo}.{ext}", // no label foo
			host+"/app /relative/{name}.{ext}",               // not absolute
			host+"/app https://x.example/{name}-{os}.{ext}",  // no os label
			host+"/app https://x.example/{name}.{ext",        // unclosed
		)),
		"/": page(meta(metaDiscovery, host+" https://parent.example/{name}.{ext}")),
	})
	res, err := Discover(context.Background(), app(host+"/app", "version", "1"), s.opts())
	if err != nil || res.Images[0].ACI != "https://parent.example/127.0.0.1/app.aci" {
		t.Fatalf("a level with no usable template walks up: %+v, %v", res, err)
	}
	delete(s.pages, "/")
	_, err = Discover(context.Background(), app(host+"/app", "version", "1"), s.opts())
	for _, want := range []string{
		"no usable template in the matching ac-discovery tags",
		`"https://x.example/{name}-{version}": no {ext} in the template`,
		`"https://x.example/{name}-{foo}.{ext}": unfilled template variable "{foo}"`,
		`needs a scheme and a host`,
		` and 1 more`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nshould say %q", err, want)
		}
	}
	if !errors.Is(err, ErrNoTemplate) {
		t.Errorf("errors.Is(err, ErrNoTemplate) false: %v", err)
	}
	res, err = Discover(context.Background(), app(host+"/app", "version", "1", "foo", "bar"), s.opts())
	if err != nil || res.Images[0].ACI != "https://x.example/127.0.0.1/app-bar.aci" {
		t.Errorf("with label foo: %+v, %v", res, err)
	}
}

// Images and keys come from one walk: each page is fetched once, images
// from the first level with a usable template, keys from the first with a
// pubkeys tag.
func TestDiscoverSharesPages(t *testing.T) {
	s := newSite(t, map[string]string{
		"/a/b": page(meta(metaPubkeys, host+"/a/b https://k.example/b.gpg", host+"/a/b https://k.example/b2.gpg")),
		"/a":   page(meta(metaDiscovery, host+"/a https://i.example/{name}.{ext}"), meta(metaPubkeys, host+"/a https://k.example/a.gpg")),
		"/":    page(meta(metaDiscovery, host+" https://root.example/{name}.{ext}")),
	})
	res, err := Discover(context.Background(), app(host+"/a/b"), s.opts())
	if err != nil {
		t.Fatal(err)
	}
	if res.Images[0].ACI != "https://i.example/127.0.0.1/a/b.aci" || !reflect.DeepEqual(res.Keys, []string{"https://k.example/b.gpg", "https://k.example/b2.gpg"}) {
		t.Errorf("Discover = %+v", res)
	}
	if got := s.requests(); !reflect.DeepEqual(got, []string{"/a/b", "/a"}) {
		t.Errorf("requests %q", got)
	}
	keys, err := DiscoverKeys(context.Background(), host+"/a", s.opts())
	if err != nil || !reflect.DeepEqual(keys, []string{"https://k.example/a.gpg"}) {
		t.Errorf("DiscoverKeys = %q, %v", keys, err)
	}
}

func TestDiscoverKeysErrors(t *testing.T) {
	s := newSite(t, map[string]string{"/": page(meta(metaPubkeys, host+" not-a-url"))})
	_, err := DiscoverKeys(context.Background(), host+"/app", s.opts())
	want := fmt.Sprintf(`127.0.0.1/app: key discovery failed: %s/app?ac-discovery=1: 404 Not Found; %s?ac-discovery=1: no usable template in the matching ac-discovery-pubkeys tags: not an absolute URL: "not-a-url": needs a scheme and a host`, s.base(), s.base())
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
	if _, err := DiscoverKeys(context.Background(), "Bad/Prefix", s.opts()); !errors.Is(err, ErrInvalidApp) {
		t.Errorf("bad prefix: %v", err)
	}
}

func TestDiscoverPageSizeCap(t *testing.T) {
	big := page(meta(metaDiscovery, host+" https://x.example/{name}.{ext}"), strings.Repeat("<!-- padding -->", 200))
	s := newSite(t, map[string]string{"/": big})
	s.handle = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/chunked" {
			return false
		}
		for i := 0; i < 100; i++ { // no Content-Length: the cap applies while reading
			_, _ = w.Write([]byte(strings.Repeat("x", 100)))
			w.(http.Flusher).Flush()
		}
		return true
	}
	o := s.opts()
	o.MaxPageSize = 1024
	for _, name := range []string{host, host + "/chunked"} {
		_, err := Discover(context.Background(), app(name), o)
		if !errors.Is(err, ErrPageTooLarge) || !strings.Contains(err.Error(), "discovery page too large: over the 1 KiB limit") {
			t.Errorf("%s: %v, want ErrPageTooLarge naming the 1 KiB limit", name, err)
		}
	}
	o.MaxPageSize = 0 // the 1 MiB default
	if _, err := Discover(context.Background(), app(host), o); err != nil {
		t.Errorf("a %d-byte page under the default cap: %v", len(big), err)
	}
}

func TestDiscoverStalledServer(t *testing.T) {
	release := make(chan struct{})
	s := newSite(t, nil)
	s.handle = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/headers" {
			<-release
			return true
		}
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write([]byte("<html><meta"))
		w.(http.Flusher).Flush()
		<-release
		return true
	}
	t.Cleanup(func() { close(release) }) // runs before the server closes
	o := s.opts(func(co *httpclient.Options) { co.Timeout = 300 * time.Millisecond })
	start := time.Now()
	_, err := Discover(context.Background(), app(host+"/headers"), o)
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("two stalled pages took %s with a 300ms timeout", elapsed)
	}
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want a TimeoutError", err)
	}
	if n := strings.Count(err.Error(), "no complete answer within 300ms"); n != 2 {
		t.Errorf("error %v: want both levels timed out", err)
	}
}

func TestDiscoverCanceled(t *testing.T) {
	s := newSite(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	s.handle = func(w http.ResponseWriter, r *http.Request) bool {
		cancel()
		<-r.Context().Done()
		return true
	}
	_, err := Discover(ctx, app(host+"/a/b"), s.opts())
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrNotFound) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests after cancel, want the walk to stop", n)
	}
}

func TestDiscoverUntrustedCertificate(t *testing.T) {
	s := newSite(t, map[string]string{"/": page(meta(metaDiscovery, host+" https://x.example/{name}.{ext}"))})
	c, err := httpclient.New(httpclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Discover(context.Background(), app(host), Options{Client: c, Port: s.port()})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("unknown CA: %v", err)
	}
	c, _ = httpclient.New(httpclient.Options{InsecureSkipTLSVerify: true})
	if _, err := Discover(context.Background(), app(host), Options{Client: c, Port: s.port()}); err != nil {
		t.Errorf("with InsecureSkipTLSVerify: %v", err)
	}
}

func TestDiscoverRedirectToHTTP(t *testing.T) {
	plain := newPlainSite(t, map[string]string{"/moved": page(meta(metaDiscovery, host+" https://x.example/{name}.{ext}"))})
	s := newSite(t, nil)
	s.handle = func(w http.ResponseWriter, r *http.Request) bool {
		http.Redirect(w, r, plain.base()+"/moved?ac-discovery=1", http.StatusFound)
		return true
	}
	_, err := Discover(context.Background(), app(host), s.opts())
	if !errors.Is(err, httpclient.ErrPlainHTTP) || !strings.Contains(err.Error(), "redirect from "+s.base()) {
		t.Errorf("https->http redirect: %v, want it refused", err)
	}
	o := s.opts(func(co *httpclient.Options) { co.AllowHTTP = true })
	if res, err := Discover(context.Background(), app(host), o); err != nil || res.Images[0].ACI != "https://x.example/127.0.0.1.aci" {
		t.Errorf("https->http redirect with AllowHTTP: %+v, %v", res, err)
	}
	s.handle = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/there" {
			http.Redirect(w, r, "/there?ac-discovery=1", http.StatusMovedPermanently)
			return true
		}
		_, _ = w.Write([]byte(page(meta(metaDiscovery, host+" https://y.example/{name}.{ext}"))))
		return true
	}
	if res, err := Discover(context.Background(), app(host), s.opts()); err != nil || res.Images[0].ACI != "https://y.example/127.0.0.1.aci" {
		t.Errorf("https->https redirect: %+v, %v", res, err)
	}
}

func TestDiscoverPlainHTTP(t *testing.T) {
	plain := newPlainSite(t, map[string]string{"/app": page(meta(metaDiscovery, host+"/app http://x.example/{name}.{ext}"))})
	_, err := Discover(context.Background(), app(host+"/app"), plain.opts())
	if !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), "http://") {
		t.Errorf("plain HTTP not allowed: %v, want https tried only", err)
	}
	o := plain.opts(func(co *httpclient.Options) { co.AllowHTTP = true })
	o.InsecureHTTP = true
	var seen []string
	o.Observe = func(a Attempt) { seen = append(seen, a.URL) }
	res, err := Discover(context.Background(), app(host+"/app"), o)
	if err != nil || res.Images[0].ACI != "http://x.example/127.0.0.1/app.aci" {
		t.Fatalf("InsecureHTTP: %+v, %v", res, err)
	}
	b := strings.TrimPrefix(plain.base(), "http://")
	// The walk goes on up for keys, which this site has none of.
	if want := []string{"https://" + b + "/app?ac-discovery=1", "http://" + b + "/app?ac-discovery=1", "https://" + b + "?ac-discovery=1", "http://" + b + "?ac-discovery=1"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("tried %q, want https then http for the same level: %q", seen, want)
	}
	o.Client, _ = httpclient.New(httpclient.Options{}) // InsecureHTTP without a client that allows it
	_, err = Discover(context.Background(), app(host+"/app"), o)
	if !errors.Is(err, httpclient.ErrPlainHTTP) {
		t.Errorf("InsecureHTTP with a client refusing HTTP: %v", err)
	}
}

func TestDiscoverInvalidName(t *testing.T) {
	if _, err := Discover(context.Background(), app("Not Valid"), Options{}); !errors.Is(err, ErrInvalidApp) {
		t.Errorf("Discover with a bad name: %v", err)
	}
}
