package validate

import "path"

// checkHooks: every hook path is absolute, in all six kinds (oci-runtime-tool
// checks only three), and hook environments are NAME=VALUE (A-24, A-54,
// A startContainer hook runs in the container, so its path is
// looked up in the rootfs.
func (c *checker) checkHooks() {
	hooks := objAt(c.doc, "hooks")
	if len(arrAt(hooks, "prestart")) > 0 {
		c.warn("A-24", "hooks.prestart", "deprecated: use createRuntime, createContainer or startContainer hooks")
	}
	for _, kind := range hookKinds {
		for _, h := range objList(arrAt(hooks, kind)) {
			c.checkHook(index("hooks."+kind, h.i), kind, h.o)
		}
	}
}

func (c *checker) checkHook(p, kind string, h object) {
	c.checkEnv(p+".env", arrAt(h, "env"), "A-24")
	hp, ok := strAt(h, "path")
	if !ok || hp == "" {
		return
	}
	if !path.IsAbs(hp) {
		c.err("A-24", p+".path", "%q is not an absolute path", hp)
		return
	}
	if kind == "startContainer" && c.rootfs != "" {
		c.checkProgram("A-24", p+".path", hp)
	}
}
