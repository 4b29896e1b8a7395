package validate

import (
	"fmt"
	"path"
	"strings"
)

func (c *checker) checkProcess() {
	v, present := c.doc["process"]
	if !present {
		c.warn("A-11", "process", "absent: the container cannot be started (runc refuses it already at create)")
		return
	}
	proc, ok := v.(object)
	if !ok {
		return
	}
	if _, ok := proc["consoleSize"]; ok && !boolAt(proc, "terminal") {
		c.warn("A-12", "process.consoleSize", "ignored: terminal is not true")
	}
	if cwd, ok := strAt(proc, "cwd"); ok && cwd != "" && !path.IsAbs(cwd) {
		c.err("A-13", "process.cwd", "%q is not an absolute path", cwd)
	}
	c.checkEnv("process.env", arrAt(proc, "env"), "A-14")
	c.checkArgs(proc)
	c.checkUser(objAt(proc, "user"))
	c.checkRlimits(arrAt(proc, "rlimits"))
	c.checkCapabilities(objAt(proc, "capabilities"))
	c.checkOOMScoreAdj(proc)
	c.checkLabel("A-21", "process", proc, "selinuxLabel")
	c.checkScheduler(objAt(proc, "scheduler"))
	c.checkIOPriority(objAt(proc, "ioPriority"))
	c.checkCPUAffinity(objAt(proc, "execCPUAffinity"))
}

// checkEnv: environ entries are NAME=VALUE. POSIX names are letters,
// digits and underscores, not starting with a digit; other names are
// allowed by implementations, so they are only warned about.
func (c *checker) checkEnv(p string, list []any, rule string) {
	first := map[string]int{}
	for _, e := range strList(list) {
		ep := index(p, e.i)
		name, _, ok := strings.Cut(e.s, "=")
		switch {
		case !ok:
			c.err(rule, ep, "%q: want NAME=VALUE", e.s)
			continue
		case name == "":
			c.err(rule, ep, "%q: empty name", e.s)
			continue
		case strings.IndexByte(e.s, 0) >= 0:
			c.err(rule, ep, "holds a NUL byte, which exec cannot pass")
		case !posixName(name):
			c.warn(rule, ep, "name %q: POSIX names are letters, digits and _, not starting with a digit", name)
		}
		if j, dup := first[name]; dup {
			c.warn(rule, ep, "%s is set again (first at [%d])", name, j)
		} else {
			first[name] = e.i
		}
	}
}

func posixName(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		letter := b == '_' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
		if !letter && (i == 0 || b < '0' || b > '9') {
			return false
		}
	}
	return true
}

// checkArgs: at least one entry on Linux, the first used as execvp's file
//
func (c *checker) checkArgs(proc object) {
	v, present := proc["args"]
	args, ok := v.([]any)
	if !present || ok && len(args) == 0 {
		c.err("A-15", "process.args", "at least one entry is required on Linux")
		return
	}
	if !ok {
		return
	}
	if a0, ok := args[0].(string); ok {
		if a0 == "" {
			c.err("A-15", "process.args[0]", "empty: there is no program to run")
			return
		}
		c.checkExecutable(proc, a0)
	}
}

func (c *checker) checkUser(user object) {
	if umask, ok := uintAt(user, "umask"); ok && umask > 0o777 {
		c.warn("A-16", "process.user.umask", "%d is above 511 (0777): only the permission bits are used", umask)
	}
	// (uid_t)-1 means "unchanged" to setresuid and is refused as an id.
	for _, f := range []string{"uid", "gid"} {
		if v, ok := uintAt(user, f); ok && v == 1<<32-1 {
			c.err("A-16", "process.user."+f, "4294967295 is (uid_t)-1, which the kernel refuses as an id")
		}
	}
	for i, g := range arrAt(user, "additionalGids") {
		if n, ok := asUint(g); ok && n == 1<<32-1 {
			c.err("A-16", fmt.Sprintf("process.user.additionalGids[%d]", i), "4294967295 is (gid_t)-1, which the kernel refuses as an id")
		}
	}
	c.checkUserMapped(user)
}

// checkOOMScoreAdj: the kernel takes -1000 to 1000.
func (c *checker) checkOOMScoreAdj(proc object) {
	v, ok := intAt(proc, "oomScoreAdj")
	if ok && (v < -1000 || v > 1000) {
		c.err("A-20", "process.oomScoreAdj", "%d is outside the kernel's range, -1000 to 1000", v)
	}
}

// checkLabel: an SELinux context is user:role:type[:level].
func (c *checker) checkLabel(rule, p string, m object, name string) {
	s, ok := strAt(m, name)
	if !ok || s == "" {
		return
	}
	p = field(p, name)
	parts := strings.SplitN(s, ":", 4)
	if len(parts) < 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		c.err(rule, p, "%q is not an SELinux context (user:role:type[:level])", s)
	}
}

func (c *checker) checkIOPriority(io object) {
	if v, ok := intAt(io, "priority"); ok && (v < 0 || v > 7) {
		c.err("A-22", "process.ioPriority.priority", "%d: want 0 (highest) to 7 (lowest)", v)
	}
}

func (c *checker) checkCPUAffinity(aff object) {
	for _, name := range []string{"initial", "final"} {
		if s, ok := strAt(aff, name); ok {
			if err := checkList(s); err != nil {
				c.err("A-22", "process.execCPUAffinity."+name, "%q: %v", s, err)
			}
		}
	}
}
