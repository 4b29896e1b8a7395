package appc

func (c *checker) checkMountPoints(v *jsonValue, path string) []MountPoint {
	if v == nil {
		return nil
	}
	var out []MountPoint
	seen := map[string]bool{}
	for i, e := range c.array(v, path, "must be an array of {name, path, readOnly} objects") {
		if mp, ok := c.checkMountPoint(e, indexPath(path, i), seen); ok {
			out = append(out, mp)
		}
	}
	return out
}

func (c *checker) checkMountPoint(v *jsonValue, path string, seen map[string]bool) (MountPoint, bool) {
	o := c.object(v, path, "name", "path", "readOnly")
	if o == nil {
		return MountPoint{}, false
	}
	name, okName := o.str("name", true)
	okName = okName && c.checkUniqueName(o.field("name"), name, "mount point", seen)
	p, okPath := o.str("path", true)
	okPath = okPath && c.checkAbsPath(o.field("path"), p)
	ro := o.boolean("readOnly")
	return MountPoint{Name: name, Path: p, ReadOnly: ro}, okName && okPath
}

// checkUniqueName checks an AC Name that must be unique within its list.
func (c *checker) checkUniqueName(field, name, what string, seen map[string]bool) bool {
	switch {
	case !ValidName(name):
		c.errf(field, "%s", nameRule)
	case seen[name]:
		c.errf(field, "duplicate %s %q", what, name)
	default:
		seen[name] = true
		return true
	}
	return false
}

func (c *checker) checkPorts(v *jsonValue, path string) []Port {
	if v == nil {
		return nil
	}
	var out []Port
	seen := map[string]bool{}
	for i, e := range c.array(v, path, "must be an array of port objects") {
		if p, ok := c.checkPort(e, indexPath(path, i), seen); ok {
			out = append(out, p)
		}
	}
	return out
}

func (c *checker) checkPort(v *jsonValue, path string, seen map[string]bool) (Port, bool) {
	o := c.object(v, path, "name", "protocol", "port", "count", "socketActivated")
	if o == nil {
		return Port{}, false
	}
	name, okName := o.str("name", true)
	okName = okName && c.checkUniqueName(o.field("name"), name, "port", seen)
	proto, okProto := o.nonEmpty("protocol")
	port, okPort := o.integer("port", true, 1, 65535)
	count, okCount := o.integer("count", false, 0, 65535)
	okCount = okCount || o.v.member("count") == nil
	if okPort && okCount && port+max(count, 1)-1 > 65535 {
		c.errf(o.field("count"), "port range %d+%d ends beyond 65535", port, count)
		okCount = false
	}
	p := Port{Name: name, Protocol: proto, Port: uint(port), Count: uint(count),
		SocketActivated: o.boolean("socketActivated")}
	return p, okName && okProto && okPort && okCount
}
