package validate

import (
	"path"
	"strings"
)

// defaultFilesystems SHOULD be mounted in every container (B-8).
var defaultFilesystems = []string{"/proc", "/sys", "/dev/pts", "/dev/shm"}

func (c *checker) checkMounts() {
	mounts := objList(arrAt(c.doc, "mounts"))
	for _, m := range mounts {
		p := index("mounts", m.i)
		c.checkMount(p, m.o)
	}
	c.checkCovered(mounts)
	c.checkDefaultMounts(mounts)
}

func (c *checker) checkMount(p string, m object) {
	if d, ok := strAt(m, "destination"); ok && d != "" && !path.IsAbs(d) {
		c.warn("A-7", p+".destination", "%q is relative: deprecated, read as relative to /", d)
	}
	for _, o := range strList(arrAt(m, "options")) {
		switch {
		case o.s == "":
			c.warn("A-8", index(p+".options", o.i), "empty option")
		case strings.Contains(o.s, ","):
			c.warn("A-8", index(p+".options", o.i), "%q holds a comma: give each option separately, or it is passed to the filesystem as data", o.s)
		}
	}
	if t, _ := strAt(m, "type"); t == "bind" && !isBind(m) {
		c.warn("A-7", p+".type", "type bind without a bind or rbind option: the spec makes a bind mount by the option only")
	}
	c.checkMountMappings(p, m)
}

// isBind: a mount is a bind mount iff its options hold bind or rbind.
func isBind(m object) bool {
	return hasOption(m, "bind") || hasOption(m, "rbind")
}

func hasOption(m object, opt string) bool {
	for _, o := range strList(arrAt(m, "options")) {
		if o.s == opt {
			return true
		}
	}
	return false
}

// checkMountMappings: per-mount mappings come as a pair, SHOULD go with
// idmap or ridmap, and idmap without them needs a user namespace to take
// the mappings from.
func (c *checker) checkMountMappings(p string, m object) {
	_, hasUID := m["uidMappings"]
	_, hasGID := m["gidMappings"]
	idmap := hasOption(m, "idmap") || hasOption(m, "ridmap")
	switch {
	case hasUID && !hasGID:
		c.err("A-9", p, "uidMappings without gidMappings: they go together")
	case hasGID && !hasUID:
		c.err("A-9", p, "gidMappings without uidMappings: they go together")
	case hasUID && !idmap:
		c.warn("A-9", p, "mappings without an idmap or ridmap option: older runtimes ignore them")
	case idmap && !hasUID && !c.hasNS("user"):
		c.err("A-9", p, "idmap without uidMappings and gidMappings needs a user namespace to take them from")
	}
	c.checkMappings(p+".uidMappings", arrAt(m, "uidMappings"), "A-9")
	c.checkMappings(p+".gidMappings", arrAt(m, "gidMappings"), "A-9")
}

// checkCovered warns when a mount is hidden by a later one mounted on the
// same place or on one of its parents.
func (c *checker) checkCovered(mounts []indexedObj) {
	last := map[string]int{}
	for _, m := range mounts {
		if d, ok := mountDest(m.o); ok {
			last[d] = m.i
		}
	}
	for _, m := range mounts {
		d, ok := mountDest(m.o)
		if !ok {
			continue
		}
		for a := d; ; a = path.Dir(a) {
			if j, ok := last[a]; ok && j > m.i {
				c.warn("A-50", index("mounts", m.i), "%s is covered by mounts[%d] (%s), mounted later", d, j, a)
				break
			}
			if a == "/" {
				break
			}
		}
	}
}

// mountDest is a mount's destination as an absolute clean path.
func mountDest(m object) (string, bool) {
	d, ok := strAt(m, "destination")
	if !ok || d == "" {
		return "", false
	}
	return path.Clean("/" + d), true
}

func (c *checker) checkDefaultMounts(mounts []indexedObj) {
	have := map[string]bool{}
	for _, m := range mounts {
		if d, ok := mountDest(m.o); ok {
			have[d] = true
		}
	}
	var missing []string
	for _, fs := range defaultFilesystems {
		if !have[fs] {
			missing = append(missing, fs)
		}
	}
	if len(missing) > 0 {
		c.warn("A-10", "mounts", "nothing mounted on %s (the filesystems every container SHOULD have)", strings.Join(missing, ", "))
	}
}

// coveredByMount reports whether a mount hides the rootfs at container
// path p, so that what the rootfs holds there does not matter.
func (c *checker) coveredByMount(p string) bool {
	p = path.Clean("/" + p)
	for _, m := range objList(arrAt(c.doc, "mounts")) {
		d, ok := mountDest(m.o)
		if ok && (d == "/" || p == d || strings.HasPrefix(p, d+"/")) {
			return true
		}
	}
	return false
}
