package appc

import "fmt"

// Label is a name/value pair used in discovery and dependency matching.
type Label struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Labels is an ordered list of labels with unique names.
type Labels []Label

// Get returns the value of the label called name and whether it exists.
func (ls Labels) Get(name string) (string, bool) {
	for _, l := range ls {
		if l.Name == name {
			return l.Value, true
		}
	}
	return "", false
}

// labelAt remembers where a label was found, for cross-label checks.
type labelAt struct {
	field string
	value string
}

// checkLabels decodes a labels list (top level or a dependency's) and
// checks names, uniqueness and the os/arch pair.
func (c *checker) checkLabels(v *jsonValue, path string) Labels {
	elems := c.array(v, path, "must be an array of {name, value} objects")
	var out Labels
	seen := map[string]labelAt{}
	for i, e := range elems {
		l, ok := c.checkLabel(e, indexPath(path, i), seen)
		if ok {
			out = append(out, l)
		}
	}
	c.checkOSArch(seen)
	return out
}

func (c *checker) checkLabel(v *jsonValue, path string, seen map[string]labelAt) (Label, bool) {
	o := c.object(v, path, "name", "value")
	if o == nil {
		return Label{}, false
	}
	name, okName := o.str("name", true)
	value, okValue := o.str("value", true)
	if !okName || !c.checkLabelName(o.field("name"), name, seen) || !okValue {
		return Label{}, false
	}
	seen[name] = labelAt{field: o.field("value"), value: value}
	return Label{Name: name, Value: value}, true
}

func (c *checker) checkLabelName(field, name string, seen map[string]labelAt) bool {
	switch _, dup := seen[name]; {
	case !ValidIdentifier(name):
		c.errf(field, "%s", identifierRule)
	case name == "name":
		c.errf(field, `"name" is not allowed as a label name (use the image name)`)
	case dup:
		c.errf(field, "duplicate label %q", name)
	default:
		return true
	}
	return false
}

// checkOSArch checks the os and arch labels against the appc table; arch
// means nothing without os.
func (c *checker) checkOSArch(seen map[string]labelAt) {
	os, hasOS := seen["os"]
	arch, hasArch := seen["arch"]
	if version, ok := seen["version"]; ok && version.value == "" {
		c.warnf(version.field, "empty version label")
	}
	switch {
	case hasOS && !ValidOS(os.value):
		c.errf(os.field, "unknown os %q (appc knows linux, freebsd and darwin)", os.value)
	case hasOS && hasArch && !ValidOSArch(os.value, arch.value):
		c.errf(arch.field, "%s", badArchMsg(os.value, arch.value))
	case hasArch && !hasOS:
		c.warnf(arch.field, "arch label without os label is meaningless")
	}
}

// badArchMsg explains an unsupported arch, suggesting the appc name when
// the value is a Go GOARCH name.
func badArchMsg(os, arch string) string {
	msg := fmt.Sprintf("unsupported arch %q for os %q", arch, os)
	if _, appcArch, err := AppcOSArch(os, arch, ""); err == nil {
		msg += fmt.Sprintf(" (Go name; appc calls it %q)", appcArch)
	}
	return msg
}
