package tests

// Interoperability of aci-bundle with real OCI runtimes: an image aci-pack
// built from a static Go program (testdata/bundleapp) becomes a bundle that
// runc and crun run as it is. The program reports what it was given (ids,
// groups, working directory, environment, capabilities, limits), so each
// test compares that with the image manifest. Runs as root; a missing
// runtime skips (fails in CI, INTERMODAL_REQUIRE_ALL=1).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/sys/unix"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/intermodal/intermodal/lib/testenv"
)

// bundleApp builds testdata/bundleapp once per test binary, to one fixed
// place in the temporary directory (renamed into place, so concurrent runs
// do not see a half-written file, and replaced rather than piled up).
var bundleApp = sync.OnceValues(func() (string, error) {
	out := filepath.Join(os.TempDir(), "intermodal-bundleapp")
	tmp, err := os.MkdirTemp("", "bundleapp")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(tmp, "app"), "./testdata/bundleapp")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, b)
	}
	return out, os.Rename(filepath.Join(tmp, "app"), out)
})

// bundleImage is an image directory being made for a test.
type bundleImage struct {
	t      *testing.T
	dir    string
	app    map[string]any
	extras map[string]any
}

// newBundleImage lays out a rootfs with the app as /bin/bundleapp, a
// passwd and group file, and the directories the tests use.
func newBundleImage(t *testing.T) *bundleImage {
	t.Helper()
	app, err := bundleApp()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "etc", "srv", "home/app", "tmp", "proc", "sys", "dev", "conf", "data"} {
		mustDo(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	mustDo(t, os.Chmod(filepath.Join(root, "tmp"), 0o1777))
	b, err := os.ReadFile(app)
	mustDo(t, err)
	mustDo(t, os.WriteFile(filepath.Join(root, "bin/bundleapp"), b, 0o755))
	mustDo(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:App:/home/app:/bin/sh\n"), 0o644))
	mustDo(t, os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\napp:x:1000:\nstaff:x:50:app\n"), 0o644))
	mustDo(t, os.Chown(filepath.Join(root, "home/app"), 1000, 1000))
	return &bundleImage{t: t, dir: dir, extras: map[string]any{},
		app: map[string]any{"exec": []string{"/bin/bundleapp"}, "user": "0", "group": "0"}}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// pack writes the manifest and runs aci-pack; it returns the ACI's path.
func (im *bundleImage) pack() string {
	im.t.Helper()
	m := map[string]any{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/bundle-test", "app": im.app}
	for k, v := range im.extras {
		m[k] = v
	}
	b, err := json.Marshal(m)
	mustDo(im.t, err)
	mustDo(im.t, os.WriteFile(filepath.Join(im.dir, "manifest"), b, 0o644))
	out := filepath.Join(im.dir, "app.aci")
	runTool(im.t, "aci-pack", "-o", out, im.dir)
	return out
}

func runTool(t *testing.T, tool string, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir(t), tool), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// bundle runs aci-bundle on the image into a fresh directory.
func (im *bundleImage) bundle(args ...string) string {
	im.t.Helper()
	aci := im.pack()
	dir := filepath.Join(im.t.TempDir(), "bundle")
	all := append(append([]string{"-q"}, args...), aci, dir)
	if i := indexOf(args, "--"); i >= 0 {
		all = append(append(append([]string{"-q"}, args[:i]...), aci, dir), args[i:]...)
	}
	if got := strings.TrimSpace(runTool(im.t, "aci-bundle", all...)); got != dir {
		im.t.Fatalf("aci-bundle printed %q, want %q", got, dir)
	}
	return dir
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// runtime is an OCI runtime under test.
type runtime struct {
	name string
	run  func(t *testing.T, bundle string) (stdout string, status int)
}

// runtimes are runc and crun; crun refuses this host's hybrid cgroup
// layout unless cgroup2 is hidden, in a mount namespace of its own
// (oci-runtime.md C-17).
func runtimes(t *testing.T) []runtime {
	testenv.Require(t, os.Geteuid() == 0, "running containers needs root")
	runc := testenv.LookPath(t, "runc")
	crun := testenv.LookPath(t, "crun")
	testenv.LookPath(t, "unshare")
	return []runtime{
		{"runc", func(t *testing.T, b string) (string, int) {
			return runContainer(t, runc, "--root", t.TempDir(), "run", "-b", b, containerID(t))
		}},
		{"crun", func(t *testing.T, b string) (string, int) {
			script := `umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"`
			return runContainer(t, "unshare", "-m", "sh", "-c", script, "sh", crun, "--root", t.TempDir(), "run", "-b", b, containerID(t))
		}},
	}
}

func containerID(t *testing.T) string {
	return fmt.Sprintf("im-%d-%x", os.Getpid(), len(t.Name())*7919+int(t.Name()[len(t.Name())-1]))
}

func runContainer(t *testing.T, prog string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		if stdout.Len() == 0 {
			t.Fatalf("%s run: %v\n%s", prog, err, stderr.String())
		}
		return stdout.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return stdout.String(), 0
}

// report is the app's output as key -> value ("env NAME" keys for the
// environment).
func report(out string) map[string]string {
	r := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if name, ok := strings.CutPrefix(line, "env "); ok {
			k, v, _ := strings.Cut(name, "=")
			r["env "+k] = v
			continue
		}
		if k, v, ok := strings.Cut(line, ": "); ok && strings.Contains(k, " /") {
			r[k] = v // "write /data/x: ok"
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			r[k] = v
		}
	}
	return r
}

func expect(t *testing.T, r map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got, ok := r[k]; !ok || !strings.HasPrefix(got, v) {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// Capability numbers, for the masks /proc/self/status shows.
const (
	capChown, capDacOverride, capFowner, capFsetid, capKill, capSetgid, capSetuid, capSetpcap = 0, 1, 3, 4, 5, 6, 7, 8
	capNetBindService, capNetRaw, capSysChroot, capMknod, capAuditWrite, capSetfcap           = 10, 13, 18, 27, 29, 31
)

func capMask(caps ...int) string {
	var m uint64
	for _, c := range caps {
		m |= 1 << c
	}
	return fmt.Sprintf("%016x", m)
}

var appcDefaultCaps = capMask(capAuditWrite, capChown, capDacOverride, capFsetid, capFowner, capKill, capMknod,
	capNetRaw, capNetBindService, capSetuid, capSetgid, capSetpcap, capSetfcap, capSysChroot)

// sampleBundles makes one bundle of each kind the tests run, plus a
// rootless one, and returns them by name: every sort of config.json
// aci-bundle writes, for checks such as bundle-validate to run over.
func sampleBundles(t *testing.T) map[string]string {
	data, conf := t.TempDir(), t.TempDir()
	return map[string]string{
		"root":     rootAppBundle(t),
		"user":     userAppBundle(t),
		"volumes":  volumesBundle(t, data, conf),
		"limits":   isolatorsBundle(t),
		"retain":   retainSetBundle(t),
		"rootless": newBundleImage(t).bundle("--rootless"),
		"terminal": newBundleImage(t).bundle("--terminal", "--hostname", "h"),
	}
}

// rootAppBundle runs as root with a capability retain-set, no_new_privs,
// an oom_score_adj, a working directory, an environment and exit status 3.
func rootAppBundle(t *testing.T) string {
	im := newBundleImage(t)
	im.app["exec"] = []string{"/bin/bundleapp", "exit", "3"}
	im.app["workingDirectory"] = "/srv"
	im.app["environment"] = []map[string]string{{"name": "GREETING", "value": "hi there"}}
	im.app["isolators"] = []map[string]any{
		{"name": "os/linux/capabilities-retain-set", "value": map[string]any{"set": []string{"CAP_NET_BIND_SERVICE", "CAP_KILL"}}},
		{"name": "os/linux/no-new-privileges", "value": true},
		{"name": "os/linux/oom-score-adj", "value": 500},
	}
	return im.bundle()
}

func TestBundleRootApp(t *testing.T) {
	for _, rt := range runtimes(t) {
		t.Run(rt.name, func(t *testing.T) {
			out, status := rt.run(t, rootAppBundle(t))
			if status != 3 {
				t.Errorf("exit status %d, want the app's 3", status)
			}
			expect(t, report(out), map[string]string{
				"uid": "0", "gid": "0", "groups": "[]", "cwd": "/srv <nil>", "hostname": "bundle-test",
				"env GREETING": "hi there", "env AC_APP_NAME": "bundle-test", "env container": "intermodal",
				"env PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "env HOME": "/root", "env USER": "root",
				"CapEff": capMask(capNetBindService, capKill), "CapBnd": capMask(capNetBindService, capKill),
				"NoNewPrivs": "1", "oom_score_adj": "500",
			})
		})
	}
}

// A non-root app runs with its passwd ids and supplementary groups; the
// capabilities bound it but it holds none, as in rkt.
func userAppBundle(t *testing.T) string {
	im := newBundleImage(t)
	im.app["user"], im.app["group"] = "app", "staff"
	im.app["supplementaryGIDs"] = []int{60, 70}
	im.app["workingDirectory"] = "/home/app"
	return im.bundle()
}

func TestBundleUserApp(t *testing.T) {
	for _, rt := range runtimes(t) {
		t.Run(rt.name, func(t *testing.T) {
			out, status := rt.run(t, userAppBundle(t))
			if status != 0 {
				t.Errorf("exit status %d", status)
			}
			expect(t, report(out), map[string]string{
				"uid": "1000", "gid": "50", "groups": "[60 70]", "cwd": "/home/app <nil>",
				"env HOME": "/home/app", "env USER": "app", "env LOGNAME": "app",
				"CapEff": capMask(), "CapBnd": appcDefaultCaps, "NoNewPrivs": "0",
			})
		})
	}
}

// volumesBundle binds /data to data read-write and /conf to conf
// read-only (conf gets a file "in"), on a read-only rootfs.
func volumesBundle(t *testing.T, data, conf string) string {
	mustDo(t, os.WriteFile(filepath.Join(conf, "in"), []byte("from the host"), 0o644))
	mustDo(t, os.MkdirAll(filepath.Join(conf, "sub"), 0o755))
	im := newBundleImage(t)
	im.app["mountPoints"] = []map[string]any{{"name": "data", "path": "/data"}, {"name": "conf", "path": "/conf"}}
	return im.bundle("--volume", "data:"+data, "--volume", "conf:"+conf+":ro", "--readonly-rootfs",
		"--", "/bin/bundleapp", "write", "/data/out", "write", "/conf/x", "write", "/conf/sub/y", "read", "/conf/in", "write", "/srv/x")
}

// Volumes: a mountPoint is bound where the image says, read-only when the
// mountPoint or --volume :ro says so; --readonly-rootfs makes the rest
// read-only.
func TestBundleVolumes(t *testing.T) {
	for _, rt := range runtimes(t) {
		t.Run(rt.name, func(t *testing.T) {
			data, conf := t.TempDir(), t.TempDir()
			b := volumesBundle(t, data, conf)
			// A writable mount below a read-only volume stays out of reach.
			mustDo(t, unix.Mount("tmpfs", filepath.Join(conf, "sub"), "tmpfs", 0, "size=1m"))
			t.Cleanup(func() { unix.Unmount(filepath.Join(conf, "sub"), unix.MNT_DETACH) }) //nolint:errcheck // best effort
			out, status := rt.run(t, b)
			if status != 0 {
				t.Errorf("exit status %d", status)
			}
			expect(t, report(out), map[string]string{
				"write /data/out": "ok", "write /conf/x": "open /conf/x: read-only file system (errno 30)",
				"write /conf/sub/y": "open /conf/sub/y: read-only file system (errno 30)",
				"read /conf/in":     "ok", "content": "from the host", "write /srv/x": "open /srv/x: read-only file system (errno 30)",
			})
			if b, err := os.ReadFile(filepath.Join(data, "out")); err != nil || string(b) != "written by bundleapp\n" {
				t.Errorf("the host sees %q, %v", b, err)
			}
		})
	}
}

// Resources and seccomp reach the kernel: the app sees its cgroup limits,
// and the system calls of a remove-set fail with its errno.
// isolatorsBundle has a seccomp remove-set and memory and CPU limits.
func isolatorsBundle(t *testing.T) string {
	im := newBundleImage(t)
	im.app["exec"] = []string{"/bin/bundleapp", "mkdir", "/tmp/d",
		"read", "/sys/fs/cgroup/memory/memory.limit_in_bytes", "read", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"}
	im.app["isolators"] = []map[string]any{
		{"name": "os/linux/seccomp-remove-set", "value": map[string]any{"set": []string{"mkdir", "mkdirat"}, "errno": "EPERM"}},
		{"name": "resource/memory", "value": map[string]any{"limit": "64Mi"}},
		{"name": "resource/cpu", "value": map[string]any{"limit": "500m"}},
		{"name": "os/unix/sysctl", "value": map[string]string{"net.ipv4.ip_forward": "0"}},
	}
	return im.bundle()
}

func TestBundleIsolators(t *testing.T) {
	for _, rt := range runtimes(t) {
		t.Run(rt.name, func(t *testing.T) {
			out, status := rt.run(t, isolatorsBundle(t))
			if status != 0 {
				t.Errorf("exit status %d", status)
			}
			r := report(out)
			expect(t, r, map[string]string{"mkdir /tmp/d": "mkdir /tmp/d: operation not permitted (errno 1)", "Seccomp": "2"})
			if !strings.Contains(out, "content=67108864\n") || !strings.Contains(out, "content=50000\n") {
				t.Errorf("cgroup limits not seen:\n%s", out)
			}
		})
	}
}

// goRuntimeSyscalls is enough for testdata/bundleapp (a static Go program)
// to start, report and exit; mkdir and mkdirat are not in it.
var goRuntimeSyscalls = []string{"arch_prctl", "clone", "close", "epoll_create1", "epoll_ctl", "epoll_pwait",
	"eventfd2", "execve", "exit", "exit_group", "fcntl", "fstat", "futex", "getcwd", "getdents64", "getgid",
	"getgroups", "getpid", "getppid", "getrandom", "gettid", "getuid", "madvise", "mmap", "munmap", "nanosleep",
	"newfstatat", "openat", "prctl", "pread64", "prlimit64", "read", "readlinkat", "rt_sigaction",
	"rt_sigprocmask", "rt_sigreturn", "sched_getaffinity", "sched_yield", "sigaltstack", "tgkill", "uname", "write"}

// A retain-set allows what it lists and the runtime's own last steps;
// anything else fails with its errno.
func retainSetBundle(t *testing.T) string {
	im := newBundleImage(t)
	im.app["exec"] = []string{"/bin/bundleapp", "mkdir", "/tmp/d", "read", "/etc/group"}
	im.app["isolators"] = []map[string]any{
		{"name": "os/linux/seccomp-retain-set", "value": map[string]any{"set": goRuntimeSyscalls, "errno": "EPERM"}},
	}
	return im.bundle()
}

func TestBundleSeccompRetainSet(t *testing.T) {
	for _, rt := range runtimes(t) {
		t.Run(rt.name, func(t *testing.T) {
			out, status := rt.run(t, retainSetBundle(t))
			if status != 0 {
				t.Errorf("exit status %d\n%s", status, out)
			}
			expect(t, report(out), map[string]string{"mkdir /tmp/d": "mkdir /tmp/d: operation not permitted (errno 1)",
				"read /etc/group": "ok", "Seccomp": "2", "NoNewPrivs": "1"})
		})
	}
}

// nobody is the unprivileged user the rootless test runs everything as.
const nobody = "65534"

// A bundle made by an unprivileged user with --rootless runs under that
// user's own runc or crun, in a user namespace mapping it to the app's root.
func TestBundleRootless(t *testing.T) {
	rts := runtimes(t)
	setpriv := testenv.LookPath(t, "setpriv")
	asNobody := []string{setpriv, "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups", "env", "HOME=/nonexistent"}
	for _, rt := range rts {
		t.Run(rt.name, func(t *testing.T) {
			work, err := os.MkdirTemp("", "rootless")
			mustDo(t, err)
			t.Cleanup(func() { os.RemoveAll(work) })
			mustDo(t, os.Chmod(work, 0o777))
			im := newBundleImage(t)
			aci := filepath.Join(work, "app.aci")
			b, err := os.ReadFile(im.pack())
			mustDo(t, err)
			mustDo(t, os.WriteFile(aci, b, 0o644))
			bundle := filepath.Join(work, "bundle")
			tool := filepath.Join(binDir(t), "aci-bundle")
			if out, err := exec.Command(asNobody[0], append(asNobody[1:], tool, "-q", "--rootless", aci, bundle)...).CombinedOutput(); err != nil {
				t.Fatalf("aci-bundle as nobody: %v\n%s", err, out)
			}
			rtArgs := []string{rt.name, "--root", filepath.Join(work, "state"), "run", "-b", bundle, containerID(t)}
			env := "XDG_RUNTIME_DIR=" + work
			var out string
			var status int
			if rt.name == "runc" {
				out, status = runContainer(t, asNobody[0], append(append(asNobody[1:], env), rtArgs...)...)
			} else {
				script := `umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"`
				args := append(append(append([]string{"-m", "sh", "-c", script, "sh"}, asNobody...), env), rtArgs...)
				out, status = runContainer(t, "unshare", args...)
			}
			if status != 0 {
				t.Errorf("exit status %d", status)
			}
			expect(t, report(out), map[string]string{"uid": "0", "gid": "0", "CapBnd": appcDefaultCaps, "CapEff": appcDefaultCaps})
			if !strings.Contains(out, "env AC_APP_NAME=bundle-test") {
				t.Errorf("output:\n%s", out)
			}
		})
	}
}

// The sample bundles all build, and each config.json is a valid runtime
// spec document as far as its Go types go; bundle-validate checks them
// further (its own tests take them from sampleBundles).
func TestSampleBundles(t *testing.T) {
	testenv.Require(t, os.Geteuid() == 0, "the samples chown files as root")
	for name, dir := range sampleBundles(t) {
		b, err := os.ReadFile(filepath.Join(dir, "config.json"))
		mustDo(t, err)
		var spec map[string]any
		if err := json.Unmarshal(b, &spec); err != nil || spec["ociVersion"] != "1.0.2" && spec["ociVersion"] != "1.1.0" {
			t.Errorf("%s: %v %v", name, err, spec["ociVersion"])
		}
	}
}
