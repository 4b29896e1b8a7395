package validate

import (
	"os"
	"regexp"
	"strings"
)

var pageSizeRE = regexp.MustCompile(`^[1-9][0-9]*[KMG]B$`)

// cpuControllers says which controller applies each cpu setting.
var cpuControllers = map[string]string{"shares": "cpu", "quota": "cpu", "burst": "cpu",
	"period": "cpu", "realtimeRuntime": "cpu", "realtimePeriod": "cpu", "idle": "cpu",
	"cpus": "cpuset", "mems": "cpuset"}

// hostResources: each resource group needs its cgroup controller on this
// host, in a v1 hierarchy or in v2 (a hybrid host splits them); unified
// needs the controller in v2; blkio leaf weights and huge page sizes must
// exist; network priorities name host interfaces.
func (c *checker) hostResources(h *Host, res object) {
	if res == nil || !h.cgroupsRead {
		return
	}
	const p = "linux.resources"
	if _, ok := res["devices"]; ok && !h.controller("devices") && h.v2 == nil {
		c.err("A-34", p+".devices", "this host has no devices cgroup controller")
	}
	c.needController(h, res, "memory", "memory", "A-35")
	c.hostCPU(h, objAt(res, "cpu"))
	c.needController(h, res, "pids", "pids", "A-38")
	c.hostBlockIO(h, objAt(res, "blockIO"))
	c.needController(h, res, "hugepageLimits", "hugetlb", "A-38")
	c.hostHugepages(h, arrAt(res, "hugepageLimits"))
	c.hostNetwork(h, objAt(res, "network"))
	c.needController(h, res, "rdma", "rdma", "A-38")
	c.hostUnified(h, objAt(res, "unified"))
}

func (c *checker) needController(h *Host, o object, name, ctl, rule string) {
	if _, ok := o[name]; ok && !h.controller(ctl) {
		c.err(rule, "linux.resources."+name, "this host has no %s cgroup controller", ctl)
	}
}

func (c *checker) hostCPU(h *Host, cpu object) {
	for _, k := range sortedKeys(cpu) {
		if ctl, known := cpuControllers[k]; known && !h.controller(ctl) {
			c.err("A-36", "linux.resources.cpu."+k, "this host has no %s cgroup controller", ctl)
		}
	}
}

func (c *checker) hostBlockIO(h *Host, bio object) {
	if bio == nil {
		return
	}
	const p = "linux.resources.blockIO"
	if !h.controller("blkio") && !h.v2["io"] {
		c.err("A-37", p, "this host has no blkio (v1) or io (v2) cgroup controller")
		return
	}
	leaf := bio["leafWeight"] != nil
	for _, d := range objList(arrAt(bio, "weightDevice")) {
		leaf = leaf || d.o["leafWeight"] != nil
	}
	if leaf && !h.leafWeight() {
		c.err("A-37", p, "leaf weights: this kernel's blkio controller has no blkio.leaf_weight")
	}
}

// leafWeight reports whether the blkio v1 hierarchy has leaf weights
// (cgroup v2's io controller never has).
func (h *Host) leafWeight() bool {
	mp, ok := h.v1["blkio"]
	if !ok {
		return false
	}
	_, err := os.Stat(mp + "/blkio.leaf_weight")
	return err == nil
}

func (c *checker) hostHugepages(h *Host, list []any) {
	if h.hugepages == nil {
		return
	}
	for _, e := range objList(list) {
		if size, ok := strAt(e.o, "pageSize"); ok && pageSizeRE.MatchString(size) && !h.hugepages[size] {
			c.err("A-38", index("linux.resources.hugepageLimits", e.i)+".pageSize", "this host has no %s huge pages", size)
		}
	}
}

func (c *checker) hostNetwork(h *Host, net object) {
	const p = "linux.resources.network"
	if _, ok := net["classID"]; ok && !h.controller("net_cls") {
		c.err("A-38", p+".classID", "this host has no net_cls cgroup controller")
	}
	prios := objList(arrAt(net, "priorities"))
	if len(prios) > 0 && !h.controller("net_prio") {
		c.err("A-38", p+".priorities", "this host has no net_prio cgroup controller")
	}
	for _, e := range prios {
		if name, _ := strAt(e.o, "name"); ifName(name) && !c.hostInterface(h, name) {
			c.err("A-38", index(p+".priorities", e.i)+".name", "this host has no network interface %s", name)
		}
	}
}

// hostUnified: the controller of each unified key is enabled in the v2
// hierarchy; cgroup.* files belong to every cgroup.
func (c *checker) hostUnified(h *Host, uni object) {
	for _, k := range sortedKeys(uni) {
		p := key("linux.resources.unified", k)
		ctl, _, _ := strings.Cut(k, ".")
		switch {
		case h.v2 == nil:
			c.err("A-38", p, "this host has no cgroup v2 hierarchy")
		case ctl != "cgroup" && !h.v2[ctl]:
			c.err("A-38", p, "the %s controller is not in this host's cgroup v2 hierarchy", ctl)
		}
	}
}
