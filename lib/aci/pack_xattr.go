package aci

import (
	"bytes"
	"errors"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// paxXattr is the PAX record prefix GNU tar, bsdtar and Go use for xattrs.
const paxXattr = "SCHILY.xattr."

// keepXattr says which extended attributes belong in an image. user.*,
// trusted.* and security.capability describe the file itself (rkt restores
// security.capability and user.*). system.* holds filesystem ACL encodings
// and security.selinux the build host's labels, which would make the same
// tree pack differently on different hosts.
func keepXattr(name string) bool {
	return strings.HasPrefix(name, "user.") ||
		strings.HasPrefix(name, "trusted.") ||
		name == "security.capability"
}

// xattrs returns the kept attributes as PAX records, or nil when there
// are none. With fd >= 0 it reads through the descriptor, else through
// the path without following a symlink. Go's tar writer sorts PAX records
// by key, so the map's order does not reach the output.
func (w *walker) xattrs(fd int, path string) (map[string]string, error) {
	names, err := w.listXattr(fd, path)
	if err != nil || len(names) == 0 {
		return nil, err
	}
	var recs map[string]string
	for _, n := range bytes.Split(bytes.TrimSuffix(names, []byte{0}), []byte{0}) {
		name := string(n)
		if !keepXattr(name) {
			continue
		}
		v, ok, err := getXattr(fd, path, name)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if recs == nil {
			recs = map[string]string{}
		}
		recs[paxXattr+name] = v
	}
	return recs, nil
}

// listXattr returns the NUL-separated attribute names; a filesystem
// without xattr support has none.
func (w *walker) listXattr(fd int, path string) ([]byte, error) {
	if w.xbuf == nil {
		w.xbuf = make([]byte, 4096)
	}
	for {
		n, err := listRaw(fd, path, w.xbuf)
		switch {
		case err == nil:
			return w.xbuf[:n], nil
		case errors.Is(err, unix.ENOTSUP), errors.Is(err, unix.EOPNOTSUPP):
			return nil, nil
		case errors.Is(err, unix.ERANGE):
			w.xbuf = make([]byte, 2*len(w.xbuf))
			continue
		case errors.Is(err, unix.EINTR):
			continue
		}
		return nil, &os.PathError{Op: "listxattr", Path: path, Err: err}
	}
}

func listRaw(fd int, path string, buf []byte) (int, error) {
	if fd >= 0 {
		return unix.Flistxattr(fd, buf)
	}
	return unix.Llistxattr(path, buf)
}

// getXattr reads one value; ok is false when it vanished since listing or
// is not readable by this user (trusted.* without CAP_SYS_ADMIN).
func getXattr(fd int, path, name string) (string, bool, error) {
	buf := make([]byte, 256)
	for {
		var n int
		var err error
		if fd >= 0 {
			n, err = unix.Fgetxattr(fd, name, buf)
		} else {
			n, err = unix.Lgetxattr(path, name, buf)
		}
		switch {
		case err == nil:
			return string(buf[:n]), true, nil
		case err == unix.ERANGE && len(buf) < 1<<20:
			buf = make([]byte, 4*len(buf))
			continue
		case err == unix.EINTR:
			continue
		case err == unix.ENODATA, err == unix.EPERM, err == unix.EACCES:
			return "", false, nil
		}
		return "", false, &os.PathError{Op: "getxattr " + name, Path: path, Err: err}
	}
}
