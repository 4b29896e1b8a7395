package validate

import (
	"path"
	"strings"
)

// nsEntry is the first namespace entry of a type.
type nsEntry struct {
	i    int
	path string
}

func namespaces(linux object) map[string]nsEntry {
	ns := map[string]nsEntry{}
	for _, n := range objList(arrAt(linux, "namespaces")) {
		t, ok := strAt(n.o, "type")
		if _, dup := ns[t]; !ok || dup {
			continue
		}
		p, _ := strAt(n.o, "path")
		ns[t] = nsEntry{n.i, p}
	}
	return ns
}

// hasNS: the container has its own namespace of type t, new or joined.
func (c *checker) hasNS(t string) bool { _, ok := c.ns[t]; return ok }

// newNS: the runtime creates a namespace of type t for the container.
func (c *checker) newNS(t string) bool { e, ok := c.ns[t]; return ok && e.path == "" }

func (c *checker) checkLinux() {
	linux := objAt(c.doc, "linux")
	c.checkNamespaces(linux)
	c.checkIDMappings(linux)
	c.checkTimeOffsets(linux)
	c.checkDevices(linux)
	c.checkCgroupsPath(linux)
	c.checkResources(objAt(linux, "resources"))
	c.checkSysctl(objAt(linux, "sysctl"))
	c.checkSeccomp(objAt(linux, "seccomp"))
	c.checkContainerPaths(linux, "maskedPaths")
	c.checkContainerPaths(linux, "readonlyPaths")
	c.checkLabel("A-44", "linux", linux, "mountLabel")
	c.checkPersonality(objAt(linux, "personality"))
	c.checkMemoryPolicy(objAt(linux, "memoryPolicy"))
	c.checkIntelRdt(objAt(linux, "intelRdt"))
	c.checkNetDevices(objAt(linux, "netDevices"))
}

// checkNamespaces: a path is absolute; a type appears once.
func (c *checker) checkNamespaces(linux object) {
	seen := map[string]bool{}
	for _, n := range objList(arrAt(linux, "namespaces")) {
		p := index("linux.namespaces", n.i)
		if np, ok := strAt(n.o, "path"); ok && np != "" && !path.IsAbs(np) {
			c.err("A-29", p+".path", "%q is not an absolute path", np)
		}
		t, ok := strAt(n.o, "type")
		if !ok {
			continue
		}
		if seen[t] {
			c.err("A-29", p, "duplicate type %q", t)
		}
		seen[t] = true
	}
}

// checkIDMappings: mappings belong to a user namespace, and a new user
// namespace needs both.
func (c *checker) checkIDMappings(linux object) {
	for _, name := range []string{"uidMappings", "gidMappings"} {
		p := "linux." + name
		v, present := linux[name]
		list, isList := v.([]any)
		user, hasUser := c.ns["user"]
		switch {
		case present && !hasUser:
			c.err("A-30", p, "mappings without a user namespace")
		case present && user.path != "":
			c.warn("A-30", p, "the user namespace joined at %s has its own mappings", user.path)
		case hasUser && user.path == "" && (!present || isList && len(list) == 0):
			c.err("A-30", p, "required with a new user namespace")
		}
		c.checkMappings(p, arrAt(linux, name), "A-30")
	}
}

// maxMappings is the kernel's limit of lines in uid_map (since 4.15).
const maxMappings = 340

const maxID = 1<<32 - 1

// checkMappings: the kernel refuses empty, overflowing and overlapping
// ranges, and more than 340 of them.
func (c *checker) checkMappings(p string, list []any, rule string) {
	if len(list) > maxMappings {
		c.err(rule, p, "%d entries: the kernel takes at most %d", len(list), maxMappings)
		return
	}
	type span struct{ cont, host, size uint64 }
	var seen []span
	for _, m := range objList(list) {
		mp := index(p, m.i)
		cont, ok1 := uintAt(m.o, "containerID")
		host, ok2 := uintAt(m.o, "hostID")
		size, ok3 := uintAt(m.o, "size")
		if !ok1 || !ok2 || !ok3 || cont > maxID || host > maxID || size > maxID {
			continue // the structural walk reported it
		}
		switch {
		case size == 0:
			c.err(rule, mp+".size", "0 maps nothing")
			continue
		case cont+size > 1<<32 || host+size > 1<<32:
			c.err(rule, mp, "the range goes past 4294967295")
		}
		for j, s := range seen {
			if overlap(cont, size, s.cont, s.size) || overlap(host, size, s.host, s.size) {
				c.err(rule, mp, "overlaps the range of entry %d", j)
				break
			}
		}
		seen = append(seen, span{cont, host, size})
	}
}

func overlap(a, an, b, bn uint64) bool { return a < b+bn && b < a+an }

// checkUserMapped: in a new user namespace, the process's ids must be
// mapped, or setuid and setgroups fail.
func (c *checker) checkUserMapped(user object) {
	if !c.newNS("user") {
		return
	}
	linux := objAt(c.doc, "linux")
	uids, gids := arrAt(linux, "uidMappings"), arrAt(linux, "gidMappings")
	if uid, ok := uintAt(user, "uid"); ok && len(uids) > 0 && !mapped(uids, uid) {
		c.err("A-16", "process.user.uid", "%d is not mapped by linux.uidMappings", uid)
	}
	if gid, ok := uintAt(user, "gid"); ok && len(gids) > 0 && !mapped(gids, gid) {
		c.err("A-16", "process.user.gid", "%d is not mapped by linux.gidMappings", gid)
	}
	for i, v := range arrAt(user, "additionalGids") {
		if gid, ok := asUint(v); ok && len(gids) > 0 && !mapped(gids, gid) {
			c.err("A-16", index("process.user.additionalGids", i), "%d is not mapped by linux.gidMappings", gid)
		}
	}
}

func mapped(list []any, id uint64) bool {
	for _, m := range objList(list) {
		cont, _ := uintAt(m.o, "containerID")
		size, _ := uintAt(m.o, "size")
		if id >= cont && id-cont < size {
			return true
		}
	}
	return false
}

// checkTimeOffsets: only the boottime and monotonic clocks can be offset,
// nanoseconds stay below a second, and a new time namespace is needed
//
func (c *checker) checkTimeOffsets(linux object) {
	offs := objAt(linux, "timeOffsets")
	for _, k := range sortedKeys(offs) {
		p := key("linux.timeOffsets", k)
		if k != "boottime" && k != "monotonic" {
			c.err("A-31", p, "only the boottime and monotonic clocks can be offset")
		}
		if o, ok := offs[k].(object); ok {
			if ns, ok := uintAt(o, "nanosecs"); ok && ns >= 1e9 {
				c.err("A-31", p+".nanosecs", "%d is a second or more", ns)
			}
		}
	}
	if len(offs) > 0 && !c.newNS("time") {
		c.err("A-31", "linux.timeOffsets", "needs a new time namespace")
	}
}

// checkContainerPaths: masked and read-only paths are absolute.
func (c *checker) checkContainerPaths(linux object, name string) {
	seen := map[string]bool{}
	for _, e := range strList(arrAt(linux, name)) {
		p := index("linux."+name, e.i)
		switch {
		case !path.IsAbs(e.s):
			c.err("A-43", p, "%q is not an absolute path", e.s)
		case seen[path.Clean(e.s)]:
			c.warn("A-43", p, "%s is listed twice", e.s)
		}
		seen[path.Clean(e.s)] = true
	}
}

func (c *checker) checkPersonality(pers object) {
	for _, f := range strList(arrAt(pers, "flags")) {
		c.err("A-44", index("linux.personality.flags", f.i), "%q: the spec defines no personality flags", f.s)
	}
}

// checkMemoryPolicy: the node list set_mempolicy(2) wants for each mode.
func (c *checker) checkMemoryPolicy(mp object) {
	mode, ok := strAt(mp, "mode")
	if !ok {
		return
	}
	nodes, _ := strAt(mp, "nodes")
	const p = "linux.memoryPolicy"
	if err := checkList(nodes); err != nil {
		c.err("A-44", p+".nodes", "%q: %v", nodes, err)
	}
	empty := strings.TrimSpace(nodes) == ""
	switch mode {
	case "MPOL_DEFAULT", "MPOL_LOCAL":
		if !empty {
			c.err("A-44", p+".nodes", "%s takes no nodes", mode)
		}
	case "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED_MANY":
		if empty {
			c.err("A-44", p+".nodes", "%s needs at least one node", mode)
		}
	}
	if flags := strList(arrAt(mp, "flags")); hasBoth(flags, "MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES") {
		c.err("A-44", p+".flags", "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other")
	}
}

func hasBoth(list []indexed, a, b string) bool {
	var ha, hb bool
	for _, e := range list {
		ha = ha || e.s == a
		hb = hb || e.s == b
	}
	return ha && hb
}

// checkIntelRdt: closID names one directory of the resctrl filesystem;
// schemata lines hold no newline.
func (c *checker) checkIntelRdt(rdt object) {
	const p = "linux.intelRdt"
	if id, ok := strAt(rdt, "closID"); ok && id != "/" && (strings.Contains(id, "/") || id == "." || id == "..") {
		c.err("A-44", p+".closID", "%q is not a directory name (or / for the default CLOS)", id)
	}
	if s, ok := strAt(rdt, "l3CacheSchema"); ok && s != "" && (!strings.HasPrefix(s, "L3:") || strings.Contains(s, "\n")) {
		c.warn("A-44", p+".l3CacheSchema", "SHOULD start with L3: and hold no newline")
	}
	for _, e := range strList(arrAt(rdt, "schemata")) {
		if strings.Contains(e.s, "\n") {
			c.err("A-44", index(p+".schemata", e.i), "holds a newline")
		}
	}
}

// checkNetDevices: interface names the kernel accepts, moved into a
// network namespace of the container's own.
func (c *checker) checkNetDevices(devs object) {
	for _, k := range sortedKeys(devs) {
		p := key("linux.netDevices", k)
		if !ifName(k) {
			c.err("A-44", p, "%q is not a network interface name", k)
		}
		if d, ok := devs[k].(object); ok {
			if n, ok := strAt(d, "name"); ok && n != "" && !ifName(strings.Replace(n, "%d", "0", 1)) {
				c.err("A-44", p+".name", "%q is not a network interface name", n)
			}
		}
	}
	if len(devs) > 0 && !c.newNS("network") {
		c.err("A-44", "linux.netDevices", "needs a new network namespace to move the devices into")
	}
}

// ifName: at most 15 bytes, not . or .., no slash, colon or white space.
func ifName(s string) bool {
	return s != "" && len(s) <= 15 && s != "." && s != ".." && !strings.ContainsAny(s, "/: \t\n\r\v\f")
}
