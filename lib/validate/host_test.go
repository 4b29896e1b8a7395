package validate

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func mkfifo(p string) error { return unix.Mkfifo(p, 0o600) }

// fakeHost is a hybrid-cgroup host like the one the digest describes:
// v1 controllers but no net_cls, net_prio or rdma, hugetlb in v2, 2 MB huge
// pages only, cap_last_cap 38, no CAP_SYS_RESOURCE, no LSM, no resctrl, no
// time namespaces, and only the lo interface.
func fakeHost(t *testing.T) *Host {
	t.Helper()
	proc, sys := t.TempDir(), t.TempDir()
	for _, ns := range []string{"pid", "net", "mnt", "ipc", "uts", "user", "cgroup"} {
		mkfile(t, filepath.Join(proc, "self/ns", ns), 0o444)
	}
	for _, s := range []string{"net/ipv4/ip_forward", "kernel/shmmax", "vm/swappiness"} {
		mkfile(t, filepath.Join(proc, "sys", s), 0o644)
	}
	if err := os.WriteFile(filepath.Join(proc, "self/oom_score_adj"), []byte("0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(sys, "class/net/lo"), 0o755); err != nil {
		t.Fatal(err)
	}
	blkio := t.TempDir() // no blkio.leaf_weight
	v1 := map[string]string{"blkio": blkio}
	for _, c := range []string{"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "pids"} {
		v1[c] = "/sys/fs/cgroup/" + c
	}
	return &Host{
		proc: proc, sys: sys, capLastCap: 38, capEff: 0x1fffeffffff, nsKnown: true,
		filesystems: map[string]bool{"proc": true, "tmpfs": true, "devpts": true, "sysfs": true, "mqueue": true, "cgroup": true},
		cgroupsRead: true, v1: v1, v2: map[string]bool{"hugetlb": true},
		hugepages: map[string]bool{"2MB": true},
	}
}

// hostCases are the --host-specific checks against fakeHost.
var hostCases = []ruleCase{
	{host: true, name: "host capability beyond last cap", rule: "A-18", field: "process.capabilities.bounding[1]", msg: "CAP_BPF (39) is beyond this kernel's last capability (38)", warning: true, edits: []edit{e("process.capabilities.bounding[1]", `"CAP_BPF"`)}},
	{host: true, name: "host raise hard limit", rule: "A-17", field: "process.rlimits[0].hard", msg: "needs CAP_SYS_RESOURCE", warning: true, edits: []edit{e("process.rlimits[0].hard", `4611686018427387904`)}},
	{host: true, name: "host lower oom score", rule: "A-20", field: "process.oomScoreAdj", msg: "-500 is below the current 0", warning: true, edits: []edit{e("process.oomScoreAdj", `-500`)}},
	{host: true, name: "host no apparmor", rule: "A-21", field: "process.apparmorProfile", msg: "AppArmor is not enabled", edits: []edit{e("process.apparmorProfile", `"docker-default"`)}},
	{host: true, name: "host no selinux", rule: "A-44", field: "linux.mountLabel", msg: "SELinux is not enabled", edits: []edit{e("linux.mountLabel", `"system_u:object_r:container_file_t:s0"`)}},
	{host: true, name: "host filesystem type", rule: "A-7", field: "mounts[5].type", msg: `"nosuchfs" is not in /proc/filesystems`, edits: []edit{e("mounts[5]", `{"destination": "/data", "type": "nosuchfs", "source": "x"}`)}},
	{host: true, name: "host bind source", rule: "A-7", field: "mounts[5].source", msg: "no such file or directory", edits: []edit{e("mounts[5]", `{"destination": "/data", "type": "none", "source": "volumes/data", "options": ["rbind"]}`)}},
	{host: true, name: "host no time namespaces", rule: "A-29", field: "linux.namespaces[5].type", msg: "this kernel has no time namespaces", edits: []edit{e("linux.namespaces[5]", `{"type": "time"}`)}},
	{host: true, name: "host namespace wrong type", rule: "A-29", field: "linux.namespaces[0].path", msg: "/proc/self/ns/net is a network namespace, not pid", edits: []edit{e("linux.namespaces[0].path", `"/proc/self/ns/net"`)}},
	{host: true, name: "host namespace not nsfs", rule: "A-29", field: "linux.namespaces[1].path", msg: "/dev/null: not a namespace file", edits: []edit{e("linux.namespaces[1].path", `"/dev/null"`)}},
	{host: true, name: "host namespace missing", rule: "A-29", field: "linux.namespaces[2].path", msg: "no such file or directory", edits: []edit{e("linux.namespaces[2].path", `"/run/netns/nope"`)}},
	{host: true, name: "host hook missing", rule: "A-24", field: "hooks.createRuntime[0].path", msg: "/nonexistent/hook on this host does not exist", edits: []edit{e("hooks.createRuntime[0]", `{"path": "/nonexistent/hook"}`)}},
	{host: true, name: "host hook a directory", rule: "A-24", field: "hooks.poststop[0].path", msg: "/ on this host is a directory", edits: []edit{e("hooks.poststop[0]", `{"path": "/"}`)}},
	{host: true, name: "host sysctl unknown", rule: "A-40", field: `linux.sysctl["net.ipv4.nope"]`, msg: "this kernel has no such sysctl", edits: []edit{e("linux.sysctl", `{"net.ipv4.nope": "1"}`)}},
	{host: true, name: "host no net_cls", rule: "A-38", field: "linux.resources.network.classID", msg: "no net_cls cgroup controller", edits: []edit{e("linux.resources.network", `{"classID": 1048577}`)}},
	{host: true, name: "host no net_prio", rule: "A-38", field: "linux.resources.network.priorities", msg: "no net_prio cgroup controller", edits: []edit{e("linux.resources.network", `{"priorities": [{"name": "lo", "priority": 1}]}`)}},
	{host: true, name: "host no interface", rule: "A-38", field: "linux.resources.network.priorities[0].name", msg: "no network interface eth9", edits: []edit{e("linux.resources.network", `{"priorities": [{"name": "eth9", "priority": 1}]}`)}},
	{host: true, name: "host no rdma", rule: "A-38", field: "linux.resources.rdma", msg: "no rdma cgroup controller", edits: []edit{e("linux.resources.rdma", `{"mlx5_0": {"hcaHandles": 2}}`)}},
	{host: true, name: "host huge page size", rule: "A-38", field: "linux.resources.hugepageLimits[0].pageSize", msg: "no 1GB huge pages", edits: []edit{e("linux.resources.hugepageLimits", `[{"pageSize": "1GB", "limit": 0}]`)}},
	{host: true, name: "host unified controller", rule: "A-38", field: `linux.resources.unified["memory.max"]`, msg: "memory controller is not in this host's cgroup v2 hierarchy", edits: []edit{e("linux.resources.unified", `{"memory.max": "1G"}`)}},
	{host: true, name: "host leaf weight", rule: "A-37", field: "linux.resources.blockIO", msg: "no blkio.leaf_weight", edits: []edit{e("linux.resources.blockIO", `{"leafWeight": 500}`)}},
	{host: true, name: "host no resctrl", rule: "A-44", field: "linux.intelRdt", msg: "no resctrl filesystem", edits: []edit{e("linux.intelRdt", `{"closID": "c1"}`)}},
	{host: true, name: "host no net device", rule: "A-44", field: `linux.netDevices["eth7"]`, msg: "no network interface eth7", edits: []edit{e("linux.netDevices", `{"eth7": {}}`)}},
}

// TestHostClean: what the fake host has passes, including cgroup v2's
// hugetlb on a hybrid host and cgroup files in unified.
func TestHostClean(t *testing.T) {
	data := applyEdits(t, []edit{
		e("linux.resources.hugepageLimits", `[{"pageSize": "2MB", "limit": 0}]`),
		e("linux.resources.unified", `{"hugetlb.2MB.max": "0", "cgroup.freeze": "0"}`),
		e("linux.resources.memory", `{"limit": 100000000}`),
		e("linux.resources.pids", `{"limit": 0}`),
		e("linux.resources.cpu", `{"shares": 1024, "cpus": "0"}`),
		e("linux.sysctl", `{"net.ipv4.ip_forward": "1", "kernel.shmmax": "100", "net.ipv4.conf.eth0.forwarding": "1"}`),
		e("linux.namespaces[1].path", `"/proc/self/ns/net"`),
		e("hooks.poststop[0]", `{"path": "/bin/sh"}`),
	})
	ps := Config(data, Options{Bundle: newBundle(t), Host: fakeHost(t)})
	if len(ps) != 0 {
		t.Fatalf("want no problems, got:\n%s", problemsText(ps))
	}
}

// TestNamespaceType reads each of this process's namespaces, and refuses
// what is not on nsfs without opening it for reading.
func TestNamespaceType(t *testing.T) {
	for typ, file := range nsFiles {
		p := "/proc/self/ns/" + file
		if _, err := os.Stat(p); err != nil {
			continue // a kernel without this type
		}
		got, err := namespaceType(p)
		if err != nil || got != typ {
			t.Errorf("%s: got %q, %v; want %s", p, got, err, typ)
		}
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, "/dev/null", "/proc/self/status"} {
		if _, err := namespaceType(p); !errors.Is(err, errNotNamespace) {
			t.Errorf("%s: got %v, want errNotNamespace", p, err)
		}
	}
}

// TestProbeHost reads this machine: whatever it is, it has proc and a
// capability count, and a probe of nothing leaves every check out.
func TestProbeHost(t *testing.T) {
	h := ProbeHost()
	if h.capLastCap < 35 || !h.filesystems["proc"] || !h.cgroupsRead {
		t.Fatalf("probe: %+v", h)
	}
	empty := probeHost(t.TempDir(), t.TempDir())
	if empty.capLastCap != -1 || empty.filesystems != nil || empty.cgroupsRead {
		t.Fatalf("empty probe: %+v", empty)
	}
	data := applyEdits(t, []edit{e("linux.resources.network", `{"classID": 1}`)})
	if ps := Config(data, Options{Host: empty}); len(ps) != 0 {
		t.Fatalf("unknown host facts gave problems:\n%s", problemsText(ps))
	}
}

func TestMountInfo(t *testing.T) {
	h := &Host{v1: map[string]string{}}
	h.mountLine(`32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct`)
	h.mountLine(`40 31 0:40 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd`)
	h.mountLine(`41 22 0:41 / /sys/fs/res\040ctrl rw - resctrl resctrl rw`)
	h.mountLine(`garbage`)
	if h.v1["cpu"] != "/sys/fs/cgroup/cpu,cpuacct" || h.v1["cpuacct"] == "" || !h.resctrl {
		t.Fatalf("got %+v", h)
	}
	if _, ok := h.v1["name=systemd"]; ok {
		t.Fatal("named hierarchy taken for a controller")
	}
	if got := unescapeMount(`/a\040b\134c\04`); got != `/a b\c\04` {
		t.Fatalf("unescape: %q", got)
	}
	if pageSizeName(2048) != "2MB" || pageSizeName(1048576) != "1GB" || pageSizeName(64) != "64KB" {
		t.Fatal("page size names")
	}
}
