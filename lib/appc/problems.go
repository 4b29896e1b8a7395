package appc

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one finding about a manifest.
type Problem struct {
	// Field is the path into the document, such as "name",
	// "labels[2].value" or "app.isolators[1].value.set[0]". It is empty
	// when the problem is about the whole document.
	Field string
	// Msg is a lowercase phrase that states the rule that was broken, such
	// as "must be an absolute path".
	Msg string
	// Warning is true when the problem is reported but the manifest is
	// still valid.
	Warning bool
}

// String returns "field: msg", or just msg for a whole-document problem.
// It does not mark warnings; callers add their own prefix.
func (p Problem) String() string {
	if p.Field == "" {
		return p.Msg
	}
	return p.Field + ": " + p.Msg
}

// Problems is a list of findings in document order.
type Problems []Problem

// HasErrors reports whether any problem is an error rather than a warning.
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Errors returns the problems that make the manifest invalid.
func (ps Problems) Errors() Problems {
	return ps.filter(false)
}

// Warnings returns the problems that leave the manifest valid.
func (ps Problems) Warnings() Problems {
	return ps.filter(true)
}

func (ps Problems) filter(warning bool) Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning == warning {
			out = append(out, p)
		}
	}
	return out
}

// String joins the problems one per line, for logs and test failures.
func (ps Problems) String() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
		if p.Warning {
			lines[i] = "warning: " + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// checker collects problems while a document is walked.
type checker struct {
	ps Problems
}

func (c *checker) errf(field, format string, args ...any) {
	c.ps = append(c.ps, Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(field, format string, args ...any) {
	c.ps = append(c.ps, Problem{Field: field, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// fieldPath appends an object key to a path. Keys that are not plain words
// are quoted so that the path stays unambiguous.
func fieldPath(parent, key string) string {
	if !plainKey(key) {
		return fmt.Sprintf("%s[%q]", parent, key)
	}
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// indexPath appends an array index to a path.
func indexPath(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

func plainKey(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		b := key[i]
		letter := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_'
		if !letter && !(i > 0 && (b >= '0' && b <= '9' || b == '-')) {
			return false
		}
	}
	return true
}
