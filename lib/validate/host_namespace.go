package validate

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// nsGetNSType is NS_GET_NSTYPE, _IO(0xb7, 0x3) in linux/nsfs.h.
const nsGetNSType = 0xb703

var errNotNamespace = errors.New("not a namespace file")

var cloneTypes = map[int]string{
	unix.CLONE_NEWPID: "pid", unix.CLONE_NEWNET: "network", unix.CLONE_NEWNS: "mount",
	unix.CLONE_NEWIPC: "ipc", unix.CLONE_NEWUTS: "uts", unix.CLONE_NEWUSER: "user",
	unix.CLONE_NEWCGROUP: "cgroup", unix.CLONE_NEWTIME: "time",
}

// namespaceType returns the spec's name for the type of the namespace at
// p. The file is opened for reading only once fstatfs has shown it is on
// nsfs, so a path naming a device or a FIFO is never opened.
func namespaceType(p string) (string, error) {
	fd, err := unix.Open(p, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(fd)
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil {
		return "", err
	}
	if fs.Type != unix.NSFS_MAGIC {
		return "", errNotNamespace
	}
	rfd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", fd), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(rfd)
	t, err := unix.IoctlRetInt(rfd, nsGetNSType)
	if err != nil {
		return "", fmt.Errorf("NS_GET_NSTYPE: %w", err)
	}
	if name, ok := cloneTypes[t]; ok {
		return name, nil
	}
	return "", fmt.Errorf("unknown namespace type %#x", t)
}
