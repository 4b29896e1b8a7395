package bundle

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/intermodal/intermodal/lib/appc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// ContainerEnv is the value of the "container" variable every app gets
// (appc ACE-4: the executor's name).
const ContainerEnv = "intermodal"

// Annotation keys written into config.json.
const (
	AnnotationImageName = "com.github.intermodal.image.name"
	AnnotationImageID   = "com.github.intermodal.image.id"
	AnnotationAppName   = "com.github.intermodal.app.name"
	AnnotationPortDot   = "com.github.intermodal.port." // + port name
)

// ErrNoApp is returned for an image without an app when no exec is given.
var ErrNoApp = errors.New("the image has no app to run (give an exec)")

// AppOptions changes how the app runs; the zero value runs it as the image
// says.
type AppOptions struct {
	// Exec replaces app.exec; Exec[0] is resolved like app.exec[0].
	Exec []string
	// Hostname is the container's host name; "" means the app name.
	Hostname       string
	ReadonlyRootfs bool
	Terminal       bool
	// Volumes bind the app's mountPoints, each by name.
	Volumes []Volume
	// Rootless writes a user namespace mapping the app's uid and gid to
	// HostUID and HostGID (the caller), as `runc spec --rootless` does.
	Rootless         bool
	HostUID, HostGID uint32
	// ImageID is recorded as an annotation when set.
	ImageID string
}

// Config translates an image's app into the OCI configuration of a bundle
// whose root filesystem, already rendered, is rootfs. Names in the image
// (user, group, program, working directory) are resolved inside rootfs and
// never through a symlink out of it. warn receives what the user must know
// (ignored or changed isolators, unmappable features); info, when not nil,
// what was applied.
func Config(m *appc.ImageManifest, rootfs string, o AppOptions, warn, info func(string)) (*specs.Spec, error) {
	r, err := openRoot(rootfs)
	if err != nil {
		return nil, err
	}
	defer r.close()
	t := &translation{m: m, o: o, root: r, notes: &notes{warn: warn, info: info}}
	return t.spec()
}

// translation is one run of Config.
type translation struct {
	m     *appc.ImageManifest
	app   appc.App
	o     AppOptions
	root  *root
	notes *notes
	s     *specs.Spec
	acct  *account
}

func (t *translation) spec() (*specs.Spec, error) {
	if t.m.App != nil {
		t.app = *t.m.App
	} else {
		t.app = appc.App{User: "0", Group: "0"}
	}
	if len(t.o.Exec) == 0 && len(t.app.Exec) == 0 {
		return nil, ErrNoApp
	}
	if h := t.o.Hostname; h != "" && !validHostname(h) {
		return nil, fmt.Errorf("hostname %q: want at most 64 letters, digits, '-' and '.', as sethostname and DNS allow", h)
	}
	t.s = t.base()
	steps := []func() error{t.mounts, t.user, t.process, t.rootless, t.extras}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	iso := &isolators{spec: t.s, notes: t.notes, rootless: t.o.Rootless}
	iso.apply(t.app.Isolators)
	return t.s, nil
}

func (t *translation) base() *specs.Spec {
	name := AppName(t.m.Name)
	host := t.o.Hostname
	if host == "" {
		host = name
	}
	return &specs.Spec{
		Version:  OCIVersion,
		Process:  &specs.Process{Terminal: t.o.Terminal, Rlimits: append([]specs.POSIXRlimit(nil), defaultRlimits...)},
		Root:     &specs.Root{Path: RootfsDir, Readonly: t.o.ReadonlyRootfs},
		Hostname: host,
		Linux:    &specs.Linux{},
	}
}

func (t *translation) mounts() error {
	vols, err := volumeMounts(t.app.MountPoints, t.o.Volumes)
	if err != nil {
		return err
	}
	t.s.Mounts = append(defaultMounts(t.o.Rootless), vols...)
	return nil
}

func (t *translation) user() error {
	x := ids{root: t.root}
	uid, acct, err := x.user(t.app.User)
	if err != nil {
		return fmt.Errorf("app.user %q: %w", t.app.User, err)
	}
	gid, err := x.group(t.app.Group)
	if err != nil {
		return fmt.Errorf("app.group %q: %w", t.app.Group, err)
	}
	t.acct = acct
	t.s.Process.User = specs.User{UID: uid, GID: gid}
	for i, g := range t.app.SupplementaryGIDs {
		if g < 0 || int64(g) >= 1<<32-1 {
			return fmt.Errorf("app.supplementaryGIDs[%d]: %d is not a group id", i, g)
		}
		t.s.Process.User.AdditionalGids = append(t.s.Process.User.AdditionalGids, uint32(g))
	}
	return nil
}

func (t *translation) process() error {
	p := t.s.Process
	p.Env = t.env()
	p.Cwd = "/"
	if t.app.WorkingDirectory != "" {
		p.Cwd = path.Clean(t.app.WorkingDirectory)
	}
	if err := t.checkCwd(p.Cwd); err != nil {
		return err
	}
	args := t.app.Exec
	if len(t.o.Exec) > 0 {
		args = t.o.Exec
	}
	prog, err := t.program(args[0], envValue(p.Env, "PATH"), p.Cwd)
	if err != nil {
		return err
	}
	p.Args = append([]string{prog}, args[1:]...)
	return nil
}

// program resolves the app's program: in the rootfs, or, for a path on a
// volume, in the host directory the volume binds there.
func (t *translation) program(name, pathEnv, cwd string) (string, error) {
	if strings.Contains(name, "/") {
		p := inDir(cwd, name)
		if src, rel, ok := volumeFor(t.s.Mounts, p); ok {
			return p, checkOnVolume(src, rel, p)
		}
	}
	return lookPath(t.root, name, pathEnv, cwd)
}

// checkCwd requires the working directory to exist (appc ACE-5), in the
// rootfs or on the volume mounted over it.
func (t *translation) checkCwd(cwd string) error {
	if src, rel, ok := volumeFor(t.s.Mounts, cwd); ok {
		vr, err := openRoot(src)
		if err != nil {
			// A file volume: only its own path can be the directory.
			return fmt.Errorf("app.workingDirectory %s: on volume %s, which is not a directory", cwd, src)
		}
		defer vr.close()
		return checkDir(vr, rel, cwd)
	}
	return checkDir(t.root, cwd, cwd)
}

func checkDir(r *root, p, shown string) error {
	st, err := r.stat(p)
	if err != nil {
		return fmt.Errorf("app.workingDirectory %s: %w", shown, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("app.workingDirectory %s: not a directory", shown)
	}
	return nil
}

// env is the image's environment, then what appc ACE-4 requires: PATH
// unless the image sets it, AC_APP_NAME and container always; HOME, USER
// and LOGNAME from the app's passwd entry unless set, as rkt adds them.
func (t *translation) env() []string {
	var env []string
	set := map[string]bool{}
	for _, e := range t.app.Environment {
		if e.Name == "AC_APP_NAME" || e.Name == "container" {
			t.notes.warnf("app.environment %s replaced: the executor sets it", e.Name)
			continue
		}
		env = append(env, e.Name+"="+e.Value)
		set[e.Name] = true
	}
	add := func(k, v string) {
		if !set[k] {
			env = append(env, k+"="+v)
			set[k] = true
		}
	}
	add("PATH", DefaultPath)
	env = append(env, "AC_APP_NAME="+AppName(t.m.Name), "container="+ContainerEnv)
	if t.o.Terminal {
		add("TERM", "xterm")
	}
	add("HOME", t.home())
	if t.acct != nil {
		add("USER", t.acct.name)
		add("LOGNAME", t.acct.name)
	}
	return env
}

func (t *translation) home() string {
	if t.acct != nil && path.IsAbs(t.acct.home) {
		return t.acct.home
	}
	return "/"
}

func envValue(env []string, key string) string {
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, key+"="); ok {
			return v
		}
	}
	return ""
}

// rootless maps the app's own uid and gid to the caller; it can map
// nothing else, so supplementary groups cannot be kept.
func (t *translation) rootless() error {
	u := t.s.Process.User
	t.s.Linux = defaultLinux(t.o.Rootless, t.o.HostUID, t.o.HostGID, u.UID, u.GID)
	if t.o.Rootless && len(u.AdditionalGids) > 0 {
		return fmt.Errorf("app.supplementaryGIDs: a rootless container maps only the app's own group (%d)", u.GID)
	}
	// runc and crun need the namespace's root mapped, and one host id can
	// map only one container id: an app running as another user cannot
	// be started rootless without subordinate ids (newuidmap).
	if t.o.Rootless && (u.UID != 0 || u.GID != 0) {
		return fmt.Errorf("app.user %d, app.group %d: a rootless bundle maps only the caller to root in the container, so the app must run as 0:0 (use --exec or an image whose app runs as root)", u.UID, u.GID)
	}
	return nil
}

// extras reports what OCI cannot say and records what it can only note.
func (t *translation) extras() error {
	a := map[string]string{AnnotationImageName: t.m.Name, AnnotationAppName: AppName(t.m.Name)}
	if t.o.ImageID != "" {
		a[AnnotationImageID] = t.o.ImageID
	}
	for _, p := range t.app.Ports {
		a[AnnotationPortDot+p.Name] = portString(p)
		if p.SocketActivated {
			t.notes.warnf("app.ports %s: socket activation ignored: the port is not passed to the app", p.Name)
		}
	}
	t.s.Annotations = a
	for _, h := range t.app.EventHandlers {
		t.notes.warnf("app.eventHandlers %s ignored: OCI hooks run on the host, not in the app's container", h.Name)
	}
	return nil
}

func portString(p appc.Port) string {
	s := fmt.Sprintf("%s/%d", p.Protocol, p.Port)
	if p.Count > 1 {
		s += fmt.Sprintf("-%d", p.Port+p.Count-1)
	}
	return s
}

// AppName is the app's name as rkt derived it from the image name (appc
// ACE-4 AC_APP_NAME): the last path component, as an AC Name, such as
// "etcd" for coreos.com/etcd.
func AppName(image string) string {
	base := image[strings.LastIndex(image, "/")+1:]
	var b strings.Builder
	dash := true // no leading dash
	for _, c := range strings.ToLower(base) {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.TrimRight(b.String(), "-")
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-")
	}
	if name == "" {
		return "app"
	}
	return name
}

// validHostname: what the kernel takes (64 bytes) in DNS's characters.
func validHostname(h string) bool {
	if len(h) > 64 || h[0] == '-' || h[0] == '.' {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
