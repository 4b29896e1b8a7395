package discovery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/intermodal/intermodal/lib/appc"
)

// MaxResultSize caps the discovery JSON ReadResult accepts.
const MaxResultSize = 1 << 20

// Endpoint is where one copy of the image and its signature live.
type Endpoint struct {
	ACI string `json:"aci"`
	ASC string `json:"asc"`
}

// Result is what discovery found: the name and labels it used, the image
// endpoints in the page's order (mirrors) and the public key URLs. Its JSON
// form, from WriteJSON, is what aci-discover --json prints and aci-fetch
// reads; Images and Keys are [] rather than null when empty.
type Result struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	Images []Endpoint        `json:"images"`
	Keys   []string          `json:"keys"`
}

func newResult(app App) *Result {
	r := &Result{Name: app.Name, Labels: map[string]string{}, Images: []Endpoint{}, Keys: []string{}}
	for k, v := range app.Labels {
		r.Labels[k] = v
	}
	return r
}

// App gives the name and labels the result was discovered with.
func (r *Result) App() App {
	a := App{Name: r.Name, Labels: map[string]string{}}
	for k, v := range r.Labels {
		a.Labels[k] = v
	}
	return a
}

// WriteJSON writes r as one JSON document and a newline, keys in a fixed
// order (labels sorted), URLs unescaped.
func (r *Result) WriteJSON(w io.Writer) error {
	out := *r
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	if out.Images == nil {
		out.Images = []Endpoint{}
	}
	if out.Keys == nil {
		out.Keys = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// ReadResult reads and checks discovery JSON as WriteJSON writes it: at
// most MaxResultSize bytes, one document, a valid name and labels, at least
// one image, and absolute URLs with a host everywhere, an image's signature
// URL differing from its own. Unknown fields are ignored, so a newer
// aci-discover can add some.
func ReadResult(r io.Reader) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxResultSize+1))
	if err != nil {
		return nil, fmt.Errorf("discovery JSON: %w", err)
	}
	if len(data) > MaxResultSize {
		return nil, fmt.Errorf("discovery JSON: larger than %s", formatSize(MaxResultSize))
	}
	var res Result
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("discovery JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("discovery JSON: data after the document")
	}
	if err := res.check(); err != nil {
		return nil, fmt.Errorf("discovery JSON: %w", err)
	}
	return &res, nil
}

// check validates a decoded result and replaces null lists and maps.
func (r *Result) check() error {
	if !appc.ValidIdentifier(r.Name) {
		return fmt.Errorf("name %s %s", quote(r.Name), identifierRule)
	}
	if r.Labels == nil {
		r.Labels = map[string]string{}
	}
	if err := checkLabels(r.Labels); err != nil {
		return err
	}
	if len(r.Images) == 0 {
		return errors.New("images: no image endpoint")
	}
	for i, ep := range r.Images {
		if err := checkEndpoint(ep); err != nil {
			return fmt.Errorf("images[%d]%w", i, err)
		}
	}
	if r.Keys == nil {
		r.Keys = []string{}
	}
	for i, k := range r.Keys {
		if err := CheckURL(k); err != nil {
			return fmt.Errorf("keys[%d]: %w", i, err)
		}
	}
	return nil
}

func checkLabels(labels map[string]string) error {
	for _, k := range sortedKeys(labels) {
		switch {
		case !appc.ValidIdentifier(k):
			return fmt.Errorf("labels: %s %s", quote(k), identifierRule)
		case k == "name":
			return errors.New(`labels: "name" cannot be a label`)
		}
		if err := checkLabelValue(labels[k]); err != nil {
			return fmt.Errorf("labels.%s: %s: %w", k, quote(labels[k]), err)
		}
	}
	if err := checkOSArch(labels); err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	return nil
}

func checkEndpoint(ep Endpoint) error {
	if err := CheckURL(ep.ACI); err != nil {
		return fmt.Errorf(".aci: %w", err)
	}
	if err := CheckURL(ep.ASC); err != nil {
		return fmt.Errorf(".asc: %w", err)
	}
	if ep.ACI == ep.ASC {
		return errors.New(": the image and signature URLs are the same")
	}
	return nil
}
