package bundle

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// DefaultPath is the PATH appc ACE-4 gives an app whose image sets none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// ErrExec is wrapped when the program to run cannot be found or must not
// be run.
var ErrExec = errors.New("cannot run the app's program")

// kernelDirs are where the runtime mounts the kernel's own filesystems
// over the rootfs: a program found there at bundle time is not what would
// run (appc G36: exec of /proc/1/root/... runs a host binary).
var kernelDirs = []string{"/proc", "/sys", "/dev"}

// lookPath resolves a program the way execvp does, inside the rootfs: a
// name with a slash is taken as it is (relative to cwd when not absolute),
// a bare name is searched in PATH, whose empty or relative entries are
// relative to cwd. The result names an executable regular file reached
// without leaving the rootfs; the path returned is the one found, before
// symlinks, so argv[0] stays what the app expects (busybox applets).
func lookPath(r *root, name, pathEnv, cwd string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("%w: empty program name", ErrExec)
	}
	if strings.Contains(name, "/") {
		p := inDir(cwd, name)
		return p, checkExec(r, p)
	}
	var first error
	for _, dir := range strings.Split(pathEnv, ":") {
		p := inDir(cwd, path.Join(dir, name))
		err := checkExec(r, p)
		if err == nil {
			return p, nil
		}
		// Like execvp: a file that exists but cannot be run is what is
		// reported if nothing better turns up; refusals end the search.
		if errors.Is(err, errRefused) {
			return "", err
		}
		if first == nil && !isNotExist(err) {
			first = err
		}
	}
	if first != nil {
		return "", first
	}
	return "", fmt.Errorf("%w: %q not found in PATH %s of the rootfs", ErrExec, name, pathEnv)
}

var errRefused = fmt.Errorf("%w: refused", ErrExec)

// inDir makes p absolute against cwd.
func inDir(cwd, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join("/", cwd, p)
}

// checkExec accepts an executable regular file that neither names nor
// resolves to a place under a kernel filesystem.
func checkExec(r *root, p string) error {
	if err := kernelCheck(p); err != nil {
		return err
	}
	final, st, err := r.resolve(p)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrExec, p, err)
	}
	if d := underKernelDir(final); d != "" {
		return fmt.Errorf("%w: %s resolves to %s, under %s, which the runtime mounts from the host kernel (appc G36)", errRefused, p, final, d)
	}
	return executable(st, p)
}

func kernelCheck(p string) error {
	if d := underKernelDir(p); d != "" {
		return fmt.Errorf("%w: %s is under %s, which the runtime mounts from the host kernel (appc G36)", errRefused, p, d)
	}
	return nil
}

func executable(st unix.Stat_t, p string) error {
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return fmt.Errorf("%w: %s: not a regular file", ErrExec, p)
	}
	if st.Mode&0o111 == 0 {
		return fmt.Errorf("%w: %s: not executable (mode %04o)", ErrExec, p, st.Mode&0o7777)
	}
	return nil
}

// checkOnVolume checks a program the volume mounted at its path provides:
// rel inside the host directory src, or src itself for a file volume.
func checkOnVolume(src, rel, p string) error {
	if err := kernelCheck(p); err != nil {
		return err
	}
	vr, err := openRoot(src)
	if err != nil {
		var st unix.Stat_t
		if err := unix.Stat(src, &st); err != nil || rel != "" {
			return fmt.Errorf("%w: %s: on volume %s, which is not a directory", ErrExec, p, src)
		}
		return executable(st, p)
	}
	defer vr.close()
	st, err := vr.stat(rel)
	if err != nil {
		return fmt.Errorf("%w: %s: on volume %s: %w", ErrExec, p, src, err)
	}
	return executable(st, p)
}

func underKernelDir(p string) string {
	for _, d := range kernelDirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return d
		}
	}
	return ""
}
