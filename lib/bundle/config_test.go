package bundle

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/appc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var appRootfs = map[string]string{
	"bin/app":    "ELF",
	"bin/sh":     "->app",
	"etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:App:/home/app:/bin/sh\n",
	"etc/group":  "root:x:0:\napp:x:1000:\n",
	"home/app/":  "",
	"data/":      "",
}

func parse(t *testing.T, manifest string) *appc.ImageManifest {
	t.Helper()
	m, ps := appc.ParseManifest([]byte(manifest))
	if ps.HasErrors() {
		t.Fatalf("test manifest: %s", ps)
	}
	return m
}

// translate runs Config on an app (JSON) over appRootfs and returns the
// spec and the warnings.
func translate(t *testing.T, app string, o AppOptions) (*specs.Spec, []string, error) {
	t.Helper()
	dir := t.TempDir()
	tree(t, dir, appRootfs)
	var warns []string
	s, err := Config(parse(t, manifestJSON("example.com/my_app", app, "")), dir, o,
		func(m string) { warns = append(warns, m) }, nil)
	return s, warns, err
}

func TestConfigProcess(t *testing.T) {
	s, warns, err := translate(t, `{"exec":["sh","-c","x"],"user":"app","group":"app","supplementaryGIDs":[10,20],
		"workingDirectory":"/home/app","environment":[{"name":"A","value":"1"},{"name":"PATH","value":"/bin"},{"name":"container","value":"docker"}]}`, AppOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := s.Process
	want := specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{10, 20}}
	if !reflect.DeepEqual(p.User, want) {
		t.Errorf("user = %+v, want %+v", p.User, want)
	}
	if !reflect.DeepEqual(p.Args, []string{"/bin/sh", "-c", "x"}) {
		t.Errorf("args = %q", p.Args)
	}
	wantEnv := []string{"A=1", "PATH=/bin", "AC_APP_NAME=my-app", "container=intermodal", "HOME=/home/app", "USER=app", "LOGNAME=app"}
	if !reflect.DeepEqual(p.Env, wantEnv) {
		t.Errorf("env = %q, want %q", p.Env, wantEnv)
	}
	if p.Cwd != "/home/app" || s.Hostname != "my-app" || s.Root.Path != "rootfs" || s.Root.Readonly {
		t.Errorf("cwd %q hostname %q root %+v", p.Cwd, s.Hostname, s.Root)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "container replaced") {
		t.Errorf("warnings = %q", warns)
	}
	if s.Version != OCIVersion || p.NoNewPrivileges || p.Terminal {
		t.Errorf("version %q nnp %v terminal %v", s.Version, p.NoNewPrivileges, p.Terminal)
	}
	caps := appc.DefaultCapabilities()
	if !reflect.DeepEqual(p.Capabilities.Bounding, caps) || !reflect.DeepEqual(p.Capabilities.Effective, caps) ||
		len(p.Capabilities.Inheritable) != 0 || len(p.Capabilities.Ambient) != 0 {
		t.Errorf("capabilities = %+v", p.Capabilities)
	}
}

func TestConfigOverrides(t *testing.T) {
	s, _, err := translate(t, `{"exec":["/bin/app"],"user":"0","group":"0"}`, AppOptions{
		Exec: []string{"sh", "-c", "echo"}, Hostname: "h", ReadonlyRootfs: true, Terminal: true, ImageID: "sha512-x"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Process.Args, []string{"/bin/sh", "-c", "echo"}) || s.Hostname != "h" || !s.Root.Readonly || !s.Process.Terminal {
		t.Errorf("spec = %+v %+v", s.Process, s.Root)
	}
	if envValue(s.Process.Env, "TERM") != "xterm" || envValue(s.Process.Env, "HOME") != "/root" {
		t.Errorf("env = %q", s.Process.Env)
	}
	if s.Annotations[AnnotationImageID] != "sha512-x" || s.Annotations[AnnotationImageName] != "example.com/my_app" {
		t.Errorf("annotations = %v", s.Annotations)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ app, fail string }{
		{`{"exec":["/bin/nope"],"user":"0","group":"0"}`, "/bin/nope: no such file"},
		{`{"exec":["/bin/app"],"user":"nobody","group":"0"}`, `app.user "nobody"`},
		{`{"exec":["/bin/app"],"user":"0","group":"nogroup"}`, `app.group "nogroup"`},
		{`{"exec":["/bin/app"],"user":"0","group":"0","workingDirectory":"/nope"}`, "app.workingDirectory /nope"},
		{`{"exec":["/bin/app"],"user":"0","group":"0","workingDirectory":"/etc/passwd"}`, "not a directory"},
		{`{"user":"0","group":"0"}`, ErrNoApp.Error()},
	} {
		if _, _, err := translate(t, tc.app, AppOptions{}); err == nil || !strings.Contains(err.Error(), tc.fail) {
			t.Errorf("%s: err = %v, want %q", tc.app, err, tc.fail)
		}
	}
	// The manifest check refuses such an exec already (appc G36); an
	// override is refused here.
	_, _, err := translate(t, `{"exec":["/bin/app"],"user":"0","group":"0"}`, AppOptions{Exec: []string{"/proc/1/root/bin/app"}})
	if err == nil || !strings.Contains(err.Error(), "appc G36") {
		t.Errorf("exec under /proc: err = %v", err)
	}
}

// isolatorsOf translates an app with these isolators (a JSON array).
func isolatorsOf(t *testing.T, isolators string, o AppOptions) (*specs.Spec, []string) {
	t.Helper()
	s, warns, err := translate(t, `{"exec":["/bin/app"],"user":"0","group":"0","isolators":`+isolators+`}`, o)
	if err != nil {
		t.Fatal(err)
	}
	return s, warns
}

func TestIsolatorResources(t *testing.T) {
	s, warns := isolatorsOf(t, `[
		{"name":"resource/memory","value":{"limit":"1G"}},
		{"name":"resource/memory","value":{"request":"64Mi","limit":"128Mi"}},
		{"name":"resource/cpu","value":{"request":"250m","limit":"1500m"}},
		{"name":"os/linux/oom-score-adj","value":500},
		{"name":"resource/block-bandwidth","value":{"default":true,"limit":"2M"}},
		{"name":"resource/network-bandwidth","value":{"default":true,"limit":"1G"}}]`, AppOptions{})
	r := s.Linux.Resources
	if *r.Memory.Limit != 128<<20 || *r.Memory.Reservation != 64<<20 {
		t.Errorf("memory = %d/%d", *r.Memory.Limit, *r.Memory.Reservation)
	}
	if *r.CPU.Quota != 150000 || *r.CPU.Period != 100000 || *r.CPU.Shares != 256 {
		t.Errorf("cpu = %d/%d shares %d", *r.CPU.Quota, *r.CPU.Period, *r.CPU.Shares)
	}
	if *s.Process.OOMScoreAdj != 500 {
		t.Errorf("oomScoreAdj = %d", *s.Process.OOMScoreAdj)
	}
	if len(r.Devices) != 1 || r.Devices[0].Allow {
		t.Errorf("device rules = %+v", r.Devices)
	}
	expectWarnings(t, warns, "resource/memory ignored: isolators[0] is overridden by isolators[1]",
		"resource/block-bandwidth ignored", "resource/network-bandwidth ignored")
}

func expectWarnings(t *testing.T, warns []string, want ...string) {
	t.Helper()
	if len(warns) != len(want) {
		t.Errorf("warnings = %q, want %d", warns, len(want))
	}
	for _, w := range want {
		found := false
		for _, got := range warns {
			found = found || strings.Contains(got, w)
		}
		if !found {
			t.Errorf("no warning %q in %q", w, warns)
		}
	}
}

func TestIsolatorCPUEdges(t *testing.T) {
	s, warns := isolatorsOf(t, `[{"name":"resource/cpu","value":{"limit":"5m"}},{"name":"os/linux/cpu-shares","value":700}]`, AppOptions{})
	c := s.Linux.Resources.CPU
	if *c.Quota != minCPUQuota || *c.Shares != 700 {
		t.Errorf("cpu = quota %d shares %d", *c.Quota, *c.Shares)
	}
	expectWarnings(t, warns, "resource/cpu modified: limit 5m is below")
}

func TestIsolatorCapabilities(t *testing.T) {
	s, _ := isolatorsOf(t, `[{"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_NET_ADMIN","CAP_CHOWN","CAP_NET_ADMIN"]}}]`, AppOptions{})
	if want := []string{"CAP_NET_ADMIN", "CAP_CHOWN"}; !reflect.DeepEqual(s.Process.Capabilities.Bounding, want) ||
		!reflect.DeepEqual(s.Process.Capabilities.Permitted, want) {
		t.Errorf("retain: %+v", s.Process.Capabilities)
	}
	s, _ = isolatorsOf(t, `[{"name":"os/linux/capabilities-remove-set","value":{"set":["CAP_MKNOD","CAP_SYS_ADMIN"]}}]`, AppOptions{})
	want := without(appc.DefaultCapabilities(), []string{"CAP_MKNOD"})
	if !reflect.DeepEqual(s.Process.Capabilities.Effective, want) || len(want) != 13 {
		t.Errorf("remove: %+v", s.Process.Capabilities)
	}
}

func TestIsolatorSysctl(t *testing.T) {
	iso := `[{"name":"os/unix/sysctl","value":{"net.ipv4.ip_forward":"1","kernel.shmmax":"1000","kernel.hostname":"x","vm.swappiness":"1","fs.mqueue.msg_max":"20"}}]`
	s, warns := isolatorsOf(t, iso, AppOptions{})
	want := map[string]string{"net.ipv4.ip_forward": "1", "kernel.shmmax": "1000", "fs.mqueue.msg_max": "20"}
	if !reflect.DeepEqual(s.Linux.Sysctl, want) {
		t.Errorf("sysctl = %v", s.Linux.Sysctl)
	}
	expectWarnings(t, warns, "kernel.hostname ignored: not namespaced", "vm.swappiness ignored: not namespaced")
	s, warns = isolatorsOf(t, iso, AppOptions{Rootless: true})
	if _, ok := s.Linux.Sysctl["net.ipv4.ip_forward"]; ok {
		t.Errorf("rootless sysctl = %v", s.Linux.Sysctl)
	}
	expectWarnings(t, warns, "net.ipv4.ip_forward ignored: a rootless container", "kernel.hostname ignored", "vm.swappiness ignored")
}

func TestIsolatorSeccomp(t *testing.T) {
	s, warns := isolatorsOf(t, `[{"name":"os/linux/seccomp-remove-set","value":{"set":["mkdirat","mkdir","@docker/default"],"errno":"EPERM"}}]`, AppOptions{})
	sc := s.Linux.Seccomp
	if sc.DefaultAction != specs.ActAllow || len(sc.Syscalls) != 1 || sc.Syscalls[0].Action != specs.ActErrno ||
		*sc.Syscalls[0].ErrnoRet != 1 || !reflect.DeepEqual(sc.Syscalls[0].Names, []string{"mkdirat", "mkdir"}) {
		t.Errorf("remove-set: %+v", sc)
	}
	expectWarnings(t, warns, `wildcard "@docker/default"`)
	if s.Version != OCIVersionSeccomp {
		t.Errorf("ociVersion %s with errnoRet", s.Version)
	}

	s, warns = isolatorsOf(t, `[{"name":"os/linux/seccomp-retain-set","value":{"set":["uname","write"]}}]`, AppOptions{})
	sc = s.Linux.Seccomp
	if sc.DefaultAction != specs.ActKillProcess || sc.DefaultErrnoRet != nil || sc.Syscalls[0].Action != specs.ActAllow {
		t.Errorf("retain-set: %+v", sc)
	}
	names := strings.Join(sc.Syscalls[0].Names, ",")
	for _, n := range []string{"uname", "write", "execve", "exit_group"} {
		if !strings.Contains(","+names+",", ","+n+",") {
			t.Errorf("retain-set allows %s, not %s", names, n)
		}
	}
	if !s.Process.NoNewPrivileges {
		t.Error("a retain-set filter without noNewPrivileges")
	}
	expectWarnings(t, warns, "noNewPrivileges turned on")

	s, _ = isolatorsOf(t, `[{"name":"os/linux/seccomp-retain-set","value":{"set":["@appc.io/all"]}}]`, AppOptions{})
	if s.Linux.Seccomp != nil {
		t.Errorf("@appc.io/all: %+v", s.Linux.Seccomp)
	}
	s, _ = isolatorsOf(t, `[{"name":"os/linux/seccomp-remove-set","value":{"set":["@appc.io/empty"],"errno":"ENOTSUP"}}]`, AppOptions{})
	if s.Linux.Seccomp != nil {
		t.Errorf("@appc.io/empty: %+v", s.Linux.Seccomp)
	}
	s, _ = isolatorsOf(t, `[{"name":"os/linux/seccomp-retain-set","value":{"set":["read"],"errno":"ENOTSUP"}}]`, AppOptions{})
	if s.Linux.Seccomp.DefaultAction != specs.ActErrno || *s.Linux.Seccomp.DefaultErrnoRet != 95 {
		t.Errorf("errno ENOTSUP: %+v", s.Linux.Seccomp)
	}
}

func TestIsolatorMisc(t *testing.T) {
	s, warns := isolatorsOf(t, `[{"name":"os/linux/no-new-privileges","value":true},
		{"name":"os/linux/selinux-context","value":{"user":"system_u","role":"system_r","type":"svirt_t","level":"s0"}},
		{"name":"os/linux/apparmor-profile","value":{"profile":"app"}},
		{"name":"example.com/unknown","value":{}}]`, AppOptions{})
	p := s.Process
	if !p.NoNewPrivileges || p.SelinuxLabel != "system_u:system_r:svirt_t:s0" || p.ApparmorProfile != "app" {
		t.Errorf("process = %+v", p)
	}
	expectWarnings(t, warns, "isolator example.com/unknown ignored: unknown isolator")
}

func TestConfigReportsWhatOCICannotSay(t *testing.T) {
	_, warns, err := translate(t, `{"exec":["/bin/app"],"user":"0","group":"0",
		"eventHandlers":[{"name":"pre-start","exec":["/bin/app"]}],
		"ports":[{"name":"http","protocol":"tcp","port":80,"count":2,"socketActivated":true}]}`, AppOptions{})
	if err != nil {
		t.Fatal(err)
	}
	expectWarnings(t, warns, "eventHandlers pre-start ignored", "ports http: socket activation ignored")
}

func TestConfigVolumes(t *testing.T) {
	host := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(host, "sub"), 0o755))
	must(t, os.Symlink(host, filepath.Join(t.TempDir(), "link")))
	app := `{"exec":["/bin/app"],"user":"0","group":"0","workingDirectory":"/data/sub",
		"mountPoints":[{"name":"data","path":"/data"},{"name":"conf","path":"/etc/app","readOnly":true}]}`
	s, _, err := translate(t, app, AppOptions{Volumes: []Volume{{Name: "data", Source: host, ReadOnly: true}, {Name: "conf", Source: host}}})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Mounts[len(s.Mounts)-2:]
	want := []specs.Mount{
		{Destination: "/data", Type: "bind", Source: host, Options: []string{"bind", "ro"}},
		{Destination: "/etc/app", Type: "bind", Source: host, Options: []string{"bind", "ro"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mounts = %+v", got)
	}
	for _, tc := range []struct {
		vols []Volume
		fail string
	}{
		{[]Volume{{Name: "data", Source: host}}, "mountPoint conf (/etc/app) has no volume"},
		{[]Volume{{Name: "data", Source: host}, {Name: "conf", Source: host}, {Name: "logs", Source: host}}, "no mountPoint of that name"},
		{[]Volume{{Name: "data", Source: host}, {Name: "data", Source: host}}, "given twice"},
		{[]Volume{{Name: "data", Source: filepath.Join(host, "nope")}, {Name: "conf", Source: host}}, "no such file"},
		{[]Volume{{Name: "data", Source: filepath.Join(host, "..")}, {Name: "conf", Source: host}}, "app.workingDirectory /data/sub"},
	} {
		_, _, err := translate(t, app, AppOptions{Volumes: tc.vols})
		if err == nil || !strings.Contains(err.Error(), tc.fail) {
			t.Errorf("%+v: err = %v, want %q", tc.vols, err, tc.fail)
		}
		if err != nil && !strings.Contains(tc.fail, "workingDirectory") && !errors.Is(err, ErrVolume) && !strings.Contains(tc.fail, "no such") {
			t.Errorf("%v is not an ErrVolume", err)
		}
	}
}

// A program on a volume is looked for in the host directory bound there.
func TestConfigExecOnVolume(t *testing.T) {
	host := t.TempDir()
	must(t, os.WriteFile(filepath.Join(host, "tool"), []byte("ELF"), 0o755))
	must(t, os.WriteFile(filepath.Join(host, "data"), []byte("x"), 0o644))
	app := `{"exec":["/opt/tools/tool","-v"],"user":"0","group":"0","mountPoints":[{"name":"tools","path":"/opt/tools"},{"name":"one","path":"/usr/bin/one"}]}`
	vols := []Volume{{Name: "tools", Source: host}, {Name: "one", Source: filepath.Join(host, "tool")}}
	s, _, err := translate(t, app, AppOptions{Volumes: vols})
	if err != nil || s.Process.Args[0] != "/opt/tools/tool" {
		t.Fatalf("on a directory volume: %v", err)
	}
	if _, _, err := translate(t, app, AppOptions{Volumes: vols, Exec: []string{"/usr/bin/one"}}); err != nil {
		t.Fatalf("a file volume: %v", err)
	}
	for exec, fail := range map[string]string{"/opt/tools/data": "not executable", "/opt/tools/nope": "no such file", "/usr/bin/one/x": "not a directory"} {
		if _, _, err := translate(t, app, AppOptions{Volumes: vols, Exec: []string{exec}}); err == nil || !strings.Contains(err.Error(), fail) {
			t.Errorf("%s: err = %v, want %q", exec, err, fail)
		}
	}
}

func TestParseVolume(t *testing.T) {
	for s, want := range map[string]Volume{
		"data:/srv":       {Name: "data", Source: "/srv"},
		"data:/srv:ro":    {Name: "data", Source: "/srv", ReadOnly: true},
		"a-b:rel/p":       {Name: "a-b", Source: "rel/p"},
		"x:/a:b:ro":       {Name: "x", Source: "/a:b", ReadOnly: true},
		"x::ro":           {Name: "x", Source: ":ro"},
		"data:/srv:rw":    {Name: "data", Source: "/srv:rw"},
		"data:/srv:ro:ro": {Name: "data", Source: "/srv:ro", ReadOnly: true},
	} {
		got, err := ParseVolume(s)
		if err != nil || got != want {
			t.Errorf("ParseVolume(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "data", "data:", ":/srv", "Data:/srv", "a_b:/x"} {
		if _, err := ParseVolume(s); !errors.Is(err, ErrVolume) {
			t.Errorf("ParseVolume(%q): err = %v", s, err)
		}
	}
}

func TestConfigRootless(t *testing.T) {
	// runc refuses a user namespace whose root is unmapped, and one host
	// id maps one container id: an app user other than root is an error.
	_, _, err := translate(t, `{"exec":["/bin/app"],"user":"app","group":"app"}`, AppOptions{Rootless: true, HostUID: 1234, HostGID: 5678})
	if err == nil || !strings.Contains(err.Error(), "must run as 0:0") {
		t.Errorf("rootless with app user 1000: %v", err)
	}
	s, _, err := translate(t, `{"exec":["/bin/app"],"user":"0","group":"0"}`, AppOptions{Rootless: true, HostUID: 1234, HostGID: 5678})
	if err != nil {
		t.Fatal(err)
	}
	l := s.Linux
	if !reflect.DeepEqual(l.UIDMappings, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1234, Size: 1}}) ||
		!reflect.DeepEqual(l.GIDMappings, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 5678, Size: 1}}) || l.Resources != nil {
		t.Errorf("linux = %+v", l)
	}
	var types []string
	for _, ns := range l.Namespaces {
		types = append(types, string(ns.Type))
	}
	if strings.Join(types, ",") != "pid,ipc,uts,mount,user" {
		t.Errorf("namespaces = %v", types)
	}
	_, _, err = translate(t, `{"exec":["/bin/app"],"user":"0","group":"0","supplementaryGIDs":[5]}`, AppOptions{Rootless: true})
	if err == nil || !strings.Contains(err.Error(), "supplementaryGIDs") {
		t.Errorf("rootless with supplementary groups: %v", err)
	}
}

func TestAppName(t *testing.T) {
	for in, want := range map[string]string{
		"coreos.com/etcd": "etcd", "example.com/my_app": "my-app", "a/b/c.d-e": "c-d-e",
		"x": "x", "example.com/__": "app", "example.com/" + strings.Repeat("a", 70): strings.Repeat("a", 63),
	} {
		if got := AppName(in); got != want || !appc.ValidName(got) {
			t.Errorf("AppName(%q) = %q, want %q", in, got, want)
		}
	}
}

// The output is stable and tab-indented with a final newline.
func TestMarshalConfig(t *testing.T) {
	s1, _, _ := translate(t, `{"exec":["/bin/app"],"user":"0","group":"0"}`, AppOptions{})
	s2, _, _ := translate(t, `{"exec":["/bin/app"],"user":"0","group":"0"}`, AppOptions{})
	b1, err := MarshalConfig(s1)
	must(t, err)
	b2, _ := MarshalConfig(s2)
	if string(b1) != string(b2) || !strings.HasSuffix(string(b1), "}\n") || !strings.Contains(string(b1), "\n\t\"process\"") {
		t.Errorf("config.json:\n%s", b1)
	}
	var back specs.Spec
	must(t, json.Unmarshal(b1, &back))
}

// Huge CPU limits neither overflow into a tiny quota nor into tiny shares.
func TestCPUMappingDoesNotOverflow(t *testing.T) {
	for _, milli := range []int64{maxCPUMilli + 1, 100_000_000_000_000, 9_223_372_036_854_775_000} {
		if q, _ := cpuQuota(milli); q != -1 {
			t.Errorf("cpuQuota(%d) = %d, want no quota", milli, q)
		}
		if s := cpuShares(milli); s != maxShares {
			t.Errorf("cpuShares(%d) = %d, want %d", milli, s, maxShares)
		}
	}
	if q, p := cpuQuota(500); q != 50_000 || p != cpuPeriod {
		t.Errorf("half a core: %d/%d", q, p)
	}
}

// A sysctl key is never a path, and a hostname is what the kernel takes:
// aci-bundle must not write what bundle-validate and runc refuse.
func TestSysctlKeysAndHostname(t *testing.T) {
	x := &isolators{}
	for _, k := range []string{"net.ipv4/../../kernel/core_pattern", "net..x", "net.ipv4.", "net.a b"} {
		if x.sysctlRefused(k) == "" {
			t.Errorf("sysctl key %q accepted", k)
		}
	}
	if why := x.sysctlRefused("net.ipv4.ip_forward"); why != "" {
		t.Errorf("net.ipv4.ip_forward refused: %s", why)
	}
	for _, h := range []string{strings.Repeat("a", 65), "bad host", "-x", "a/b"} {
		if validHostname(h) {
			t.Errorf("hostname %q accepted", h)
		}
	}
	if !validHostname("web-1.example.com") {
		t.Error("a plain hostname refused")
	}
}
