package extract

import (
	"archive/tar"
	"errors"
	"io"
	"strings"

	"golang.org/x/sys/unix"
)

// file creates a regular file anew, so that an existing name of any type,
// a symlink above all, is replaced and never written through.
func (x *extractor) file(r io.Reader, hdr *tar.Header, rel string) error {
	if x.o.MaxSize > 0 && hdr.Size > x.o.MaxSize-x.stats.Bytes {
		return problemf(ErrTooLarge, "%d bytes of contents would pass the limit of %d", x.stats.Bytes+hdr.Size, x.o.MaxSize)
	}
	if err := checkOwner(hdr); err != nil {
		return err
	}
	l, err := x.parent(rel, true)
	if err != nil {
		return err
	}
	fd, err := x.createFile(l)
	if err != nil {
		return opError("create", err)
	}
	err = x.copy(fd, r, hdr.Size)
	if err == nil {
		err = x.fileMeta(fd, hdr)
	}
	if cerr := unix.Close(fd); err == nil && cerr != nil {
		err = opError("close", cerr)
	}
	if err == nil {
		err = x.times(l, hdr)
	}
	x.stats.Files++
	return err
}

const createFlags = unix.O_WRONLY | unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_CLOEXEC

func (x *extractor) createFile(l loc) (int, error) {
	fd, err := unix.Openat(l.dir, l.name, createFlags, 0o600)
	if errors.Is(err, unix.EEXIST) {
		if err := x.remove(l); err != nil {
			return -1, err
		}
		fd, err = unix.Openat(l.dir, l.name, createFlags, 0o600)
	}
	return fd, err
}

// copy writes the next n bytes of r to fd through the extractor's buffer.
func (x *extractor) copy(fd int, r io.Reader, n int64) error {
	for n > 0 {
		chunk := x.buf
		if int64(len(chunk)) > n {
			chunk = chunk[:n]
		}
		m, err := io.ReadFull(r, chunk)
		if werr := writeAll(fd, chunk[:m]); werr != nil {
			return opError("write", werr)
		}
		n -= int64(m)
		x.stats.Bytes += int64(m)
		if err != nil {
			return readError("", err)
		}
	}
	return nil
}

func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return io.ErrShortWrite
		}
		b = b[n:]
	}
	return nil
}

// fileMeta restores a regular file's owner, then its mode (chown clears
// setuid), then its xattrs (chown clears security.capability).
func (x *extractor) fileMeta(fd int, hdr *tar.Header) error {
	if err := x.chown(hdr, func() error { return unix.Fchown(fd, hdr.Uid, hdr.Gid) }); err != nil {
		return err
	}
	if err := unix.Fchmod(fd, mode(hdr)); err != nil {
		return opError("chmod", err)
	}
	x.xattrs(fd, hdr)
	return nil
}

// dir creates a directory or merges into an existing one. Its mode and
// times wait for the end of the stream (finishDirs); until then the owner
// can always write into it.
func (x *extractor) dir(hdr *tar.Header, rel string) error {
	if err := checkOwner(hdr); err != nil {
		return err
	}
	l, err := x.parent(rel, true)
	if err != nil {
		return err
	}
	if err := x.mkdir(l); err != nil {
		return err
	}
	if err := x.chown(hdr, func() error { return lchown(l, hdr) }); err != nil {
		return err
	}
	if hasXattrs(hdr) {
		if err := x.dirXattrs(l, hdr); err != nil {
			return err
		}
	}
	x.dirs = append(x.dirs, dirMeta{rel: rel, depth: strings.Count(rel, "/"), mode: mode(hdr), atime: atime(hdr), mtime: mtime(hdr)})
	x.stats.Dirs++
	return nil
}

func lchown(l loc, hdr *tar.Header) error {
	return unix.Fchownat(l.dir, l.name, hdr.Uid, hdr.Gid, unix.AT_SYMLINK_NOFOLLOW)
}

// mkdir makes l a directory the owner can fill: a new one, an existing
// one, or one in place of whatever else was there.
func (x *extractor) mkdir(l loc) error {
	err := unix.Mkdirat(l.dir, l.name, 0o700)
	if !errors.Is(err, unix.EEXIST) {
		return opError("mkdir", err)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(l.dir, l.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return opError("stat", err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		if st.Mode&0o700 != 0o700 {
			return opError("chmod", chmodAt(l.dir, l.name, st.Mode&0o7777|0o700))
		}
		return nil
	}
	if err := x.remove(l); err != nil {
		return opError("replace", err)
	}
	return opError("mkdir", unix.Mkdirat(l.dir, l.name, 0o700))
}

func (x *extractor) dirXattrs(l loc, hdr *tar.Header) error {
	fd, err := unix.Openat(l.dir, l.name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return opError("open", err)
	}
	x.xattrs(fd, hdr)
	unix.Close(fd)
	return nil
}

// symlink creates a symlink in place of whatever was there; its target is
// stored, never resolved.
func (x *extractor) symlink(hdr *tar.Header, rel string) error {
	if hdr.Linkname == "" {
		return problemf(ErrHeader, "symlink with an empty target")
	}
	if err := checkOwner(hdr); err != nil {
		return err
	}
	l, err := x.parent(rel, true)
	if err != nil {
		return err
	}
	err = x.replace(l, func() error { return unix.Symlinkat(hdr.Linkname, l.dir, l.name) })
	if err != nil {
		return opError("symlink", err)
	}
	x.ignoreXattrs(hdr)
	x.stats.Symlinks++
	return x.nodeMeta(l, hdr, false)
}

// replace runs mk, and when the name is taken removes what is there and
// runs it once more.
func (x *extractor) replace(l loc, mk func() error) error {
	err := mk()
	if !errors.Is(err, unix.EEXIST) {
		return err
	}
	if err := x.remove(l); err != nil {
		return err
	}
	return mk()
}

// nodeMeta restores the owner, the mode (unless a symlink) and the times
// of a name that is not a regular file or a directory.
func (x *extractor) nodeMeta(l loc, hdr *tar.Header, chmod bool) error {
	if err := x.chown(hdr, func() error { return lchown(l, hdr) }); err != nil {
		return err
	}
	if chmod {
		if err := chmodAt(l.dir, l.name, mode(hdr)); err != nil {
			return opError("chmod", err)
		}
	}
	return x.times(l, hdr)
}

// special creates a device node (when privileged) or a FIFO.
func (x *extractor) special(hdr *tar.Header, rel string) error {
	kind, dev, err := deviceOf(hdr)
	if err != nil {
		return err
	}
	if err := checkOwner(hdr); err != nil {
		return err
	}
	if kind != unix.S_IFIFO && !x.o.Privileged {
		x.warn.devices++
		return nil
	}
	l, err := x.parent(rel, true)
	if err != nil {
		return err
	}
	err = x.replace(l, func() error { return unix.Mknodat(l.dir, l.name, kind|0o600, dev) })
	if kind != unix.S_IFIFO && errors.Is(err, unix.EPERM) {
		x.warn.devicesDenied++ // root in a user namespace, or a nodev policy
		return nil
	}
	if err != nil {
		return opError("mknod", err)
	}
	x.ignoreXattrs(hdr)
	x.stats.Devices++
	return x.nodeMeta(l, hdr, true)
}

// deviceOf returns the file type and device number of a device or FIFO
// entry; numbers beyond Linux's 12-bit major and 20-bit minor are refused.
func deviceOf(hdr *tar.Header) (uint32, int, error) {
	switch hdr.Typeflag {
	case tar.TypeFifo:
		return unix.S_IFIFO, 0, nil
	case tar.TypeChar, tar.TypeBlock:
	default:
		return 0, 0, problemf(ErrType, "unsupported entry type %q", hdr.Typeflag)
	}
	if hdr.Devmajor < 0 || hdr.Devmajor >= 1<<12 || hdr.Devminor < 0 || hdr.Devminor >= 1<<20 {
		return 0, 0, problemf(ErrHeader, "device number %d:%d out of range", hdr.Devmajor, hdr.Devminor)
	}
	kind := uint32(unix.S_IFCHR)
	if hdr.Typeflag == tar.TypeBlock {
		kind = unix.S_IFBLK
	}
	return kind, int(unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))), nil
}
