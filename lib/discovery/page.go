package discovery

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// The meta tag names of appc discovery.
const (
	metaDiscovery = "ac-discovery"
	metaPubkeys   = "ac-discovery-pubkeys"
)

// Tag is one discovery meta tag: its kind (the meta name, "ac-discovery"
// or "ac-discovery-pubkeys"), the name prefix it covers and the rest of its
// content (a URL template, or a key URL).
type Tag struct {
	Kind   string
	Prefix string
	URL    string
}

// ParseTags returns the discovery meta tags of an HTML page in document
// order. Like the reference code it reads <meta> anywhere in the document
// and splits content at the first white space into prefix and URL; tags
// missing either are skipped. A trailing "/" on a prefix is dropped, so
// "example.com/" covers what "example.com" does. Text inside <script>,
// <style> or comments is not markup and is never read as a tag.
func ParseTags(page []byte) []Tag {
	var tags []Tag
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tags
		case html.StartTagToken, html.SelfClosingTagToken:
			if t, ok := readMeta(z); ok {
				tags = append(tags, t)
			}
		}
	}
}

// readMeta reads the current tag as a discovery tag if it is one; the
// first of duplicated attributes wins, as in HTML parsing.
func readMeta(z *html.Tokenizer) (Tag, bool) {
	tag, hasAttr := z.TagName()
	if string(tag) != "meta" || !hasAttr {
		return Tag{}, false
	}
	var name, content string
	var haveName, haveContent bool
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch {
		case string(k) == "name" && !haveName:
			name, haveName = string(v), true
		case string(k) == "content" && !haveContent:
			content, haveContent = string(v), true
		}
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if name != metaDiscovery && name != metaPubkeys {
		return Tag{}, false
	}
	return splitContent(name, content)
}

// splitContent splits "PREFIX URL" at the first white space.
func splitContent(kind, content string) (Tag, bool) {
	content = strings.TrimSpace(content)
	i := strings.IndexAny(content, " \t\n\r\f")
	if i < 0 {
		return Tag{}, false
	}
	prefix := strings.TrimRight(content[:i], "/")
	u := strings.TrimSpace(content[i:])
	if prefix == "" || u == "" {
		return Tag{}, false
	}
	return Tag{Kind: kind, Prefix: prefix, URL: u}, true
}

// MatchPrefix reports whether a tag's prefix covers name, by whole path
// components: equal, or name continues past the prefix with a "/". So
// example.com/etc covers example.com/etc/x but never example.com/etcd.
func MatchPrefix(prefix, name string) bool {
	return prefix != "" && (name == prefix || strings.HasPrefix(name, prefix+"/"))
}
