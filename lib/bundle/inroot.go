package bundle

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// root is an open root filesystem. Every lookup in it is resolved by the
// kernel as if root were "/" (RESOLVE_IN_ROOT): an absolute symlink or a
// ".." in the image lands inside it, never on the host, and magic links
// such as /proc/self/root are refused.
type root struct {
	fd   int
	real string // the root's own path as the kernel names it, for inPath
}

func openRoot(dir string) (*root, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	real, err := fdPath(fd)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &root{fd: fd, real: real}, nil
}

func (r *root) close() { unix.Close(r.fd) }

// open resolves name (absolute, as seen from inside the root) with flags.
func (r *root) open(name string, flags int) (int, error) {
	how := unix.OpenHow{
		Flags:   uint64(flags | unix.O_CLOEXEC),
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	}
	rel := strings.TrimLeft(name, "/")
	if rel == "" {
		rel = "."
	}
	for i := 0; ; i++ {
		fd, err := unix.Openat2(r.fd, rel, &how)
		// EAGAIN: a rename raced with the lookup; the kernel asks to retry.
		if !errors.Is(err, unix.EAGAIN) || i == 64 {
			return fd, err
		}
	}
}

// stat follows symlinks inside the root and reports what name is.
func (r *root) stat(name string) (unix.Stat_t, error) {
	var st unix.Stat_t
	fd, err := r.open(name, unix.O_PATH)
	if err != nil {
		return st, err
	}
	defer unix.Close(fd)
	return st, unix.Fstat(fd, &st)
}

// resolve is where name ends up inside the root once every symlink on the
// way has been followed, as an absolute path inside the root.
func (r *root) resolve(name string) (string, unix.Stat_t, error) {
	var st unix.Stat_t
	fd, err := r.open(name, unix.O_PATH)
	if err != nil {
		return "", st, err
	}
	defer unix.Close(fd)
	if err := unix.Fstat(fd, &st); err != nil {
		return "", st, err
	}
	p, err := fdPath(fd)
	if err != nil {
		return "", st, err
	}
	rel, ok := inPath(r.real, p)
	if !ok {
		return "", st, fmt.Errorf("resolves to %s, outside the root filesystem", p)
	}
	return rel, st, nil
}

// readFile reads a regular file inside the root, refusing one larger than
// max bytes, a FIFO (opened non-blocking) or a device.
func (r *root) readFile(name string, max int64) ([]byte, error) {
	// O_PATH first: opening a device for reading runs its driver on the
	// host (a watchdog arms, a tape rewinds), so the type is checked on a
	// handle that opens nothing, and only a regular file is reopened.
	pfd, err := r.open(name, unix.O_PATH)
	if err != nil {
		return nil, err
	}
	var pst unix.Stat_t
	err = unix.Fstat(pfd, &pst)
	if err == nil && pst.Mode&unix.S_IFMT != unix.S_IFREG {
		err = errors.New("not a regular file")
	}
	if err != nil {
		unix.Close(pfd)
		return nil, err
	}
	fd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", pfd), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	unix.Close(pfd)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%d bytes, more than the %d this reads", st.Size(), max)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(b)) > max {
		err = fmt.Errorf("grew past %d bytes while read", max)
	}
	return b, err
}

// fdPath is the path the kernel gives an open descriptor.
func fdPath(fd int) (string, error) {
	p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return "", fmt.Errorf("finding the path of an open file: %w", err)
	}
	return p, nil
}

// inPath turns a host path under dir into the absolute path it has inside
// dir; ok is false when p is not under dir.
func inPath(dir, p string) (string, bool) {
	if p == dir {
		return "/", true
	}
	rest, ok := strings.CutPrefix(p, strings.TrimSuffix(dir, "/")+"/")
	if !ok {
		return "", false
	}
	return path.Clean("/" + rest), true
}
