package aci

import (
	"archive/tar"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"golang.org/x/sys/unix"
)

// walker produces the entries of a directory tree in the order GNU tar
// --sort=name uses: depth first, each directory's names sorted bytewise.
// Whole-path sorting would differ when a name holds a byte below '/'
// ("a-b" sorts before "a/z" as paths, after "a" and its subtree here).
type walker struct {
	p     *packer
	out   chan<- *batch
	stop  <-chan struct{}
	links map[devIno]string // first name of each multiply-linked inode
	xbuf  []byte
	cur   *batch
}

type devIno struct{ dev, ino uint64 }

func (w *walker) run(root string) {
	defer close(w.out)
	err := w.walkRoot(root)
	if err == nil {
		err = w.flush()
	}
	if err != nil && !errors.Is(err, errStopped) {
		_ = w.send(item{err: err}) // fails only when the writer stopped first
	}
}

// walkRoot follows a symlinked root, as the caller named it, and then
// never follows another link.
func (w *walker) walkRoot(root string) error {
	var st unix.Stat_t
	if err := unix.Stat(root, &st); err != nil {
		return &os.PathError{Op: "stat", Path: root, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("%s: not a directory", root)
	}
	return w.dir(root, "rootfs/", &st, 0)
}

// dir sends a directory's entry, then its children in name order.
func (w *walker) dir(path, name string, st *unix.Stat_t, flags int) error {
	names, xattrs, err := w.readDir(path, flags)
	if err != nil {
		return err
	}
	hdr := w.header(tar.TypeDir, name, st)
	hdr.PAXRecords = xattrs
	if err := w.send(item{hdr: hdr, path: path}); err != nil {
		return err
	}
	for _, n := range names {
		if err := w.visit(path+"/"+n, name+n); err != nil {
			return err
		}
	}
	return nil
}

// readDir lists a directory's names, sorted, and its xattrs from one open.
func (w *walker) readDir(path string, flags int) ([]string, map[string]string, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_DIRECTORY|flags, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	xattrs, err := w.xattrs(int(f.Fd()), path)
	if err != nil {
		return nil, nil, err
	}
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	sort.Strings(names)
	return names, xattrs, nil
}

func (w *walker) visit(path, name string) error {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return &os.PathError{Op: "lstat", Path: path, Err: err}
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return w.dir(path, name+"/", &st, unix.O_NOFOLLOW)
	case unix.S_IFSOCK:
		return w.send(item{warn: fmt.Sprintf("%s: skipping socket", path)})
	}
	it, err := w.nonDir(path, name, &st)
	if err != nil {
		return err
	}
	return w.send(it)
}

// nonDir builds the item of anything but a directory. A second name of a
// multiply-linked inode becomes a hard link to the first name in walk
// order, which is therefore deterministic.
func (w *walker) nonDir(path, name string, st *unix.Stat_t) (item, error) {
	if st.Nlink > 1 {
		key := devIno{uint64(st.Dev), st.Ino}
		if first, ok := w.links[key]; ok {
			hdr := w.header(tar.TypeLink, name, st)
			hdr.Linkname = first
			return item{hdr: hdr, path: path}, nil
		}
		w.links[key] = name
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return w.regular(path, name, st)
	case unix.S_IFLNK:
		return w.symlink(path, name, st)
	case unix.S_IFCHR:
		return w.device(tar.TypeChar, path, name, st)
	case unix.S_IFBLK:
		return w.device(tar.TypeBlock, path, name, st)
	case unix.S_IFIFO:
		return w.device(tar.TypeFifo, path, name, st)
	}
	return item{}, fmt.Errorf("%s: unsupported file type %#o", path, st.Mode&unix.S_IFMT)
}

func (w *walker) symlink(path, name string, st *unix.Stat_t) (item, error) {
	target, err := os.Readlink(path)
	if err != nil {
		return item{}, err
	}
	hdr := w.header(tar.TypeSymlink, name, st)
	hdr.Linkname = target
	if hdr.PAXRecords, err = w.xattrs(-1, path); err != nil {
		return item{}, err
	}
	return item{hdr: hdr, path: path}, nil
}

// device covers char and block devices and FIFOs; the numbers are zero
// for FIFOs.
func (w *walker) device(typ byte, path, name string, st *unix.Stat_t) (item, error) {
	hdr := w.header(typ, name, st)
	if typ != tar.TypeFifo {
		hdr.Devmajor = int64(unix.Major(uint64(st.Rdev)))
		hdr.Devminor = int64(unix.Minor(uint64(st.Rdev)))
	}
	var err error
	if hdr.PAXRecords, err = w.xattrs(-1, path); err != nil {
		return item{}, err
	}
	return item{hdr: hdr, path: path}, nil
}

// header fills what every entry shares: permission bits with setuid,
// setgid and sticky exactly as stored, numeric owners with no names, and
// a whole-second mtime clamped to the epoch.
func (w *walker) header(typ byte, name string, st *unix.Stat_t) *tar.Header {
	return &tar.Header{
		Typeflag: typ,
		Name:     name,
		Mode:     int64(st.Mode & 0o7777),
		Uid:      int(st.Uid),
		Gid:      int(st.Gid),
		ModTime:  w.p.clamp(time.Unix(int64(st.Mtim.Sec), 0)),
	}
}
