package extract

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// resolveFlags keep a lookup inside the root and refuse every symlink on
// the way; names never hold "..", so RESOLVE_IN_ROOT only adds a second
// guarantee.
const resolveFlags = unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

const dirPathFlags = unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC

// loc is where an entry goes: its parent directory's descriptor, its
// last component there, and its whole path relative to the root.
type loc struct {
	dir       int
	name, rel string
}

// parent resolves rel's parent directory. With create, missing parents
// are made; without, a missing one is unix.ENOENT. The descriptor belongs
// to the extractor and stays valid until the next call.
func (x *extractor) parent(rel string, create bool) (loc, error) {
	dir, name := splitRel(rel)
	if dir == "" {
		return loc{x.root, name, rel}, nil
	}
	if x.cache.fd >= 0 && x.cache.dir == dir {
		return loc{x.cache.fd, name, rel}, nil
	}
	fd, err := x.openDir(dir)
	if err == nil && create && x.euid != 0 && !ownerCan(fd) {
		unix.Close(fd)
		err = unix.EACCES
	}
	if err != nil {
		// The walk says which component is at fault, creates what is
		// missing, and opens up what an unprivileged caller cannot enter.
		fd, err = x.walk(dir, create)
	}
	if err != nil {
		return loc{dir: -1}, err
	}
	x.invalidate()
	x.cache.dir, x.cache.fd = dir, fd
	return loc{fd, name, rel}, nil
}

// invalidate forgets the cached parent.
func (x *extractor) invalidate() {
	if x.cache.fd >= 0 {
		unix.Close(x.cache.fd)
	}
	x.cache.dir, x.cache.fd = "", -1
}

// removed forgets the cached parent if it was the directory rel or inside
// it, and so is gone from the tree.
func (x *extractor) removed(rel string) {
	c := x.cache.dir
	if c == rel || len(c) > len(rel) && c[len(rel)] == '/' && c[:len(rel)] == rel {
		x.invalidate()
	}
}

// openDir resolves a whole directory path in one openat2 call.
func (x *extractor) openDir(dir string) (int, error) {
	if x.noOpenat2 {
		return -1, unix.ENOSYS
	}
	how := unix.OpenHow{Flags: dirPathFlags, Resolve: resolveFlags}
	for i := 0; ; i++ {
		fd, err := unix.Openat2(x.root, dir, &how)
		switch {
		case errors.Is(err, unix.ENOSYS):
			x.noOpenat2 = true
		case errors.Is(err, unix.EAGAIN) && i < 16: // a rename raced the lookup
			continue
		}
		return fd, err
	}
}

// walk opens dir one component at a time from the root, never following
// a symlink, and with create makes the components that are missing.
func (x *extractor) walk(dir string, create bool) (int, error) {
	cur := x.root
	rest := dir
	for rest != "" {
		var comp string
		comp, rest, _ = strings.Cut(rest, "/")
		next, err := x.step(cur, comp, create)
		if err == nil && create && x.euid != 0 {
			x.unlock(cur, comp, next, strings.TrimSuffix(dir[:len(dir)-len(rest)], "/"))
		}
		if cur != x.root {
			unix.Close(cur)
		}
		if err != nil {
			return -1, parentError(dir[:len(dir)-len(rest)], err)
		}
		cur = next
	}
	return cur, nil
}

// ownerCan says whether the owner of the directory fd may enter it and
// create names in it.
func ownerCan(fd int) bool {
	var st unix.Stat_t
	return unix.Fstat(fd, &st) == nil && st.Mode&0o700 == 0o700
}

// unlock gives the owner full access to a directory that an earlier
// layer left read-only or unreadable, so an unprivileged caller can fill
// it, and notes its mode and times for finishDirs to put back. fd is the
// directory, comp its name in parent, rel its path.
func (x *extractor) unlock(parent int, comp string, fd int, rel string) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&0o700 == 0o700 || int(st.Uid) != x.euid {
		return
	}
	if chmodAt(parent, comp, st.Mode&0o7777|0o700) == nil {
		x.dirs = append(x.dirs, dirMeta{rel: rel, depth: strings.Count(rel, "/"),
			mode: st.Mode & 0o7777, atime: st.Atim, mtime: st.Mtim})
	}
}

// step opens one component below the directory fd, creating it if asked.
func (x *extractor) step(fd int, comp string, create bool) (int, error) {
	next, err := unix.Openat(fd, comp, dirPathFlags, 0)
	if errors.Is(err, unix.ENOENT) && create {
		if err = unix.Mkdirat(fd, comp, 0o755); err == nil {
			// The umask must not decide the mode of what the archive did
			// not describe.
			err = chmodAt(fd, comp, 0o755)
		}
		if err == nil || errors.Is(err, unix.EEXIST) {
			next, err = unix.Openat(fd, comp, dirPathFlags, 0)
		}
	}
	if errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ELOOP) {
		return -1, notDirError(fd, comp)
	}
	return next, err
}

// notDirError says what stands where a directory was needed.
func notDirError(fd int, comp string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(fd, comp, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return problemf(ErrParent, "is a symlink, not followed")
	}
	return problemf(ErrParent, "is not a directory")
}

func parentError(prefix string, err error) error {
	prefix = strings.TrimSuffix(prefix, "/")
	var p *problem
	if errors.As(err, &p) {
		return problemf(p.kind, "parent %q %s", prefix, p.msg)
	}
	return opError(fmt.Sprintf("parent %q", prefix), err)
}

// chmodAt sets the mode of a name that is not a symlink. Kernels before
// fchmodat2 (Linux 6.6) cannot refuse to follow a symlink, so there the
// type is checked first; nothing else writes to the tree meanwhile.
func chmodAt(dirfd int, name string, mode uint32) error {
	err := unix.Fchmodat(dirfd, name, mode, unix.AT_SYMLINK_NOFOLLOW)
	if !errors.Is(err, unix.EOPNOTSUPP) {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return unix.ELOOP
	}
	return unix.Fchmodat(dirfd, name, mode, 0)
}

// remove deletes whatever is at l, a directory with its contents. A
// missing name is not an error.
func (x *extractor) remove(l loc) error {
	err := unix.Unlinkat(l.dir, l.name, 0)
	switch {
	case err == nil, errors.Is(err, unix.ENOENT):
		return nil
	case errors.Is(err, unix.EISDIR):
		x.removed(l.rel)
		return removeTree(l.dir, l.name)
	}
	return err
}

// RemoveAll removes path and everything under it like os.RemoveAll, but
// through descriptors that never follow a symlink, and making directories
// writable on the way, so an unprivileged caller can remove a tree whose
// read-only directories Extract restored (which os.RemoveAll cannot).
func RemoveAll(path string) error {
	path = filepath.Clean(path)
	pfd, err := unix.Open(filepath.Dir(path), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	name := filepath.Base(path)
	err = unix.Unlinkat(pfd, name, 0)
	if errors.Is(err, unix.EISDIR) {
		err = removeTree(pfd, name)
	}
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return &os.PathError{Op: "remove", Path: path, Err: err}
	}
	return nil
}

// removeTree deletes a directory and its contents through descriptors,
// never following a symlink. Directories are made writable first, so an
// unprivileged caller can empty a read-only one an earlier layer made.
// The depth is bounded by maxName, as the tree came from checked names.
func removeTree(pfd int, name string) error {
	fd, err := unix.Openat(pfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.EACCES) {
		if err = chmodAt(pfd, name, 0o700); err == nil {
			fd, err = unix.Openat(pfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		}
	}
	if err != nil {
		return err
	}
	_ = unix.Fchmod(fd, 0o700) // best effort: only needed when unprivileged
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	// All names first: removing entries while reading the directory could
	// make the reading skip some.
	names, err := f.Readdirnames(-1)
	if err != nil {
		return err
	}
	for _, n := range names {
		err := unix.Unlinkat(fd, n, 0)
		if errors.Is(err, unix.EISDIR) {
			err = removeTree(fd, n)
		}
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return err
		}
	}
	return unix.Unlinkat(pfd, name, unix.AT_REMOVEDIR)
}
