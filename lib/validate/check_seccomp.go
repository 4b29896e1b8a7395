package validate

// errnoActions are the seccomp actions that return an errno.
var errnoActions = []string{"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE"}

// checkSeccomp: an errno only with an action that returns one; a notify
// action needs a listener, and listenerMetadata needs listenerPath (A-41,
// A-56); at most six syscall arguments.
func (c *checker) checkSeccomp(sc object) {
	if sc == nil {
		return
	}
	const p = "linux.seccomp"
	def, _ := strAt(sc, "defaultAction")
	if _, ok := sc["defaultErrnoRet"]; ok && def != "" && !contains(errnoActions, def) {
		c.err("A-41", p+".defaultErrnoRet", "%s does not return an errno: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do", def)
	}
	if def == "SCMP_ACT_NOTIFY" {
		c.warn("A-41", p+".defaultAction", "SCMP_ACT_NOTIFY as the default sends every syscall to the agent (runc refuses it)")
	}
	notify := def == "SCMP_ACT_NOTIFY"
	for _, s := range objList(arrAt(sc, "syscalls")) {
		notify = c.checkSyscallRule(index(p+".syscalls", s.i), s.o) || notify
	}
	c.checkListener(p, sc, notify)
	c.warnRepeats(p+".architectures", arrAt(sc, "architectures"))
	c.warnRepeats(p+".flags", arrAt(sc, "flags"))
}

// checkSyscallRule checks one rule and reports whether it notifies.
func (c *checker) checkSyscallRule(p string, rule object) bool {
	action, _ := strAt(rule, "action")
	if _, ok := rule["errnoRet"]; ok && action != "" && !contains(errnoActions, action) {
		c.err("A-41", p+".errnoRet", "%s does not return an errno: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do", action)
	}
	for _, a := range objList(arrAt(rule, "args")) {
		if i, ok := uintAt(a.o, "index"); ok && i > 5 {
			c.err("A-41", index(p+".args", a.i)+".index", "%d: a syscall has at most six arguments (0 to 5)", i)
		}
	}
	return action == "SCMP_ACT_NOTIFY"
}

func (c *checker) checkListener(p string, sc object, notify bool) {
	lp, _ := strAt(sc, "listenerPath")
	_, hasMeta := sc["listenerMetadata"]
	switch {
	case hasMeta && lp == "":
		c.err("A-41", p+".listenerMetadata", "set without listenerPath")
	case notify && lp == "":
		c.err("A-41", p, "SCMP_ACT_NOTIFY is used but listenerPath is not set")
	case !notify && lp != "":
		c.warn("A-41", p+".listenerPath", "ignored: no rule uses SCMP_ACT_NOTIFY")
	}
}

func (c *checker) warnRepeats(p string, list []any) {
	first := map[string]bool{}
	for _, e := range strList(list) {
		if first[e.s] {
			c.warn("A-41", index(p, e.i), "%s is listed twice", e.s)
		}
		first[e.s] = true
	}
}
