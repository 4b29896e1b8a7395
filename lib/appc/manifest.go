package appc

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// MaxManifestSize is the largest manifest accepted, in bytes. Callers
// should stop reading beyond it; ParseManifest refuses bigger input.
const MaxManifestSize = 1 << 20

// ImageManifest is the appc image manifest: the "manifest" file of an ACI.
type ImageManifest struct {
	ACKind        string       `json:"acKind"`
	ACVersion     string       `json:"acVersion"`
	Name          string       `json:"name"`
	Labels        Labels       `json:"labels,omitempty"`
	App           *App         `json:"app,omitempty"`
	Annotations   Annotations  `json:"annotations,omitempty"`
	Dependencies  []Dependency `json:"dependencies,omitempty"`
	PathWhitelist []string     `json:"pathWhitelist,omitempty"`
}

var manifestFields = []string{"acKind", "acVersion", "name", "labels", "app",
	"annotations", "dependencies", "pathWhitelist"}

// ParseManifest decodes and strictly validates an appc image manifest. It
// returns every problem found, not just the first, and never panics.
//
// m is nil only when data is larger than MaxManifestSize or is not a JSON
// object (invalid JSON, trailing data, an array, ...); then ps has an
// error. Otherwise m holds every field that could be decoded, even when ps
// has errors, so that callers can report more; it must not be used as a
// valid manifest unless ps.HasErrors() is false.
func ParseManifest(data []byte) (m *ImageManifest, ps Problems) {
	c := &checker{}
	if len(data) > MaxManifestSize {
		c.errf("", "manifest is larger than %d bytes", MaxManifestSize)
		return nil, c.ps
	}
	if !utf8.Valid(data) {
		c.errf("", "manifest is not valid UTF-8")
	}
	v, err := decodeTree(data, c)
	if err != nil {
		c.errf("", "%v", err)
		return nil, c.ps
	}
	if v.kind != jsonObject {
		c.errf("", "manifest must be a JSON object, not %s", kindNames[v.kind])
		return nil, c.ps
	}
	return c.checkManifest(v), c.ps
}

func (c *checker) checkManifest(v *jsonValue) *ImageManifest {
	o := c.object(v, "", manifestFields...)
	m := &ImageManifest{}
	m.ACKind = c.checkKind(o)
	m.ACVersion = c.checkVersion(o)
	m.Name = c.checkName(o)
	if l := o.get("labels", false); l != nil {
		m.Labels = c.checkLabels(l, "labels")
	}
	if a := o.get("app", false); a != nil {
		m.App = c.checkApp(a, "app")
	}
	if a := o.get("annotations", false); a != nil {
		m.Annotations = c.checkAnnotations(a, "annotations")
	}
	if d := o.get("dependencies", false); d != nil {
		m.Dependencies = c.checkDependencies(d, "dependencies")
	}
	m.PathWhitelist = c.checkPathWhitelist(o)
	return m
}

func (c *checker) checkKind(o *object) string {
	kind, ok := o.str("acKind", true)
	if ok && kind != ImageManifestKind {
		c.errf("acKind", "must be %q", ImageManifestKind)
	}
	return kind
}

// checkVersion checks acVersion: SemVer 2.0.0, not 0.0.0, and not newer
// than the version implemented. A newer major version may break anything,
// so it is an error; a newer 0.x is only warned about.
func (c *checker) checkVersion(o *object) string {
	s, ok := o.str("acVersion", true)
	if !ok {
		return s
	}
	v, err := parseSemVer(s)
	switch {
	case err != nil:
		c.errf("acVersion", "must be a SemVer 2.0.0 version like %q: %v", ACVersion, err)
	case v.isZero():
		c.errf("acVersion", "must not be 0.0.0")
	case v.major > supportedVersion.major:
		c.errf("acVersion", "newer major version than supported %s", ACVersion)
	case v.newerCore(supportedVersion):
		c.warnf("acVersion", "newer version than supported %s", ACVersion)
	}
	return s
}

func (c *checker) checkName(o *object) string {
	name, ok := o.str("name", true)
	if ok && !ValidIdentifier(name) {
		c.errf("name", "%s", identifierRule)
	}
	return name
}

// checkPathWhitelist checks that every entry is an absolute, clean path;
// repeats are harmless but suspicious.
func (c *checker) checkPathWhitelist(o *object) []string {
	list, _ := o.strings("pathWhitelist", false)
	seen := map[string]bool{}
	for i, p := range list {
		field := indexPath("pathWhitelist", i)
		if c.checkAbsPath(field, p) && seen[p] {
			c.warnf(field, "duplicate path %q", p)
		}
		seen[p] = true
	}
	return list
}

// Validate checks a manifest built in code by encoding it and parsing the
// result with ParseManifest, so it applies exactly the same rules.
func (m *ImageManifest) Validate() Problems {
	data, err := json.Marshal(m)
	if err != nil {
		return Problems{{Msg: fmt.Sprintf("cannot encode manifest: %v", err)}}
	}
	_, ps := ParseManifest(data)
	return ps
}
