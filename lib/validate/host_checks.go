package validate

import (
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/intermodal/intermodal/lib/appc"
	"golang.org/x/sys/unix"
)

// hostChecks checks the config against this machine (--host-specific).
func (c *checker) hostChecks(h *Host) {
	proc := objAt(c.doc, "process")
	linux := objAt(c.doc, "linux")
	c.hostCapabilities(h, objAt(proc, "capabilities"))
	c.hostRlimits(h, arrAt(proc, "rlimits"))
	c.hostOOMScoreAdj(h, proc)
	c.hostLSM(h, proc, linux)
	c.hostMounts(h)
	c.hostNamespaces(h, arrAt(linux, "namespaces"))
	c.hostHooks()
	c.hostSysctl(h, objAt(linux, "sysctl"))
	c.hostResources(h, objAt(linux, "resources"))
	c.hostLinuxExtras(h, linux)
}

// capSysResource is CAP_SYS_RESOURCE, needed to raise a hard limit or to
// lower oom_score_adj.
const capSysResource = 24

// hostCapabilities: a capability above the kernel's cap_last_cap cannot be
// granted; spec 1.3 has runtimes warn and go on.
func (c *checker) hostCapabilities(h *Host, caps object) {
	if h.capLastCap < 0 {
		return
	}
	names := appc.LinuxCapabilities()
	for _, set := range capSets {
		for _, e := range strList(arrAt(caps, set)) {
			n := indexOf(names, e.s)
			if n > h.capLastCap {
				c.warn("A-18", index("process.capabilities."+set, e.i), "%s (%d) is beyond this kernel's last capability (%d): it cannot be granted", e.s, n, h.capLastCap)
			}
		}
	}
}

func indexOf(list []string, s string) int {
	for i, e := range list {
		if e == s {
			return i
		}
	}
	return -1
}

// hostRlimits: raising a hard limit above this process's needs
// CAP_SYS_RESOURCE, which this host's bounding set may lack.
func (c *checker) hostRlimits(h *Host, list []any) {
	if h.hasCap(capSysResource) {
		return
	}
	for _, r := range objList(list) {
		t, _ := strAt(r.o, "type")
		hard, ok := uintAt(r.o, "hard")
		res, known := rlimitResource(t)
		if !ok || !known {
			continue
		}
		var cur unix.Rlimit
		if err := unix.Getrlimit(res, &cur); err == nil && cur.Max != unix.RLIM_INFINITY && hard > cur.Max {
			c.warn("A-17", index("process.rlimits", r.i)+".hard", "%d is above the current hard limit %d, and raising it needs CAP_SYS_RESOURCE, which this process lacks", hard, cur.Max)
		}
	}
}

func rlimitResource(name string) (int, bool) {
	res, ok := map[string]int{
		"RLIMIT_AS": unix.RLIMIT_AS, "RLIMIT_CORE": unix.RLIMIT_CORE, "RLIMIT_CPU": unix.RLIMIT_CPU,
		"RLIMIT_DATA": unix.RLIMIT_DATA, "RLIMIT_FSIZE": unix.RLIMIT_FSIZE, "RLIMIT_LOCKS": unix.RLIMIT_LOCKS,
		"RLIMIT_MEMLOCK": unix.RLIMIT_MEMLOCK, "RLIMIT_MSGQUEUE": unix.RLIMIT_MSGQUEUE,
		"RLIMIT_NICE": unix.RLIMIT_NICE, "RLIMIT_NOFILE": unix.RLIMIT_NOFILE, "RLIMIT_NPROC": unix.RLIMIT_NPROC,
		"RLIMIT_RSS": unix.RLIMIT_RSS, "RLIMIT_RTPRIO": unix.RLIMIT_RTPRIO, "RLIMIT_RTTIME": unix.RLIMIT_RTTIME,
		"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING, "RLIMIT_STACK": unix.RLIMIT_STACK,
	}[name]
	return res, ok
}

// hostOOMScoreAdj: lowering oom_score_adj needs CAP_SYS_RESOURCE.
func (c *checker) hostOOMScoreAdj(h *Host, proc object) {
	v, ok := intAt(proc, "oomScoreAdj")
	if !ok || h.hasCap(capSysResource) {
		return
	}
	cur, _ := readTrim(filepath.Join(h.proc, "self/oom_score_adj"))
	if n, err := strconv.ParseInt(cur, 10, 64); err == nil && v < n {
		c.warn("A-20", "process.oomScoreAdj", "%d is below the current %d, and lowering it needs CAP_SYS_RESOURCE, which this process lacks", v, n)
	}
}

// hostLSM: applying an AppArmor profile or an SELinux label on a host
// without that security module fails.
func (c *checker) hostLSM(h *Host, proc, linux object) {
	if s, _ := strAt(proc, "apparmorProfile"); s != "" && !h.apparmor {
		c.err("A-21", "process.apparmorProfile", "AppArmor is not enabled on this host")
	}
	if s, _ := strAt(proc, "selinuxLabel"); s != "" && !h.selinux {
		c.err("A-21", "process.selinuxLabel", "SELinux is not enabled on this host")
	}
	if s, _ := strAt(linux, "mountLabel"); s != "" && !h.selinux {
		c.err("A-44", "linux.mountLabel", "SELinux is not enabled on this host")
	}
}

// hostMounts: a filesystem type the kernel lists in /proc/filesystems, and
// a bind source that exists.
func (c *checker) hostMounts(h *Host) {
	for _, m := range objList(arrAt(c.doc, "mounts")) {
		p := index("mounts", m.i)
		t, _ := strAt(m.o, "type")
		switch {
		case isBind(m.o):
			c.hostBindSource(p, m.o)
		case t == "" || t == "bind" || h.filesystems == nil:
		case !h.filesystems[t]:
			c.err("A-7", p+".type", "%q is not in /proc/filesystems on this host", t)
		}
	}
}

func (c *checker) hostBindSource(p string, m object) {
	src, ok := strAt(m, "source")
	if !ok || src == "" {
		c.err("A-7", p+".source", "a bind mount needs a source")
		return
	}
	if !filepath.IsAbs(src) {
		if c.opts.Bundle == "" {
			return
		}
		src = filepath.Join(c.opts.Bundle, src)
	}
	if _, err := os.Stat(src); err != nil {
		c.err("A-7", p+".source", "%s: %v", src, pathCause(err))
	}
}

// nsFiles names each namespace type's file under /proc/self/ns.
var nsFiles = map[string]string{"pid": "pid", "network": "net", "mount": "mnt", "ipc": "ipc",
	"uts": "uts", "user": "user", "cgroup": "cgroup", "time": "time"}

// hostNamespaces: the kernel has each type, and a path names a namespace
// of that type.
func (c *checker) hostNamespaces(h *Host, list []any) {
	for _, n := range objList(list) {
		p := index("linux.namespaces", n.i)
		t, _ := strAt(n.o, "type")
		file, known := nsFiles[t]
		if !known {
			continue
		}
		if _, err := os.Lstat(filepath.Join(h.proc, "self/ns", file)); h.nsKnown && err != nil {
			c.err("A-29", p+".type", "this kernel has no %s namespaces", t)
			continue
		}
		np, _ := strAt(n.o, "path")
		if !path.IsAbs(np) {
			continue
		}
		got, err := namespaceType(np)
		switch {
		case err != nil:
			c.err("A-29", p+".path", "%s: %v", np, err)
		case got != t:
			c.err("A-29", p+".path", "%s is a %s namespace, not %s", np, got, t)
		}
	}
}

// hostHooks: hooks that run in the runtime namespace are programs on this
// host. A missing one is reported, never a crash.
func (c *checker) hostHooks() {
	hooks := objAt(c.doc, "hooks")
	for _, kind := range hookKinds {
		if kind == "startContainer" {
			continue // looked up in the rootfs
		}
		for _, hk := range objList(arrAt(hooks, kind)) {
			hp, _ := strAt(hk.o, "path")
			if !path.IsAbs(hp) {
				continue
			}
			if why := notExecutable(hp); why != "" {
				c.err("A-24", index("hooks."+kind, hk.i)+".path", "%s on this host %s", hp, why)
			}
		}
	}
}

// hostSysctl: the kernel has the sysctl. Per-interface network settings
// are left out: the interface may exist only in the container.
func (c *checker) hostSysctl(h *Host, sysctl object) {
	for _, k := range sortedKeys(sysctl) {
		name, rel, ok := sysctlName(k)
		if !ok || perInterface(name) {
			continue
		}
		if _, err := os.Stat(filepath.Join(h.proc, "sys", rel)); err != nil {
			c.err("A-40", key("linux.sysctl", k), "this kernel has no such sysctl (%v)", pathCause(err))
		}
	}
}

func perInterface(name string) bool {
	parts := strings.Split(name, ".")
	return len(parts) > 3 && parts[0] == "net" && (parts[2] == "conf" || parts[2] == "neigh")
}

// hostLinuxExtras: Intel RDT needs a mounted resctrl; network devices to
// move must exist.
func (c *checker) hostLinuxExtras(h *Host, linux object) {
	if _, ok := linux["intelRdt"]; ok && h.cgroupsRead && !h.resctrl {
		c.err("A-44", "linux.intelRdt", "no resctrl filesystem is mounted on this host")
	}
	devs := objAt(linux, "netDevices")
	for _, k := range sortedKeys(devs) {
		if ifName(k) && !c.hostInterface(h, k) {
			c.err("A-44", key("linux.netDevices", k), "this host has no network interface %s", k)
		}
	}
}

func (c *checker) hostInterface(h *Host, name string) bool {
	_, err := os.Lstat(filepath.Join(h.sys, "class/net", name))
	return err == nil
}
