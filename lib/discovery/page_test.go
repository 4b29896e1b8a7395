package discovery

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseTags(t *testing.T) {
	tests := []struct {
		name, page string
		want       []Tag
	}{
		{"spec sample", `<!DOCTYPE html><html><head>
<meta charset="utf-8">
<meta name="ac-discovery" content="example.com/hello https://example.com/images/{name}-{version}-{os}-{arch}.{ext}">
<meta name="ac-discovery" content="example.com/hello https://example.com/images/{name}-{version}.{ext}">
<meta name="ac-discovery-pubkeys" content="example.com/hello https://example.com/pubkeys.gpg">
</head><body></body></html>`, []Tag{
			{metaDiscovery, "example.com/hello", "https://example.com/images/{name}-{version}-{os}-{arch}.{ext}"},
			{metaDiscovery, "example.com/hello", "https://example.com/images/{name}-{version}.{ext}"},
			{metaPubkeys, "example.com/hello", "https://example.com/pubkeys.gpg"},
		}},
		{"self-closing, attribute order, entities, extra space", `<meta content="  a.com/x	  https://a.com/{name}.{ext}?a=1&amp;b=2  " name="ac-discovery"/>`,
			[]Tag{{metaDiscovery, "a.com/x", "https://a.com/{name}.{ext}?a=1&b=2"}}},
		{"body and unclosed tags", `<body><p><meta name=ac-discovery content="a.com https://a.com/{ext}">`,
			[]Tag{{metaDiscovery, "a.com", "https://a.com/{ext}"}}},
		{"trailing slash on the prefix", `<meta name="ac-discovery-pubkeys" content="a.com/ https://a.com/k">`,
			[]Tag{{metaPubkeys, "a.com", "https://a.com/k"}}},
		{"first duplicate attribute wins", `<meta name="ac-discovery" name="x" content="a.com https://a/{ext}" content="b.com https://b/{ext}">`,
			[]Tag{{metaDiscovery, "a.com", "https://a/{ext}"}}},
		{"uppercase markup", `<META NAME="AC-Discovery" CONTENT="a.com https://a/{ext}">`,
			[]Tag{{metaDiscovery, "a.com", "https://a/{ext}"}}},
		{"skipped", `<meta name="ac-discovery" content="a.com">
<meta name="ac-discovery" content="">
<meta name="ac-discovery">
<meta name="ac-discovery" content=" / https://x">
<meta name="ac-other" content="a.com https://x">
<meta name="description" content="a.com https://x">
<link name="ac-discovery" content="a.com https://x">
<!-- <meta name="ac-discovery" content="a.com https://comment/{ext}"> -->
<script>document.write('<meta name="ac-discovery" content="a.com https://script/{ext}">')</script>
<style>/* <meta name="ac-discovery" content="a.com https://style/{ext}"> */</style>
<textarea><meta name="ac-discovery" content="a.com https://textarea/{ext}"></textarea>`, nil},
		{"truncated page", `<meta name="ac-discovery" content="a.com https://a/{ext}"><meta name="ac-disc`,
			[]Tag{{metaDiscovery, "a.com", "https://a/{ext}"}}},
		{"not HTML", "\x00\xff\xfe<<<>>>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseTags([]byte(tt.page)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseTags =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestMatchPrefix(t *testing.T) {
	tests := []struct {
		prefix, name string
		want         bool
	}{
		{"example.com/etc", "example.com/etc", true},
		{"example.com/etc", "example.com/etc/x", true},
		{"example.com/etc", "example.com/etcd", false},
		{"example.com/etc", "example.com/et", false},
		{"example.com", "example.com/etcd", true},
		{"example.com", "example.community/x", false},
		{"", "example.com", false},
		{"example.com/", "example.com/x", false}, // ParseTags trims the slash before matching
	}
	for _, tt := range tests {
		if got := MatchPrefix(tt.prefix, tt.name); got != tt.want {
			t.Errorf("MatchPrefix(%q, %q) = %v, want %v", tt.prefix, tt.name, got, tt.want)
		}
	}
}

func TestRenderTemplate(t *testing.T) {
	app := App{Name: "example.com/app", Labels: map[string]string{"version": "1.0", "os": "linux", "arch": "amd64", "channel": "beta", "ext": "no"}}
	tests := []struct {
		tmpl, want string
		err        error
	}{
		{"https://example.com/{name}-{version}-{os}-{arch}.{ext}", "https://example.com/example.com/app-1.0-linux-amd64.aci", nil},
		{"https://example.com/{channel}/{name}.{ext}", "https://example.com/beta/example.com/app.aci", nil},
		{"https://{os}.example.com:8443/{name}.{ext}?v={version}", "https://linux.example.com:8443/example.com/app.aci?v=1.0", nil},
		{"hdfs://store.example.com/{name}.{ext}", "hdfs://store.example.com/example.com/app.aci", nil},
		{"https://example.com/{name}-{foo}.{ext}", "", ErrUnfilled},
		{"https://example.com/{name}-{version.{ext}", "", ErrUnfilled},
		{"https://example.com/{name}.{ext", "", ErrUnfilled},
		{"https://example.com/{name}}.{ext}", "", ErrUnfilled},
		{"https://example.com/{{os}}.{ext}", "", ErrUnfilled},
		{"https://example.com/{}.{ext}", "", ErrUnfilled},
		{"/images/{name}.{ext}", "", ErrBadURL},
		{"{name}.{ext}", "", ErrBadURL},
		{"file:///{name}.{ext}", "", ErrBadURL},
		{"https://example.com/a b/{name}.{ext}", "", ErrBadURL},
		{"https://example.com/\u00e9/{name}.{ext}", "", ErrBadURL},
		{"https://exa mple.com/{name}.{ext}", "", ErrBadURL},
	}
	for _, tt := range tests {
		got, err := RenderTemplate(tt.tmpl, app, ExtACI)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("RenderTemplate(%q) = %q, %v; want %q, %v", tt.tmpl, got, err, tt.want, tt.err)
		}
	}
	if _, err := endpoint("https://example.com/{name}-{version}", app); !errors.Is(err, ErrNoExt) {
		t.Errorf("a template without {ext}: %v, want ErrNoExt", err)
	}
	ep, err := endpoint("https://example.com/{name}.{ext}", app)
	if err != nil || ep != (Endpoint{"https://example.com/example.com/app.aci", "https://example.com/example.com/app.aci.asc"}) {
		t.Errorf("endpoint = %v, %v", ep, err)
	}
}

func TestLevels(t *testing.T) {
	for name, want := range map[string][]string{
		"a.com":           {"a.com"},
		"a.com/p/s":       {"a.com/p/s", "a.com/p", "a.com"},
		"a.com/p.q/s-t/u": {"a.com/p.q/s-t/u", "a.com/p.q/s-t", "a.com/p.q", "a.com"},
	} {
		if got := levels(name); !reflect.DeepEqual(got, want) {
			t.Errorf("levels(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestPageURL(t *testing.T) {
	for _, tt := range []struct {
		scheme, prefix string
		port           int
		want           string
	}{
		{"https", "example.com/app", 0, "https://example.com/app?ac-discovery=1"},
		{"https", "example.com", 0, "https://example.com?ac-discovery=1"},
		{"http", "127.0.0.1/a/b", 8080, "http://127.0.0.1:8080/a/b?ac-discovery=1"},
	} {
		if got := pageURL(tt.scheme, tt.prefix, tt.port); got != tt.want {
			t.Errorf("pageURL(%q, %q, %d) = %q, want %q", tt.scheme, tt.prefix, tt.port, got, tt.want)
		}
	}
}
