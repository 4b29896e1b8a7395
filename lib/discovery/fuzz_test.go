package discovery

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseTags feeds hostile pages through the tag parser and template
// rendering: no panics, and whatever comes out is a usable URL.
func FuzzParseTags(f *testing.F) {
	f.Add([]byte(`<meta name="ac-discovery" content="a.com https://a.com/{name}-{version}.{ext}">`))
	f.Fuzz(func(t *testing.T, page []byte) {
		tags := ParseTags(page)
		a := App{Name: "a.com/b", Labels: map[string]string{"version": "1", "os": "linux", "arch": "amd64"}}
		eps, err := images(tags, a)
		if (err == nil) != (len(eps) > 0) {
			t.Fatalf("images = %v, %v", eps, err)
		}
		for _, ep := range eps {
			if CheckURL(ep.ACI) != nil || CheckURL(ep.ASC) != nil || ep.ACI == ep.ASC || strings.ContainsAny(ep.ACI+ep.ASC, "{}") {
				t.Fatalf("bad endpoint %q", ep)
			}
		}
		ks, _ := keys(tags, a.Name)
		for _, k := range ks {
			if CheckURL(k) != nil {
				t.Fatalf("bad key URL %q", k)
			}
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
			t.Fatalf("error spans lines: %q", err)
		}
	})
}

// FuzzParseApp checks that an accepted reference reads back from its
// canonical form unchanged.
func FuzzParseApp(f *testing.F) {
	f.Add("example.com/app:1.0,os=linux,arch=amd64")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseApp(s)
		if err != nil {
			return
		}
		b, err := ParseApp(a.String())
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("%q: String() %q reads back as %v, %v", s, a.String(), b, err)
		}
		_ = a.WithDefaults().String()
	})
}

// FuzzReadResult checks that accepted discovery JSON writes back to JSON
// that reads the same.
func FuzzReadResult(f *testing.F) {
	f.Add([]byte(`{"name":"a.com/b","labels":{"os":"linux"},"images":[{"aci":"https://x/a.aci","asc":"https://x/a.aci.asc"}],"keys":["https://x/k"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadResult(bytes.NewReader(data))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := r.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		back, err := ReadResult(&b)
		if err != nil || !reflect.DeepEqual(back, r) {
			t.Fatalf("round trip: %v, %v", back, err)
		}
	})
}
