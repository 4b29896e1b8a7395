package appc

import (
	"regexp"
	"strings"
)

var (
	errnoRE   = regexp.MustCompile(`^E[A-Z0-9]+$`)
	syscallRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
)

// checkCPU checks {request, limit} in cores; quantities are counted in
// thousandths of a core.
func (c *checker) checkCPU(v *jsonValue, path string) {
	c.checkRequestLimit(v, path, 1000)
}

// checkMemory checks {request, limit} in bytes.
func (c *checker) checkMemory(v *jsonValue, path string) {
	c.checkRequestLimit(v, path, 1)
}

// checkRequestLimit checks resource/cpu and resource/memory: a request
// (which defaults to the limit) no greater than the limit, and no
// "default".
func (c *checker) checkRequestLimit(v *jsonValue, path string, scale int64) {
	o := c.object(v, path, "request", "limit", "default")
	if o == nil {
		return
	}
	if o.boolean("default") {
		c.errf(o.field("default"), "must be false for this isolator")
	}
	req, okReq := c.quantity(o, "request", scale)
	limit, okLimit := c.quantity(o, "limit", scale)
	if o.v.member("request") == nil && o.v.member("limit") == nil {
		c.errf(path, "must have a limit or a request")
	}
	if okReq && okLimit && req > limit {
		c.errf(o.field("request"), "must not be greater than the limit")
	}
}

// checkDefaultLimit checks the bandwidth and IOPS isolators: default must
// be true, limit is required and request is not allowed.
func (c *checker) checkDefaultLimit(v *jsonValue, path string) {
	o := c.object(v, path, "default", "limit", "request")
	if o == nil {
		return
	}
	if d := o.get("default", true); d != nil {
		if b, ok := c.boolean(d, o.field("default")); ok && !b {
			c.errf(o.field("default"), "must be true for this isolator")
		}
	}
	if o.v.member("request") != nil {
		c.errf(o.field("request"), "is not allowed for this isolator")
	}
	if o.get("limit", true) != nil {
		c.quantity(o, "limit", 1)
	}
}

// quantity reads an optional quantity member.
func (c *checker) quantity(o *object, key string, scale int64) (int64, bool) {
	s, ok := o.str(key, false)
	if !ok {
		return 0, false
	}
	n, why := quantityValue(s, scale)
	if why != "" {
		c.errf(o.field(key), `must be a quantity like "500m", "1G" or "128Mi": %s`, why)
		return 0, false
	}
	return n, true
}

// checkSet reads the non-empty "set" list of the capability and seccomp
// isolators.
func (c *checker) checkSet(o *object) []string {
	set, _ := o.strings("set", true)
	if v := o.v.member("set"); v != nil && v.kind == jsonArray && len(v.elems) == 0 {
		c.errf(o.field("set"), "must not be empty")
	}
	return set
}

func (c *checker) checkCapabilitySet(v *jsonValue, path string) {
	o := c.object(v, path, "set")
	if o == nil {
		return
	}
	seen := map[string]bool{}
	for i, name := range c.checkSet(o) {
		field := indexPath(o.field("set"), i)
		switch {
		case !ValidCapability(name):
			c.errf(field, "unknown capability %q", name)
		case seen[name]:
			c.warnf(field, "duplicate capability %q", name)
		}
		seen[name] = true
	}
}

func (c *checker) checkNoNewPrivileges(v *jsonValue, path string) {
	c.boolean(v, path)
}

func (c *checker) checkSeccompRemove(v *jsonValue, path string) {
	c.checkSeccomp(v, path, "@appc.io/empty")
}

func (c *checker) checkSeccompRetain(v *jsonValue, path string) {
	c.checkSeccomp(v, path, "@appc.io/all")
}

// checkSeccomp checks {set, errno}; wildcard is the one @appc.io value the
// isolator defines.
func (c *checker) checkSeccomp(v *jsonValue, path, wildcard string) {
	o := c.object(v, path, "set", "errno")
	if o == nil {
		return
	}
	for i, name := range c.checkSet(o) {
		c.checkSyscall(indexPath(o.field("set"), i), name, wildcard)
	}
	if errno, ok := o.str("errno", false); ok && errno != "" && !errnoRE.MatchString(errno) {
		c.errf(o.field("errno"), `must be empty or an upper-case errno name like "EPERM"`)
	}
}

func (c *checker) checkSyscall(field, name, wildcard string) {
	switch {
	case name == wildcard:
	case strings.HasPrefix(name, "@appc.io/"):
		c.errf(field, "unknown wildcard for this isolator (only %s)", wildcard)
	case strings.HasPrefix(name, "@"):
		c.warnf(field, "implementation-specific wildcard (not checked)")
	case !syscallRE.MatchString(name):
		c.errf(field, "must be a system call name")
	}
}

func (c *checker) checkSELinux(v *jsonValue, path string) {
	o := c.object(v, path, "user", "role", "type", "level")
	if o == nil {
		return
	}
	for _, key := range []string{"user", "role", "type"} {
		if s, ok := o.nonEmpty(key); ok && strings.Contains(s, ":") {
			c.errf(o.field(key), `must not contain ":"`)
		}
	}
	o.nonEmpty("level")
}

func (c *checker) checkOOMScoreAdj(v *jsonValue, path string) {
	c.integer(v, path, -1000, 1000)
}

func (c *checker) checkCPUShares(v *jsonValue, path string) {
	c.integer(v, path, 2, 262144)
}

// checkSysctl checks {key: value} strings.
func (c *checker) checkSysctl(v *jsonValue, path string) {
	for key := range c.stringMap(v, path) {
		if key == "" {
			c.errf(path, "sysctl names must not be empty")
		}
	}
}

func (c *checker) checkAppArmor(v *jsonValue, path string) {
	if o := c.object(v, path, "profile"); o != nil {
		o.nonEmpty("profile")
	}
}
