package appc

import (
	"sort"
	"strings"
)

// Dependency is an image whose rootfs is laid down before this image's.
// Only its files matter: its app section is ignored.
type Dependency struct {
	ImageName string `json:"imageName"`
	ImageID   string `json:"imageID,omitempty"`
	Labels    Labels `json:"labels,omitempty"`
	Size      uint64 `json:"size,omitempty"`
}

func (c *checker) checkDependencies(v *jsonValue, path string) []Dependency {
	var out []Dependency
	seen := map[string]bool{}
	for i, e := range c.array(v, path, "must be an array of dependency objects") {
		field := indexPath(path, i)
		d, ok := c.checkDependency(e, field)
		if !ok {
			continue
		}
		if key := d.matchKey(); seen[key] {
			c.warnf(field, "duplicate dependency (same imageName and labels)")
		} else {
			seen[key] = true
		}
		out = append(out, d)
	}
	return out
}

func (c *checker) checkDependency(v *jsonValue, path string) (Dependency, bool) {
	o := c.object(v, path, "imageName", "imageID", "labels", "size")
	if o == nil {
		return Dependency{}, false
	}
	var d Dependency
	name, ok := o.str("imageName", true)
	if ok && !ValidIdentifier(name) {
		c.errf(o.field("imageName"), "%s", identifierRule)
		ok = false
	}
	d.ImageName = name
	if id, present := o.str("imageID", false); present && !ValidImageID(id) {
		c.errf(o.field("imageID"), "%s", imageIDRule)
	} else {
		d.ImageID = id
	}
	if l := o.get("labels", false); l != nil {
		d.Labels = c.checkLabels(l, o.field("labels"))
	}
	if s := o.get("size", false); s != nil {
		d.Size, _ = c.unsigned(s, o.field("size"))
	}
	return d, ok
}

// matchKey identifies what a dependency asks discovery for: its name and
// its labels in any order.
func (d Dependency) matchKey() string {
	pairs := make([]string, len(d.Labels))
	for i, l := range d.Labels {
		pairs[i] = l.Name + "\x00" + l.Value
	}
	sort.Strings(pairs)
	return d.ImageName + "\x00\x00" + strings.Join(pairs, "\x00")
}
