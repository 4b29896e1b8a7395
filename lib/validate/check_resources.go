package validate

import (
	"path"
	"strings"
)

// checkCgroupsPath: a path, absolute or relative, that stays inside the
// cgroup hierarchy, or runc's systemd form slice:prefix:name.
func (c *checker) checkCgroupsPath(linux object) {
	const p = "linux.cgroupsPath"
	s, ok := strAt(linux, "cgroupsPath")
	switch {
	case !ok || s == "":
		return
	case strings.IndexByte(s, 0) >= 0:
		c.err("A-33", p, "holds a NUL byte")
	case !strings.HasPrefix(s, "/") && strings.Contains(s, ":"):
		c.checkSystemdPath(p, s)
	case contains(strings.Split(s, "/"), ".."):
		c.err("A-33", p, "%q holds ..: it can name a cgroup outside the container's place in the hierarchy", s)
	case path.Clean(s) != s:
		c.warn("A-33", p, "%q is not a clean path: runtimes read it as %q", s, path.Clean(s))
	}
}

func (c *checker) checkSystemdPath(p, s string) {
	parts := strings.Split(s, ":")
	switch {
	case len(parts) != 3:
		c.err("A-33", p, "%q: the systemd form is slice:prefix:name", s)
	case parts[0] != "" && !strings.HasSuffix(parts[0], ".slice"):
		c.err("A-33", p, "%q: %q is not a systemd slice", s, parts[0])
	case parts[2] == "":
		c.err("A-33", p, "%q: the systemd form needs a name", s)
	}
}

func (c *checker) checkResources(res object) {
	if res == nil {
		return
	}
	c.checkDeviceCgroup(arrAt(res, "devices"))
	c.checkMemory(objAt(res, "memory"))
	c.checkCPU(objAt(res, "cpu"))
	if limit, ok := intAt(objAt(res, "pids"), "limit"); ok && limit < -1 {
		c.err("A-38", "linux.resources.pids.limit", "%d: want -1 (no limit), 0 or more", limit)
	}
	c.checkBlockIO(objAt(res, "blockIO"))
	c.checkHugepages(arrAt(res, "hugepageLimits"))
	c.checkNetworkPriorities(arrAt(objAt(res, "network"), "priorities"))
	c.checkRdma(objAt(res, "rdma"))
	c.checkUnified(objAt(res, "unified"))
}

// checkDeviceCgroup: type a, c or b; access a combination of r, w and m
//
func (c *checker) checkDeviceCgroup(list []any) {
	for _, d := range objList(list) {
		p := index("linux.resources.devices", d.i)
		t, _ := strAt(d.o, "type")
		if t != "" && t != "a" && t != "c" && t != "b" {
			c.err("A-34", p+".type", "%q: want a (all), c or b", t)
		}
		if a, ok := strAt(d.o, "access"); ok && strings.Trim(a, "rwm") != "" {
			c.err("A-34", p+".access", "%q: want a combination of r, w and m", a)
		}
		for _, n := range []string{"major", "minor"} {
			if v, ok := intAt(d.o, n); ok && v < 0 {
				c.err("A-34", p+"."+n, "%d: leave it out to mean all", v)
			}
		}
		_, hasMajor := d.o["major"]
		if _, hasMinor := d.o["minor"]; t == "a" && (hasMajor || hasMinor) {
			c.warn("A-34", p, "major and minor are ignored for type a")
		}
	}
}

// checkMemory: -1 or a byte count; memory+swap not below memory; a soft
// limit above the hard one does nothing; swappiness 0 to 100.
func (c *checker) checkMemory(mem object) {
	const p = "linux.resources.memory"
	for _, name := range []string{"limit", "reservation", "swap", "kernel", "kernelTCP"} {
		if v, ok := intAt(mem, name); ok && v < -1 {
			c.err("A-35", p+"."+name, "%d: want -1 (unlimited) or a number of bytes", v)
		}
	}
	for _, name := range []string{"kernel", "kernelTCP"} {
		if _, ok := mem[name]; ok {
			c.warn("A-35", p+"."+name, "NOT RECOMMENDED: recent kernels and cgroup v2 do not have it")
		}
	}
	limit, _ := intAt(mem, "limit")
	if swap, _ := intAt(mem, "swap"); limit > 0 && swap > 0 && swap < limit {
		c.err("A-35", p+".swap", "%d is below limit %d: swap counts memory plus swap", swap, limit)
	}
	if res, _ := intAt(mem, "reservation"); limit > 0 && res > limit {
		c.warn("A-35", p+".reservation", "%d is above limit %d, so it never applies", res, limit)
	}
	if v, ok := uintAt(mem, "swappiness"); ok && v > 100 {
		c.err("A-35", p+".swappiness", "%d: want 0 to 100", v)
	}
}

// checkCPU: quota no smaller than burst, the CFS period and quota
// within what the kernel takes, realtime runtime within its period, CPU
// and memory node lists, idle 0 or 1.
func (c *checker) checkCPU(cpu object) {
	const p = "linux.resources.cpu"
	quota, hasQuota := intAt(cpu, "quota")
	switch {
	case hasQuota && quota < -1:
		c.err("A-36", p+".quota", "%d: want -1 (no limit) or microseconds", quota)
	case quota > 0 && quota < 1000:
		c.err("A-36", p+".quota", "%d µs is below the kernel's minimum, 1000", quota)
	}
	if burst, ok := uintAt(cpu, "burst"); ok && quota > 0 && burst > uint64(quota) {
		c.err("A-36", p+".burst", "%d is above quota %d", burst, quota)
	}
	if per, ok := uintAt(cpu, "period"); ok && per != 0 && (per < 1000 || per > 1000000) {
		c.err("A-36", p+".period", "%d µs: the kernel takes 1000 to 1000000", per)
	}
	rt, _ := intAt(cpu, "realtimeRuntime")
	if rp, ok := uintAt(cpu, "realtimePeriod"); ok && rp > 0 && rt > 0 && uint64(rt) > rp {
		c.err("A-36", p+".realtimeRuntime", "%d is above realtimePeriod %d", rt, rp)
	}
	for _, name := range []string{"cpus", "mems"} {
		if s, ok := strAt(cpu, name); ok {
			if err := checkList(s); err != nil {
				c.err("A-36", p+"."+name, "%q: %v", s, err)
			}
		}
	}
	if idle, ok := intAt(cpu, "idle"); ok && idle != 0 && idle != 1 {
		c.err("A-36", p+".idle", "%d: want 0 or 1", idle)
	}
}

// checkBlockIO: weights 10 to 1000 (0 leaves them unset), each weight
// device with a weight or a leaf weight.
func (c *checker) checkBlockIO(bio object) {
	const p = "linux.resources.blockIO"
	c.checkWeights(p, bio)
	for _, d := range objList(arrAt(bio, "weightDevice")) {
		dp := index(p+".weightDevice", d.i)
		_, w := d.o["weight"]
		if _, lw := d.o["leafWeight"]; !w && !lw {
			c.err("A-37", dp, "needs a weight or a leafWeight")
		}
		c.checkWeights(dp, d.o)
		c.checkBlockNumbers(dp, d.o)
	}
	for _, list := range []string{"throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice", "throttleWriteIOPSDevice"} {
		for _, d := range objList(arrAt(bio, list)) {
			c.checkBlockNumbers(index(p+"."+list, d.i), d.o)
		}
	}
}

func (c *checker) checkWeights(p string, o object) {
	for _, name := range []string{"weight", "leafWeight"} {
		if w, ok := uintAt(o, name); ok && w != 0 && (w < 10 || w > 1000) {
			c.err("A-37", p+"."+name, "%d: want 10 to 1000", w)
		}
	}
}

func (c *checker) checkBlockNumbers(p string, o object) {
	for _, name := range []string{"major", "minor"} {
		if v, ok := intAt(o, name); ok && v < 0 {
			c.err("A-37", p+"."+name, "%d is not a device number", v)
		}
	}
}

func (c *checker) checkHugepages(list []any) {
	first := map[string]int{}
	for _, h := range objList(list) {
		size, ok := strAt(h.o, "pageSize")
		if !ok {
			continue
		}
		if j, dup := first[size]; dup {
			c.err("A-38", index("linux.resources.hugepageLimits", h.i), "page size %s again (first at [%d])", size, j)
			continue
		}
		first[size] = h.i
	}
}

func (c *checker) checkNetworkPriorities(list []any) {
	first := map[string]int{}
	for _, e := range objList(list) {
		p := index("linux.resources.network.priorities", e.i)
		name, ok := strAt(e.o, "name")
		if !ok || name == "" {
			continue
		}
		if !ifName(name) {
			c.err("A-38", p+".name", "%q is not a network interface name", name)
		}
		if j, dup := first[name]; dup {
			c.warn("A-38", p, "interface %s again (first at [%d])", name, j)
		} else {
			first[name] = e.i
		}
	}
}

// checkRdma: each device limits handles, objects or both.
func (c *checker) checkRdma(rdma object) {
	for _, k := range sortedKeys(rdma) {
		o, ok := rdma[k].(object)
		if !ok {
			continue
		}
		_, h := o["hcaHandles"]
		if _, obj := o["hcaObjects"]; !h && !obj {
			c.err("A-38", key("linux.resources.rdma", k), "needs hcaHandles or hcaObjects")
		}
	}
}

// checkUnified: each key is a file of the cgroup directory,
// controller.setting, never a path.
func (c *checker) checkUnified(uni object) {
	for _, k := range sortedKeys(uni) {
		ctl, file, ok := strings.Cut(k, ".")
		if !ok || ctl == "" || file == "" || strings.Contains(k, "/") {
			c.err("A-38", key("linux.resources.unified", k), "not a cgroup v2 file name (controller.setting)")
		}
	}
}

// sysctlNamespace says which namespace makes a sysctl the container's own;
// "" means it is not namespaced.
func sysctlNamespace(name string) string {
	switch {
	case strings.HasPrefix(name, "net."):
		return "network"
	case strings.HasPrefix(name, "fs.mqueue."), contains(ipcSysctls, name):
		return "ipc"
	case name == "kernel.hostname" || name == "kernel.domainname":
		return "uts"
	case strings.HasPrefix(name, "user."):
		return "user"
	}
	return ""
}

var ipcSysctls = []string{"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	"kernel.msg_next_id", "kernel.sem_next_id", "kernel.shm_next_id"}

// checkSysctl: a name under /proc/sys, for a namespace the container has
// . One that is not namespaced changes the host.
func (c *checker) checkSysctl(sysctl object) {
	for _, k := range sortedKeys(sysctl) {
		p := key("linux.sysctl", k)
		name, _, ok := sysctlName(k)
		if !ok {
			c.err("A-40", p, "not a sysctl name")
			continue
		}
		switch ns := sysctlNamespace(name); {
		case ns == "":
			c.warn("A-40", p, "not namespaced: it changes the host for every process (runc refuses it)")
		case !c.hasNS(ns):
			c.err("A-40", p, "needs a %s namespace of the container's own", ns)
		case strings.HasPrefix(name, "fs.mqueue.") && !c.hasNS("mount"):
			// /proc/sys/fs/mqueue belongs to the ipc namespace of whoever
			// mounted /proc: without a mount namespace that is the host's.
			c.err("A-40", p, "needs ipc and mount namespaces of the container's own (A-52)")
		}
	}
}

// sysctlName returns a sysctl's dotted name and its path under /proc/sys;
// sysctl(8) takes either dots or slashes. Empty, "." and ".." components
// are refused, so the path never leaves /proc/sys.
func sysctlName(k string) (name, rel string, ok bool) {
	sep := "."
	if strings.Contains(k, "/") {
		sep = "/"
	}
	parts := strings.Split(k, sep)
	for _, part := range parts {
		if part == "" || part == "." || part == ".." || strings.IndexByte(part, 0) >= 0 {
			return "", "", false
		}
	}
	return strings.Join(parts, "."), strings.Join(parts, "/"), true
}
