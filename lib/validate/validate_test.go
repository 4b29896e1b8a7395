package validate

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/testenv"
)

func TestBaseConfigClean(t *testing.T) {
	ps := Config([]byte(baseConfig), Options{Bundle: newBundle(t)})
	if len(ps) != 0 {
		t.Fatalf("want no problems, got:\n%s", problemsText(ps))
	}
}

// cleanCases are valid configs that oci-runtime-tool's quirks, or a
// careless reading of the spec, would flag: none may give a problem.
var cleanCases = []struct {
	name  string
	edits []edit
	setup func(t *testing.T, bundle string)
}{
	{name: "absolute program with a working directory", edits: []edit{e("process.args", `["/bin/sh"]`), e("process.cwd", `"/srv"`)},
		setup: func(t *testing.T, b string) { mkfile(t, filepath.Join(b, "rootfs/srv/.keep"), 0o644) }},
	{name: "minor 0 device", edits: []edit{e("linux.devices", `[{"type": "c", "path": "/dev/tty", "major": 5, "minor": 0, "fileMode": 438, "uid": 0, "gid": 5}]`)}},
	{name: "fifo without numbers", edits: []edit{e("linux.devices", `[{"type": "p", "path": "/run/fifo"}]`)}},
	{name: "device over a covered file", edits: []edit{e("linux.devices", `[{"type": "c", "path": "/dev/null", "major": 1, "minor": 3}]`)},
		setup: func(t *testing.T, b string) { mkfile(t, filepath.Join(b, "rootfs/dev/null"), 0o644) }},
	{name: "dev version", edits: []edit{e("ociVersion", `"1.0.2-dev"`)}},
	{name: "old version", edits: []edit{e("ociVersion", `"1.0.0"`)}},
	{name: "version with build", edits: []edit{e("ociVersion", `"1.3.0-rc.1+abc.5"`)}},
	{name: "pids limit 0", edits: []edit{e("linux.resources.pids", `{"limit": 0}`)}},
	{name: "pids unlimited", edits: []edit{e("linux.resources.pids", `{"limit": -1}`)}},
	{name: "all hook kinds", edits: []edit{e("hooks", `{"createRuntime": [{"path": "/usr/bin/hook", "args": ["hook", "create"], "env": ["A=1"], "timeout": 5}],
		"createContainer": [{"path": "/usr/bin/hook"}], "startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "true"]}],
		"poststart": [{"path": "/usr/bin/hook"}], "poststop": [{"path": "/usr/bin/hook"}]}`)}},
	{name: "systemd cgroups path", edits: []edit{e("linux.cgroupsPath", `"system.slice:docker:abc"`)}},
	{name: "absolute cgroups path", edits: []edit{e("linux.cgroupsPath", `"/default/c1"`)}},
	{name: "relative cgroups path", edits: []edit{e("linux.cgroupsPath", `"c1"`)}},
	{name: "user namespace", edits: with(userNS, e("process.user", `{"uid": 1000, "gid": 1000, "umask": 18, "additionalGids": [5, 100]}`))},
	{name: "idmapped mount from the user namespace", edits: with(userNS, e("mounts[5]", `{"destination": "/data", "type": "none", "source": "/tmp", "options": ["rbind", "idmap"]}`))},
	{name: "idmapped mount", edits: with(userNS, e("mounts[5]", `{"destination": "/data", "source": "/tmp", "options": ["rbind", "ridmap"], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}`))},
	{name: "time namespace", edits: []edit{e("linux.namespaces[5]", `{"type": "time"}`), e("linux.timeOffsets", `{"monotonic": {"secs": -10, "nanosecs": 999999999}, "boottime": {"secs": 86400}}`)}},
	{name: "seccomp", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], "flags": ["SECCOMP_FILTER_FLAG_LOG"],
		"listenerPath": "/run/agent.sock", "listenerMetadata": "m",
		"syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
			{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
			{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"},
			{"names": ["ptrace"], "action": "SCMP_ACT_TRACE", "errnoRet": 38}]}`)}},
	{name: "resources", edits: []edit{e("linux.resources", `{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 136, "access": "rwm"}],
		"memory": {"limit": 536870912, "reservation": 268435456, "swap": -1, "swappiness": 60, "disableOOMKiller": false, "useHierarchy": true, "checkBeforeUpdate": true},
		"cpu": {"shares": 1024, "quota": 50000, "burst": 10000, "period": 100000, "realtimeRuntime": 950, "realtimePeriod": 1000, "cpus": "0-3,7", "mems": "0", "idle": 1},
		"blockIO": {"weight": 500, "weightDevice": [{"major": 8, "minor": 0, "weight": 600}], "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1048576}]},
		"hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}], "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
		"rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}}, "unified": {"io.weight": "100", "memory.high": "max"}}`)}},
	{name: "process extras", edits: []edit{e("process.terminal", `true`), e("process.consoleSize", `{"height": 25, "width": 80}`),
		e("process.oomScoreAdj", `-1000`), e("process.scheduler", `{"policy": "SCHED_FIFO", "priority": 10, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}`),
		e("process.ioPriority", `{"class": "IOPRIO_CLASS_IDLE", "priority": 7}`), e("process.execCPUAffinity", `{"initial": "7", "final": "0-3, 7"}`),
		e("process.selinuxLabel", `"system_u:system_r:svirt_lxc_net_t:s0:c124,c675"`)}},
	{name: "deadline scheduler", edits: []edit{e("process.scheduler", `{"policy": "SCHED_DEADLINE", "runtime": 10000000, "deadline": 30000000, "period": 30000000}`)}},
	{name: "linux extras", edits: []edit{e("linux.sysctl", `{"net.ipv4.ip_forward": "1", "kernel.shmmax": "100", "kernel.shm_next_id": "-1", "fs/mqueue/msg_max": "10"}`),
		e("linux.rootfsPropagation", `"slave"`), e("linux.mountLabel", `"system_u:object_r:svirt_sandbox_file_t:s0:c715,c811"`),
		e("linux.personality", `{"domain": "LINUX32"}`), e("linux.memoryPolicy", `{"mode": "MPOL_INTERLEAVE", "nodes": "0-1", "flags": ["MPOL_F_STATIC_NODES"]}`),
		e("linux.intelRdt", `{"closID": "guaranteed_group", "l3CacheSchema": "L3:0=7f0;1=1f", "memBwSchema": "MB:0=20;1=70", "enableMonitoring": true}`),
		e("linux.netDevices", `{"eth0": {"name": "ns%d"}}`)}},
	{name: "annotations", edits: []edit{e("annotations", `{"com.example.key1": "value1", "org.opencontainers.image.os": "linux", "io.kubernetes.cri.container-type": ""}`)}},
	{name: "program through a link", edits: []edit{e("process.args", `["/usr/bin/sh"]`)},
		setup: func(t *testing.T, b string) { symlink(t, "../../bin", filepath.Join(b, "rootfs/usr/bin")) }},
	{name: "program in a mounted volume", edits: []edit{e("process.args", `["/opt/tool/run"]`), e("mounts[5]", `{"destination": "/opt/tool", "type": "none", "source": "/tmp", "options": ["bind"]}`)}},
	{name: "vm section", edits: []edit{e("vm", `{"hypervisor": {"path": "/usr/bin/qemu"}, "kernel": {"path": "/boot/vmlinuz"}}`)}},
}

func TestCleanConfigs(t *testing.T) {
	for _, tc := range cleanCases {
		t.Run(tc.name, func(t *testing.T) {
			bundle := newBundle(t)
			if tc.setup != nil {
				tc.setup(t, bundle)
			}
			ps := Config(applyEdits(t, tc.edits), Options{Bundle: bundle})
			if len(ps) != 0 {
				t.Fatalf("want no problems, got:\n%s", problemsText(ps))
			}
		})
	}
}

// TestRootAnywhere: root.path may be absolute and outside the bundle.
func TestRootAnywhere(t *testing.T) {
	elsewhere := newBundle(t)
	data := applyEdits(t, []edit{e("root.path", `"`+filepath.Join(elsewhere, "rootfs")+`"`)})
	if ps := Config(data, Options{Bundle: t.TempDir()}); len(ps) != 0 {
		t.Fatalf("want no problems, got:\n%s", problemsText(ps))
	}
}

// TestNoBundle: without a bundle (a config on stdin) nothing is looked up.
func TestNoBundle(t *testing.T) {
	data := applyEdits(t, []edit{e("root.path", `"/nonexistent/rootfs"`), e("process.args", `["/no/such/program"]`)})
	if ps := Config(data, Options{}); len(ps) != 0 {
		t.Fatalf("want no problems, got:\n%s", problemsText(ps))
	}
}

// TestMessages pins whole lines, as the command prints them after the file.
func TestMessages(t *testing.T) {
	for _, tc := range []struct {
		edits []edit
		want  string
	}{
		{[]edit{e("linux.namespaces[2].type", `5`)}, "linux.namespaces[2].type: want a string, got number"},
		{[]edit{e("linux.namespaces[2].type", `"pid"`)}, `linux.namespaces[2]: duplicate type "pid"`},
		{[]edit{e("process.user.uid", `"0"`)}, "process.user.uid: want an integer, got string"},
		{[]edit{e("linux.sysctl", `{"net.core.somaxconn": 1}`)}, `linux.sysctl["net.core.somaxconn"]: want a string, got number`},
	} {
		ps := Config(applyEdits(t, tc.edits), Options{})
		if len(ps) != 1 || ps[0].String() != tc.want {
			t.Errorf("want %q, got:\n%s", tc.want, problemsText(ps))
		}
	}
}

// TestBundleConfigFile: config.json is a regular file at the bundle's root
// and no larger than MaxConfigSize.
func TestBundleConfigFile(t *testing.T) {
	dir := newBundle(t)
	if _, err := Bundle(dir, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("no config.json: got %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Config.json"), []byte(baseConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Bundle(dir, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Config.json taken for config.json: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, ConfigName), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Bundle(dir, nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a directory: got %v", err)
	}
	big := t.TempDir()
	if err := os.WriteFile(filepath.Join(big, ConfigName), make([]byte, MaxConfigSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Bundle(big, nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("too large: got %v", err)
	}
}

func TestBundleValid(t *testing.T) {
	dir := newBundle(t)
	if err := os.WriteFile(filepath.Join(dir, ConfigName), []byte(baseConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	ps, err := Bundle(dir, nil)
	if err != nil || len(ps) != 0 {
		t.Fatalf("got %v:\n%s", err, problemsText(ps))
	}
}

func TestSemVer(t *testing.T) {
	for _, ok := range []string{"1.0.0", "1.0.2-dev", "1.3.0", "10.20.30", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x-y-z.--", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85"} {
		if _, err := parseSemVer(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "1", "1.0", "1.0.0.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0+", "1.0.0-a..b", "v1.0.0", "1.0.0-é", "1.a.0", "1.0.0+a+b"} {
		if _, err := parseSemVer(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestInRoot: whatever links the rootfs holds, resolution stays inside it.
func TestInRoot(t *testing.T) {
	root := t.TempDir()
	mkfile(t, filepath.Join(root, "etc/passwd"), 0o644)
	symlink(t, "/", filepath.Join(root, "up/abs"))
	symlink(t, "../../../../..", filepath.Join(root, "up/rel"))
	symlink(t, "abs/etc", filepath.Join(root, "up/etc"))
	for _, tc := range []struct{ p, want string }{
		{"/up/abs/etc/passwd", "etc/passwd"},
		{"/up/rel/etc/passwd", "etc/passwd"},
		{"../../../etc/passwd", "etc/passwd"},
		{"/up/etc/passwd", "etc/passwd"},
		{"/up/abs/../../up/rel/../etc", "etc"},
	} {
		got, err := inRoot(root, tc.p, true)
		if err != nil || got != filepath.Join(root, tc.want) {
			t.Errorf("%s: got %s, %v", tc.p, got, err)
		}
	}
	got, err := inRoot(root, "/up/abs", false)
	if err != nil || got != filepath.Join(root, "up/abs") {
		t.Errorf("last link followed: %s, %v", got, err)
	}
}

// runcSpec writes the config `runc spec` makes into a new bundle with an
// executable rootfs/bin/sh.
func runcSpec(t testing.TB, args ...string) string {
	runc := testenv.LookPath(t, "runc")
	dir := newBundle(t)
	cmd := exec.Command(runc, append([]string{"spec"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("runc spec %v: %v\n%s", args, err, out)
	}
	return dir
}

// TestRuncSpec: the real runc's default and rootless configs are valid.
// What A-51 notes is a warning: ambient capabilities with no inheritable
// set are not raised by the kernel.
func TestRuncSpec(t *testing.T) {
	for _, args := range [][]string{nil, {"--rootless"}} {
		dir := runcSpec(t, args...)
		for _, host := range []*Host{nil, ProbeHost()} {
			ps, err := Bundle(dir, host)
			if err != nil {
				t.Fatal(err)
			}
			if HasErrors(ps) {
				t.Errorf("runc spec %v (host %v): errors:\n%s", args, host != nil, problemsText(ps))
			}
			for _, p := range ps {
				if p.Rule != "A-18" || !strings.HasPrefix(p.Field, "process.capabilities.ambient[") {
					t.Errorf("runc spec %v: unexpected warning: %s", args, p)
				}
			}
			if len(ps) != 3 {
				t.Errorf("runc spec %v: want 3 ambient warnings, got:\n%s", args, problemsText(ps))
			}
		}
	}
}

// TestCorpus: the configs in tests/testdata/configs (the one ctr run
// writes, among others) have no errors.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("../../tests/testdata/configs/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ps := Config(data, Options{})
		if HasErrors(ps) {
			t.Errorf("%s:\n%s", f, problemsText(ps))
		}
		for _, p := range ps {
			t.Logf("%s: warning: %s", filepath.Base(f), p)
		}
	}
}

// BenchmarkValidate checks runc's default config with its bundle, as
// bundle-validate does; the target is under 5 ms.
func BenchmarkValidate(b *testing.B) {
	dir := runcSpec(b)
	data, err := os.ReadFile(filepath.Join(dir, ConfigName))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("config", func(b *testing.B) {
		for b.Loop() {
			Config(data, Options{})
		}
	})
	b.Run("bundle", func(b *testing.B) {
		for b.Loop() {
			if _, err := Bundle(dir, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("host-specific", func(b *testing.B) {
		for b.Loop() {
			if _, err := Bundle(dir, ProbeHost()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A FIFO named config.json is refused at once, not waited on.
func TestConfigFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "config.json"), 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Bundle(dir, nil); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("FIFO config: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("bundle-validate waited on a FIFO")
	}
}
