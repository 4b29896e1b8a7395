package discovery

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestResultJSON(t *testing.T) {
	r := &Result{
		Name:   "example.com/app",
		Labels: map[string]string{"version": "1.0", "os": "linux", "arch": "amd64"},
		Images: []Endpoint{{ACI: "https://x.example/a.aci?a=1&b=2", ASC: "https://x.example/a.aci.asc?a=1&b=2"}},
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	want := `{"name":"example.com/app","labels":{"arch":"amd64","os":"linux","version":"1.0"},"images":[{"aci":"https://x.example/a.aci?a=1&b=2","asc":"https://x.example/a.aci.asc?a=1&b=2"}],"keys":[]}` + "\n"
	if b.String() != want {
		t.Errorf("WriteJSON =\n%s\nwant\n%s", b.String(), want)
	}
	back, err := ReadResult(&b)
	if err != nil {
		t.Fatal(err)
	}
	r.Keys = []string{}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("ReadResult(WriteJSON(r)) = %+v, want %+v", back, r)
	}
	if got := back.App().String(); got != "example.com/app:1.0,arch=amd64,os=linux" {
		t.Errorf("App() = %q", got)
	}
}

func TestReadResult(t *testing.T) {
	const img = `"images":[{"aci":"https://x/a.aci","asc":"https://x/a.aci.asc"}]`
	ok := []string{
		`{"name":"a.com/b",` + img + `}`,
		`{"name":"a.com/b","labels":null,"keys":null,` + img + `}`,
		`{"name":"a.com/b","labels":{"os":"linux"},"keys":["https://x/k.gpg"],"future":1,` + img + "}\n\n",
	}
	for _, in := range ok {
		r, err := ReadResult(strings.NewReader(in))
		if err != nil {
			t.Errorf("ReadResult(%s): %v", in, err)
			continue
		}
		if r.Labels == nil || r.Keys == nil {
			t.Errorf("ReadResult(%s) left nil labels or keys", in)
		}
	}
	bad := map[string]string{
		``:                                 "EOF",
		`[]`:                               "cannot unmarshal",
		`{"name":"a.com/b",` + img + `}{}`: "data after the document",
		`{"name":"A.com",` + img + `}`:     `name "A.com" is not an AC Identifier`,
		`{"name":"a.com/b"}`:               "images: no image endpoint",
		`{"name":"a.com/b","images":[]}`:   "images: no image endpoint",
		`{"name":"a.com/b","images":[{"aci":"https://x/a.aci","asc":"https://x/a.aci"}]}`: "images[0]: the image and signature URLs are the same",
		`{"name":"a.com/b","images":[{"aci":"/a.aci","asc":"https://x/a.aci.asc"}]}`:      "images[0].aci: not an absolute URL",
		`{"name":"a.com/b","images":[{"aci":"https://x/a.aci"}]}`:                         "images[0].asc: not an absolute URL",
		`{"name":"a.com/b","keys":["k.gpg"],` + img + `}`:                                 "keys[0]: not an absolute URL",
		`{"name":"a.com/b","labels":{"name":"x"},` + img + `}`:                            `"name" cannot be a label`,
		`{"name":"a.com/b","labels":{"Os":"linux"},` + img + `}`:                          `labels: "Os" is not an AC Identifier`,
		`{"name":"a.com/b","labels":{"os":"linux","arch":"arm64"},` + img + `}`:           `appc calls it "aarch64"`,
		`{"name":"a.com/b","labels":{"version":"a b"},` + img + `}`:                       "labels.version",
		`{"name":"a.com/b","labels":{"version":1},` + img + `}`:                           "cannot unmarshal number",
		`{"name":"a.com/b","x":"` + strings.Repeat("a", MaxResultSize) + `"}`:             "larger than 1 MiB",
	}
	for in, want := range bad {
		_, err := ReadResult(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "discovery JSON: ") {
			short := in
			if len(short) > 100 {
				short = short[:100]
			}
			t.Errorf("ReadResult(%s) = %v, want an error containing %q", short, err, want)
		}
	}
}
