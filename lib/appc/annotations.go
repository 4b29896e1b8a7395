package appc

import (
	"net/url"
	"regexp"
	"time"
)

// The annotation names the spec defines and this package checks.
const (
	AnnotationCreated       = "created"
	AnnotationAuthors       = "authors"
	AnnotationHomepage      = "homepage"
	AnnotationDocumentation = "documentation"
	AnnotationSystemdNotify = "appc.io/executor/supports-systemd-notify"
)

// Annotation is a name/value pair of free-form image metadata.
type Annotation struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Annotations is an ordered list of annotations with unique names.
type Annotations []Annotation

// Get returns the value of the annotation called name and whether it
// exists.
func (as Annotations) Get(name string) (string, bool) {
	for _, a := range as {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// rfc3339RE is the RFC 3339 date-time production: upper-case T and Z and a
// mandatory zone. time.Parse then checks the ranges.
var rfc3339RE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

func (c *checker) checkAnnotations(v *jsonValue, path string) Annotations {
	elems := c.array(v, path, "must be an array of {name, value} objects")
	var out Annotations
	seen := map[string]bool{}
	for i, e := range elems {
		if a, ok := c.checkAnnotation(e, indexPath(path, i), seen); ok {
			out = append(out, a)
		}
	}
	return out
}

func (c *checker) checkAnnotation(v *jsonValue, path string, seen map[string]bool) (Annotation, bool) {
	o := c.object(v, path, "name", "value")
	if o == nil {
		return Annotation{}, false
	}
	name, okName := o.str("name", true)
	value, okValue := o.str("value", true)
	switch {
	case !okName:
	case !ValidIdentifier(name):
		c.errf(o.field("name"), "%s", identifierRule)
	case seen[name]:
		c.errf(o.field("name"), "duplicate annotation %q", name)
	case okValue:
		seen[name] = true
		c.checkAnnotationValue(o.field("value"), name, value)
		return Annotation{Name: name, Value: value}, true
	}
	return Annotation{}, false
}

func (c *checker) checkAnnotationValue(field, name, value string) {
	switch name {
	case AnnotationCreated:
		if !validTimestamp(value) {
			c.errf(field, "must be an RFC 3339 date-time with T and a time zone, like 2006-01-02T15:04:05Z")
		}
	case AnnotationHomepage, AnnotationDocumentation:
		if !validHTTPURL(value) {
			c.errf(field, "must be an http or https URL with a host")
		}
	case AnnotationSystemdNotify:
		if value != "true" && value != "false" {
			c.errf(field, `must be "true" or "false"`)
		}
	}
}

// validTimestamp reports whether s is an appc timestamp (RFC 3339
// date-time).
func validTimestamp(s string) bool {
	if !rfc3339RE.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
