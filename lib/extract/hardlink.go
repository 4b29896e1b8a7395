package extract

import (
	"archive/tar"
	"errors"

	"golang.org/x/sys/unix"
)

// hardlink links rel to a regular file already in the tree (appc G10,
// G11). Both names are resolved inside the root without symlinks, and
// linkat never follows the target.
func (x *extractor) hardlink(hdr *tar.Header, rel string) error {
	target, err := x.linkTarget(hdr.Linkname)
	if err != nil {
		return err
	}
	if target == rel {
		return problemf(ErrHardlink, "hardlink to itself")
	}
	tfd, tname, err := x.openTarget(target)
	if err != nil {
		return err
	}
	defer unix.Close(tfd)
	l, err := x.parent(rel, true)
	if err != nil {
		return err
	}
	err = x.replace(l, func() error { return unix.Linkat(tfd, tname, l.dir, l.name, 0) })
	if errors.Is(err, unix.ENOENT) {
		// Replacing the entry's old self removed the target with it.
		return problemf(ErrHardlink, "target %q was inside what the hardlink replaced", hdr.Linkname)
	}
	if err != nil {
		return opError("link", err)
	}
	x.stats.Hardlinks++
	return nil
}

// linkTarget checks a hardlink's target name and maps it like an entry's.
func (x *extractor) linkTarget(linkname string) (string, error) {
	if linkname == "" {
		return "", problemf(ErrHardlink, "empty hardlink target")
	}
	if err := checkName(linkname, "hardlink target"); err != nil {
		return "", err
	}
	target, skip, err := x.rename(linkname, "hardlink target")
	switch {
	case err != nil:
		return "", err
	case skip:
		return "", problemf(ErrHardlink, "target %q is not extracted", linkname)
	case target == "":
		return "", problemf(ErrHardlink, "target %q is the root", linkname)
	}
	return target, nil
}

// openTarget returns a descriptor of the target's own parent (the caller
// closes it) and the target's name there, once the target is known to be
// a regular file.
func (x *extractor) openTarget(target string) (int, string, error) {
	dir, name := splitRel(target)
	fd, err := x.openParentOwned(dir)
	if err != nil {
		var p *problem
		if errors.As(err, &p) || errors.Is(err, unix.ENOENT) {
			return -1, "", problemf(ErrHardlink, "target %q: %v", target, err)
		}
		return -1, "", err
	}
	var st unix.Stat_t
	err = unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	switch {
	case errors.Is(err, unix.ENOENT):
		err = problemf(ErrHardlink, "target %q does not exist (yet)", target)
	case err != nil:
		err = opError("stat target", err)
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		err = problemf(ErrHardlink, "target %q is a %s, not a regular file", target, fileType(st.Mode))
	}
	if err != nil {
		unix.Close(fd)
		return -1, "", err
	}
	return fd, name, nil
}

// openParentOwned opens a directory the caller will close, without the
// cache, which the entry's own parent uses meanwhile.
func (x *extractor) openParentOwned(dir string) (int, error) {
	if dir == "" {
		return unix.Dup(x.root)
	}
	fd, err := x.openDir(dir)
	if err != nil {
		fd, err = x.walk(dir, false)
	}
	return fd, err
}

func fileType(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFLNK:
		return "symlink"
	case unix.S_IFCHR:
		return "character device"
	case unix.S_IFBLK:
		return "block device"
	case unix.S_IFIFO:
		return "fifo"
	case unix.S_IFSOCK:
		return "socket"
	}
	return "regular file"
}
