// Package fetch moves images from HTTP(S) servers or local files into the
// store, verified.
//
// For each image, in this order:
//
//  1. The pull policy may answer from the store without the network.
//  2. The detached signature is fetched first (a 202 answer is asked again
//     after the image), and its issuer checked against the keys trusted for
//     the requested name, so an untrusted signer fails before the download.
//  3. The image is downloaded into a private file in the store's tmp/; the
//     same bytes stream into the signature check as they arrive. A cut
//     connection resumes with Range; 5xx and network errors are retried
//     with backoff; a stalled body times out; --max-size caps the bytes.
//  4. The signature is verified over exactly those bytes. Only then is the
//     image decompressed, once, while its ID is hashed and its layout and
//     manifest are checked; the manifest's name and labels must be the
//     ones asked for, and a dependency's ID the one its parent names.
//  5. Dependencies are fetched the same way, cycles refused.
//  6. Only when the image and all its dependencies have passed is anything
//     committed to the store: images first, then refs and cache records.
//     On any failure the store is left exactly as it was.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/discovery"
	"github.com/intermodal/intermodal/lib/httpclient"
	"github.com/intermodal/intermodal/lib/imageid"
	"github.com/intermodal/intermodal/lib/store"
	"github.com/intermodal/intermodal/lib/trust"
)

// Errors callers test with errors.Is.
var (
	ErrTooLarge     = errors.New("image exceeds the size limit")
	ErrMismatch     = errors.New("image does not match the request")
	ErrCycle        = errors.New("dependency cycle")
	ErrNoSignature  = errors.New("no signature")
	ErrInvalidImage = errors.New("invalid image")
	ErrNotStored    = errors.New("not in the store")
)

// MaxSignatureSize caps a detached signature download.
const MaxSignatureSize = 1 << 20

// PullPolicy says when the network is used.
type PullPolicy int

const (
	// PullNew uses a stored image when there is one, else fetches.
	PullNew PullPolicy = iota
	// PullUpdate asks the server, honouring max-age and ETags, and reuses
	// the stored image when it has not changed.
	PullUpdate
	// PullNever uses the store only.
	PullNever
)

// ParsePullPolicy reads "new", "update" or "never".
func ParsePullPolicy(s string) (PullPolicy, error) {
	switch s {
	case "new":
		return PullNew, nil
	case "update":
		return PullUpdate, nil
	case "never":
		return PullNever, nil
	}
	return 0, fmt.Errorf("pull policy %q: want new, update or never", s)
}

// Progress is told about bytes as they arrive; cli.Progress fits.
type Progress interface {
	Add(n int64)
	Done()
}

// Options configure a fetch.
type Options struct {
	Store *store.Store
	// Trust holds the keys trusted per name prefix; nil trusts only
	// ExtraKeys.
	Trust *trust.Store
	// ExtraKeys are trusted for every name, for this fetch only.
	ExtraKeys []*openpgp.Entity
	Client    *httpclient.Client
	Discovery discovery.Options
	Policy    PullPolicy
	// MaxSize caps both the downloaded and the decompressed bytes; 0 = none.
	MaxSize int64
	// InsecureSkipVerify accepts images without checking signatures.
	InsecureSkipVerify bool
	// NoDeps skips dependencies.
	NoDeps bool
	// Retries is how many times a failed transfer is tried again;
	// RetryDelay the first wait, doubled each time.
	Retries    int
	RetryDelay time.Duration
	// SignatureWait is how long to wait between asks for a signature the
	// server answered 202 for; asked up to Retries+1 times.
	SignatureWait time.Duration
	// IdleTimeout fails a body that sends nothing for this long.
	IdleTimeout time.Duration
	Warn        func(msg string)
	NewProgress func(label string, total int64) Progress
	Now         func() time.Time
}

// Request names what to fetch: exactly one of App, Discovered, URL.
type Request struct {
	// App is a name and labels to discover.
	App *discovery.App
	// Discovered is the output of aci-discover --json.
	Discovered *discovery.Result
	// URL is an https, http or file URL, or a local path.
	URL string
	// Signature, when set, is a local signature file for URL.
	Signature string
}

// Result is what a fetch produced.
type Result struct {
	ID     string
	Name   string
	Cached bool // answered from the store
}

// Fetch fetches req and its dependencies into o.Store and returns the
// image's ID.
func Fetch(ctx context.Context, o Options, req Request) (*Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Warn == nil {
		o.Warn = func(string) {}
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 500 * time.Millisecond
	}
	if o.SignatureWait <= 0 {
		o.SignatureWait = 2 * time.Second
	}
	if o.Discovery.Client == nil {
		o.Discovery.Client = o.Client
	}
	f := &fetcher{o: &o, pending: map[string]*pending{}}
	defer f.abortAll()
	res, err := f.top(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := f.commitAll(); err != nil {
		return nil, err
	}
	return res, nil
}

type fetcher struct {
	o       *Options
	pending map[string]*pending // by ID, not yet committed
	order   []*pending          // dependencies before dependents
	stack   []string            // what is being fetched, for cycles
}

// pending is a verified image waiting for its whole tree to pass.
type pending struct {
	ingest   *store.Ingest
	info     store.Info
	manifest []byte
	sig      []byte
	refs     []store.Ref
	caches   []store.CacheRecord
}

func (f *fetcher) warn(msg string) { f.o.Warn(msg) }

// want is what an image must turn out to be.
type want struct {
	name     string            // "" when fetched by URL: any name
	labels   map[string]string // asked for: must be in the manifest, equal
	defaults map[string]string // filled in (os, arch): must be equal if present
	latest   bool              // no version was asked for
	id       string            // a dependency's imageID, when given
	size     uint64            // a dependency's size, when given
}

func (w want) String() string {
	if w.name == "" {
		return "image"
	}
	return discovery.App{Name: w.name, Labels: w.labels}.String()
}

func (f *fetcher) top(ctx context.Context, req Request) (*Result, error) {
	switch {
	case req.App != nil:
		return f.byName(ctx, *req.App, "", 0)
	case req.Discovered != nil:
		w := wantFromApp(discovery.App{Name: req.Discovered.Name, Labels: req.Discovered.Labels}, nil)
		return f.endpoints(ctx, w, req.Discovered.Images)
	case req.URL != "":
		return f.byURL(ctx, req.URL, req.Signature)
	}
	return nil, errors.New("nothing to fetch")
}

// wantFromApp splits an app's labels into the asked-for ones and the
// defaults discovery filled in.
func wantFromApp(app discovery.App, asked map[string]string) want {
	w := want{name: app.Name, labels: map[string]string{}, defaults: map[string]string{}}
	if asked == nil {
		asked = app.Labels
	}
	for k, v := range app.Labels {
		if _, ok := asked[k]; ok {
			w.labels[k] = v
		}
	}
	_, w.latest = asked["version"]
	w.latest = !w.latest
	full := app.WithDefaults()
	for k, v := range full.Labels {
		if _, ok := w.labels[k]; !ok && k != "version" {
			w.defaults[k] = v
		}
	}
	return w
}

// byName discovers app and fetches it, unless the pull policy lets the
// store answer.
func (f *fetcher) byName(ctx context.Context, app discovery.App, wantID string, wantSize uint64) (*Result, error) {
	w := wantFromApp(app, nil)
	w.id, w.size = wantID, wantSize
	if f.o.Policy != PullUpdate || wantID != "" {
		if res, ok := f.fromStore(w); ok {
			return res, nil
		}
		if f.o.Policy == PullNever {
			return nil, fmt.Errorf("%s: %w (and --pull-policy is never)", w, ErrNotStored)
		}
	}
	dres, err := discovery.Discover(ctx, app.WithDefaults(), f.o.Discovery)
	if err != nil {
		return nil, err
	}
	return f.endpoints(ctx, w, dres.Images)
}

// fromStore answers from the store: an image with the wanted ID, or the
// ref the name and labels select, if it passes storedOK.
func (f *fetcher) fromStore(w want) (*Result, bool) {
	if w.id != "" {
		if p := f.pending[w.id]; p != nil {
			return &Result{ID: w.id, Name: w.name, Cached: true}, true
		}
		if f.storedOK(w.id, w) != nil {
			return nil, false
		}
		return &Result{ID: w.id, Name: w.name, Cached: true}, true
	}
	if w.name == "" {
		return nil, false
	}
	r, err := f.o.Store.FindRef(w.name, w.labels)
	if err != nil || f.storedOK(r.ID, w) != nil {
		return nil, false
	}
	return &Result{ID: r.ID, Name: r.Name, Cached: true}, true
}

// storedOK holds a stored image to what a fresh fetch of w would demand:
// its manifest matches w (name, asked labels, this machine's os/arch), and
// unless signatures are off it was verified when fetched (info.json names
// the signer) by a key trusted now for its name. A store answer never
// skips a check a download would make.
func (f *fetcher) storedOK(id string, w want) error {
	im, err := f.o.Store.Image(id)
	if err != nil {
		return err
	}
	if err := w.match(im.Manifest, id, im.TarSize); err != nil {
		return err
	}
	if f.o.InsecureSkipVerify {
		return nil
	}
	if im.Signer == "" {
		return fmt.Errorf("%s: stored without a verified signature", imageid.Short(id))
	}
	return f.trustedFor(im.Name(), &trust.Signer{Fingerprint: im.Signer})
}

// endpoints tries each discovered image endpoint in order (mirrors): a
// transfer failure moves to the next, a verification failure stops.
func (f *fetcher) endpoints(ctx context.Context, w want, eps []discovery.Endpoint) (*Result, error) {
	if len(eps) == 0 {
		return nil, fmt.Errorf("%s: discovery found no image", w)
	}
	var errs []string
	for _, ep := range eps {
		res, err := f.remote(ctx, w, ep.ACI, ep.ASC)
		if err == nil {
			return res, nil
		}
		if !isTransferError(err) || len(eps) == 1 {
			return nil, err
		}
		errs = append(errs, err.Error())
	}
	return nil, fmt.Errorf("%s: every mirror failed: %s", w, strings.Join(errs, "; "))
}

// isTransferError says the mirror failed to deliver, as opposed to
// delivering something that failed verification.
func isTransferError(err error) bool {
	var se *StatusError
	return errors.As(err, &se) || networkError(err)
}

// byURL fetches an image named by URL or path; its signature is beside it
// (.aci replaced by .aci.asc, else .asc appended) unless sigFile is given.
func (f *fetcher) byURL(ctx context.Context, raw, sigFile string) (*Result, error) {
	w := want{labels: map[string]string{}, defaults: map[string]string{}}
	path, isFile := localPath(raw)
	if isFile {
		return f.local(w, path, sigFile)
	}
	asc := ""
	if sigFile == "" {
		asc = signatureURL(raw)
	}
	if f.o.Policy == PullNever || f.o.Policy == PullNew {
		if c, ok, err := f.o.Store.Cache(raw); err == nil && ok && f.storedOK(c.ID, w) == nil {
			return &Result{ID: c.ID, Cached: true}, nil
		}
		if f.o.Policy == PullNever {
			return nil, fmt.Errorf("%s: %w (and --pull-policy is never)", raw, ErrNotStored)
		}
	}
	res, err := f.remoteWithSig(ctx, w, raw, asc, sigFile)
	return res, err
}

func localPath(raw string) (string, bool) {
	if p, ok := strings.CutPrefix(raw, "file://"); ok {
		return p, true
	}
	if strings.Contains(raw, "://") {
		return "", false
	}
	return raw, true
}

func signatureURL(u string) string {
	if base, ok := strings.CutSuffix(u, ".aci"); ok {
		return base + ".aci.asc"
	}
	return u + ".asc"
}

func (f *fetcher) remote(ctx context.Context, w want, aciURL, ascURL string) (*Result, error) {
	return f.remoteWithSig(ctx, w, aciURL, ascURL, "")
}

// push marks w as being fetched, refusing a cycle.
func (f *fetcher) push(key string) error {
	for i, k := range f.stack {
		if k == key {
			return fmt.Errorf("%w: %s -> %s", ErrCycle, strings.Join(f.stack[i:], " -> "), key)
		}
	}
	f.stack = append(f.stack, key)
	return nil
}

func (f *fetcher) pop() { f.stack = f.stack[:len(f.stack)-1] }

// remoteWithSig is one image over HTTP(S): steps 1 to 5 of the package
// comment.
func (f *fetcher) remoteWithSig(ctx context.Context, w want, aciURL, ascURL, sigFile string) (*Result, error) {
	key := aciURL
	if w.name != "" {
		key = w.String()
	}
	if err := f.push(key); err != nil {
		return nil, err
	}
	defer f.pop()

	var cached store.CacheRecord
	haveCache := false
	if f.o.Policy == PullUpdate {
		if c, ok, err := f.o.Store.Cache(aciURL); err == nil && ok && f.storedOK(c.ID, w) == nil {
			cached, haveCache = c, true
			if c.Fresh(f.o.Now()) && (w.id == "" || w.id == c.ID) {
				return &Result{ID: c.ID, Name: w.name, Cached: true}, nil
			}
		}
	}

	// The signature first: an untrusted signer fails before the download.
	var sig []byte
	deferred := false
	if !f.o.InsecureSkipVerify {
		var err error
		sig, deferred, err = f.signature(ctx, ascURL, sigFile)
		if err != nil {
			return nil, err
		}
		if !deferred {
			if err := f.checkIssuer(w, sig); err != nil {
				return nil, fmt.Errorf("%s: %w", ascURL+sigFile, err)
			}
		}
	}

	in, err := f.o.Store.NewIngest()
	if err != nil {
		return nil, err
	}
	keep := false
	defer func() {
		if !keep {
			in.Abort()
		}
	}()

	var ver *trust.Verifier
	startVerifier := func() error {
		if ver != nil {
			ver.Abort()
			ver = nil
		}
		if sig == nil {
			return nil
		}
		v, err := f.newStreamVerifier(w, sig)
		if err != nil {
			return fmt.Errorf("signature %s: %w", ascURL+sigFile, err)
		}
		ver = v
		return nil
	}
	if err := startVerifier(); err != nil {
		return nil, err
	}
	defer func() {
		if ver != nil {
			ver.Abort()
		}
	}()
	var prog Progress
	if f.o.NewProgress != nil {
		prog = f.o.NewProgress(aciURL, 0)
	}
	d := &download{
		url:  aciURL,
		file: in.File(),
		max:  f.o.MaxSize,
		sink: func(p []byte) {
			if ver != nil {
				ver.Write(p) //nolint:errcheck // a failed check is reported by Verify
			}
			if prog != nil {
				prog.Add(int64(len(p)))
			}
		},
		restart: startVerifier,
	}
	if haveCache && (w.id == "" || w.id == cached.ID) {
		d.etag = cached.ETag
	}
	err = f.fetchImage(ctx, d)
	if prog != nil {
		prog.Done()
	}
	if err != nil {
		return nil, err
	}
	now := f.o.Now()
	if d.notModified {
		rec := cached
		rec.Expires = expires(now, d.maxAge)
		if p := f.pending[rec.ID]; p != nil {
			return &Result{ID: rec.ID, Name: w.name, Cached: true}, nil
		}
		f.queueCacheOnly(rec)
		return &Result{ID: rec.ID, Name: w.name, Cached: true}, nil
	}

	var signer *trust.Signer
	if !f.o.InsecureSkipVerify {
		if deferred {
			sig, err = f.deferredSignature(ctx, ascURL)
			if err != nil {
				return nil, err
			}
			if err := f.checkIssuer(w, sig); err != nil {
				return nil, fmt.Errorf("%s: %w", ascURL, err)
			}
			if err := startVerifier(); err != nil {
				return nil, err
			}
			if err := feedFile(in.File(), ver); err != nil {
				return nil, err
			}
		}
		signer, err = ver.Verify()
		ver = nil
		if err != nil {
			return nil, fmt.Errorf("%s: signature %s: %w", aciURL, ascURL+sigFile, err)
		}
	} else {
		f.warn(fmt.Sprintf("warning: %s: signature not checked (--insecure-skip-verify)", aciURL))
	}

	in.StartSync() // to disk while it is checked, not after
	p, err := f.inspect(in, w, signer, sig, aciURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", aciURL, err)
	}
	if d.maxAge >= 0 || d.respETag != "" {
		p.caches = append(p.caches, store.CacheRecord{URL: aciURL, ETag: d.respETag, Expires: expires(now, d.maxAge), ID: p.info.ID, Fetched: now})
	}
	keep = true
	return f.accept(ctx, p, w)
}

func expires(now time.Time, age time.Duration) time.Time {
	if age < 0 {
		return time.Time{}
	}
	return now.Add(age)
}

// local is one image from a file on this machine: copied into the store's
// tmp/ while the signature check reads the same bytes, so what is verified
// is what is stored, even if the file changes meanwhile.
func (f *fetcher) local(w want, path, sigFile string) (*Result, error) {
	if err := f.push("file:" + path); err != nil {
		return nil, err
	}
	defer f.pop()
	src, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var sig []byte
	if !f.o.InsecureSkipVerify {
		if sigFile == "" {
			sigFile = signatureURL(path)
		}
		sig, err = readSmall(sigFile)
		if err != nil {
			return nil, fmt.Errorf("%w for %s: %w (give --signature FILE, or --insecure-skip-verify)", ErrNoSignature, path, err)
		}
	} else {
		f.warn(fmt.Sprintf("warning: %s: signature not checked (--insecure-skip-verify)", path))
	}
	in, err := f.o.Store.NewIngest()
	if err != nil {
		return nil, err
	}
	keep := false
	defer func() {
		if !keep {
			in.Abort()
		}
	}()
	var ver *trust.Verifier
	if sig != nil {
		if ver, err = f.newStreamVerifier(w, sig); err != nil {
			return nil, fmt.Errorf("signature %s: %w", sigFile, err)
		}
		defer func() {
			if ver != nil {
				ver.Abort()
			}
		}()
	}
	buf := make([]byte, 256<<10)
	var n int64
	for {
		m, rerr := src.Read(buf)
		if m > 0 {
			if f.o.MaxSize > 0 && n+int64(m) > f.o.MaxSize {
				return nil, fmt.Errorf("%s: %w: more than %d bytes", path, ErrTooLarge, f.o.MaxSize)
			}
			if _, err := in.File().Write(buf[:m]); err != nil {
				return nil, fmt.Errorf("copying %s: %w", path, err)
			}
			if ver != nil {
				ver.Write(buf[:m]) //nolint:errcheck // a failed check is reported by Verify
			}
			n += int64(m)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, fmt.Errorf("%s: %w", path, rerr)
		}
	}
	var signer *trust.Signer
	if ver != nil {
		signer, err = ver.Verify()
		ver = nil
		if err != nil {
			return nil, fmt.Errorf("%s: signature %s: %w", path, sigFile, err)
		}
	}
	p, err := f.inspect(in, w, signer, sig, "file://"+path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	keep = true
	return f.accept(context.Background(), p, w)
}

func readSmall(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxSignatureSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSignatureSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxSignatureSize)
	}
	return data, nil
}

// inspect decompresses the downloaded file once, hashing it for its ID
// and checking its layout and manifest, and matches it against w.
func (f *fetcher) inspect(in *store.Ingest, w want, signer *trust.Signer, sig []byte, source string) (*pending, error) {
	file := in.File()
	size, err := file.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	h := imageid.NewHash()
	res, err := aci.CheckArchive(file, aci.CheckOptions{MaxSize: f.o.MaxSize, Hash: h})
	if err != nil {
		return nil, err
	}
	for _, p := range res.Problems {
		if !p.Warning {
			if strings.Contains(p.Msg, "exceeds the limit") {
				return nil, fmt.Errorf("%w: %s", ErrTooLarge, p.String())
			}
			return nil, fmt.Errorf("%w: %s", ErrInvalidImage, p.String())
		}
	}
	id := imageid.FromSum(h.Sum(nil))
	m, probs := appc.ParseManifest(res.Manifest)
	if m == nil || probs.HasErrors() {
		return nil, fmt.Errorf("%w: manifest: %v", ErrInvalidImage, probs.Errors())
	}
	if err := w.match(m, id, res.Size); err != nil {
		return nil, err
	}
	if signer != nil && w.name == "" {
		// Fetched by URL: the signature was checked against every trusted
		// key; now the signer must be trusted for the name inside.
		if err := f.trustedFor(m.Name, signer); err != nil {
			return nil, err
		}
	}
	info := store.Info{ID: id, Size: size, TarSize: res.Size, Compression: res.Compression.String(), Source: source, Fetched: f.o.Now().UTC()}
	if signer != nil {
		info.Signer = signer.Fingerprint
	}
	labels := map[string]string{}
	for _, l := range m.Labels {
		labels[l.Name] = l.Value
	}
	p := &pending{ingest: in, info: info, manifest: res.Manifest, sig: sig}
	p.refs = []store.Ref{{Name: m.Name, Labels: labels, ID: id, Latest: w.latest && w.name != "", Time: info.Fetched}}
	return p, nil
}

// match checks a manifest against what was asked (appc DSC-13, strictly:
// every asked label present and equal; filled-in os/arch equal if present).
func (w want) match(m *appc.ImageManifest, id string, tarSize int64) error {
	if w.id != "" && id != w.id {
		return fmt.Errorf("%w: image ID is %s, the dependency names %s", ErrMismatch, imageid.Short(id), imageid.Short(w.id))
	}
	if w.size != 0 && uint64(tarSize) != w.size {
		return fmt.Errorf("%w: image is %d bytes, the dependency says %d", ErrMismatch, tarSize, w.size)
	}
	if w.name != "" && m.Name != w.name {
		return fmt.Errorf("%w: manifest name is %q, asked for %q", ErrMismatch, m.Name, w.name)
	}
	have := map[string]string{}
	for _, l := range m.Labels {
		have[l.Name] = l.Value
	}
	for k, v := range w.labels {
		got, ok := have[k]
		if !ok {
			return fmt.Errorf("%w: label %s=%s asked for, the manifest has no %s label", ErrMismatch, k, v, k)
		}
		if got != v {
			return fmt.Errorf("%w: label %s is %q, asked for %q", ErrMismatch, k, got, v)
		}
	}
	for k, v := range w.defaults {
		if got, ok := have[k]; ok && got != v {
			return fmt.Errorf("%w: label %s is %q, this machine needs %q", ErrMismatch, k, got, v)
		}
	}
	return nil
}

// accept queues a verified image and fetches its dependencies.
func (f *fetcher) accept(ctx context.Context, p *pending, w want) (*Result, error) {
	id := p.info.ID
	if old := f.pending[id]; old != nil {
		p.ingest.Abort()
		old.refs = append(old.refs, p.refs...)
		old.caches = append(old.caches, p.caches...)
		return &Result{ID: id, Name: w.name}, nil
	}
	f.pending[id] = p
	failed := true
	defer func() {
		if failed { // not half-accepted: a mirror retry must start afresh
			delete(f.pending, id)
			p.ingest.Abort()
		}
	}()
	m, _ := appc.ParseManifest(p.manifest)
	if f.o.NoDeps && len(m.Dependencies) > 0 {
		f.warn(fmt.Sprintf("%s: %d dependencies not fetched", m.Name, len(m.Dependencies)))
	}
	if !f.o.NoDeps {
		for _, d := range m.Dependencies {
			labels := map[string]string{}
			for _, l := range d.Labels {
				labels[l.Name] = l.Value
			}
			app := discovery.App{Name: d.ImageName, Labels: labels}
			if _, err := f.byName(ctx, app, d.ImageID, d.Size); err != nil {
				return nil, fmt.Errorf("dependency %s of %s: %w", app, m.Name, err)
			}
		}
	}
	f.order = append(f.order, p)
	failed = false
	return &Result{ID: id, Name: m.Name}, nil
}

// queueCacheOnly remembers a revalidated cache record for commit.
func (f *fetcher) queueCacheOnly(rec store.CacheRecord) {
	f.order = append(f.order, &pending{caches: []store.CacheRecord{rec}})
}

// commitAll stores every pending image, dependencies first, then its refs
// and cache record. It holds the store lock shared, so gc and rm wait.
func (f *fetcher) commitAll() error {
	unlock, err := f.o.Store.Lock(false)
	if err != nil {
		return err
	}
	defer unlock()
	for _, p := range f.order {
		if p.ingest != nil {
			if _, err := p.ingest.Commit(p.info, p.manifest, p.sig); err != nil {
				return err
			}
			p.ingest = nil
			for _, r := range p.refs {
				if err := f.o.Store.SetRef(r); err != nil {
					return err
				}
			}
		}
		for _, c := range p.caches {
			if err := f.o.Store.SetCache(c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *fetcher) abortAll() {
	for _, p := range f.pending {
		if p.ingest != nil {
			p.ingest.Abort()
		}
	}
}

// signature gets the detached signature from a file or a URL. deferred
// means the server answered 202: ask again after the image.
func (f *fetcher) signature(ctx context.Context, ascURL, sigFile string) ([]byte, bool, error) {
	if sigFile != "" {
		sig, err := readSmall(sigFile)
		if err != nil {
			return nil, false, fmt.Errorf("signature: %w", err)
		}
		return sig, false, nil
	}
	sig, accepted, err := f.getSmall(ctx, ascURL, MaxSignatureSize)
	if err != nil {
		return nil, false, fmt.Errorf("signature: %w", err)
	}
	return sig, accepted, nil
}

func (f *fetcher) deferredSignature(ctx context.Context, ascURL string) ([]byte, error) {
	for attempt := 0; attempt <= f.o.Retries; attempt++ {
		t := time.NewTimer(f.o.SignatureWait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		sig, accepted, err := f.getSmall(ctx, ascURL, MaxSignatureSize)
		if err != nil {
			return nil, fmt.Errorf("signature: %w", err)
		}
		if !accepted {
			return sig, nil
		}
	}
	return nil, fmt.Errorf("signature: %s: still 202 Accepted after %d tries: %w", ascURL, f.o.Retries+1, ErrNoSignature)
}

func feedFile(file *os.File, v *trust.Verifier) error {
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	buf := make([]byte, 256<<10)
	for {
		n, err := file.Read(buf)
		if n > 0 {
			v.Write(buf[:n]) //nolint:errcheck // a failed check is reported by Verify
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// keyring is what a signature for w may be made by: the keys trusted for
// its name, or for a fetch by URL every trusted key (the name inside is
// checked against the signer after decompression), plus ExtraKeys.
func (f *fetcher) keyring(w want) ([]*openpgp.Entity, error) {
	ring := append([]*openpgp.Entity(nil), f.o.ExtraKeys...)
	if f.o.Trust == nil {
		return ring, nil
	}
	if w.name != "" {
		keys, err := f.o.Trust.Keyring(w.name)
		if err != nil {
			return nil, err
		}
		return append(ring, keys...), nil
	}
	keys, err := f.o.Trust.List()
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.Entity != nil {
			ring = append(ring, k.Entity)
		}
	}
	return ring, nil
}

func (f *fetcher) checkIssuer(w want, sig []byte) error {
	if w.name == "" || f.o.Trust == nil || len(f.o.ExtraKeys) > 0 {
		return nil // checked in full after the download
	}
	return f.o.Trust.CheckIssuer(w.name, sig)
}

// trustedFor checks that signer may sign images called name.
func (f *fetcher) trustedFor(name string, signer *trust.Signer) error {
	for _, e := range f.o.ExtraKeys {
		if trust.Fingerprint(e) == signer.Fingerprint {
			return nil
		}
	}
	if f.o.Trust != nil {
		keys, err := f.o.Trust.Keyring(name)
		if err != nil {
			return err
		}
		for _, e := range keys {
			if trust.Fingerprint(e) == signer.Fingerprint {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: signed by %s, which is not trusted for %s (aci-trust add --prefix %s KEY)", trust.ErrUntrusted, signer.Fingerprint, name, name)
}

func (f *fetcher) newStreamVerifier(w want, sig []byte) (*trust.Verifier, error) {
	ring, err := f.keyring(w)
	if err != nil {
		return nil, err
	}
	return trust.NewKeyringVerifier(ring, sig)
}
