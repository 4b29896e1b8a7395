package aci

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// CheckDir checks an image directory (an unpacked ACI): DIR/manifest must
// be a regular file and DIR/rootfs a directory, neither a symlink, and
// nothing else may be at the top (appc ACI-3). The walk uses Lstat and
// never follows symlinks. Sockets, which cannot be packed, are warnings;
// entries that cannot be read or are of unknown type are errors.
//
// It returns an error only when dir itself cannot be read.
func CheckDir(dir string) (*Result, error) {
	fi, err := os.Stat(dir) // the directory named may be a symlink; its contents may not
	if err != nil {
		return nil, fmt.Errorf("image directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("image directory %s: %w", dir, syscall.ENOTDIR)
	}
	top, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("image directory: %w", err)
	}
	dc := &dirChecker{dir: dir, res: &Result{}}
	for _, e := range top {
		dc.top(e)
	}
	dc.finish()
	return dc.res, nil
}

type dirChecker struct {
	dir                    string
	res                    *Result
	sawManifest, sawRootfs bool
}

func (dc *dirChecker) top(e fs.DirEntry) {
	dc.res.Entries++
	switch name := e.Name(); name {
	case "manifest":
		dc.sawManifest = true
		dc.manifest(e)
	case "rootfs":
		dc.sawRootfs = true
		if !e.IsDir() {
			dc.res.errorf(name, "rootfs must be a directory, not a %s", modeName(e.Type()))
			return
		}
		dc.res.Entries-- // counted again by the walk
		dc.walk(filepath.Join(dc.dir, name))
	default:
		dc.res.errorf(name, "outside rootfs/: an image directory holds only manifest and rootfs")
	}
}

func (dc *dirChecker) finish() {
	if !dc.sawManifest {
		dc.res.errorf("", "no manifest file")
	}
	if !dc.sawRootfs {
		dc.res.errorf("", "no rootfs directory")
	}
}

func (dc *dirChecker) manifest(e fs.DirEntry) {
	if !e.Type().IsRegular() {
		dc.res.errorf("manifest", "manifest must be a regular file, not a %s", modeName(e.Type()))
		return
	}
	body, err := readSmallFile(filepath.Join(dc.dir, "manifest"), maxManifestSize)
	if err != nil {
		dc.res.errorf("manifest", "%v", err)
		return
	}
	dc.res.Manifest = body
}

// readSmallFile reads a file that must not exceed limit bytes, without
// following a symlink swapped in since the directory was listed.
func readSmallFile(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", pathCause(err))
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", pathCause(err))
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("manifest is more than the limit of %d bytes", limit)
	}
	return body, nil
}

// walk visits rootfs and everything below it, by Lstat.
func (dc *dirChecker) walk(root string) {
	// Failures are recorded as problems by the callback, never returned.
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dc.dir, path)
		rel = filepath.ToSlash(rel)
		if err != nil {
			dc.res.errorf(rel, "cannot read: %v", pathCause(err))
			return nil // WalkDir skips what it could not read
		}
		dc.res.Entries++
		dc.entry(path, rel, d)
		return nil
	})
}

func (dc *dirChecker) entry(path, rel string, d fs.DirEntry) {
	t := d.Type()
	switch {
	case t&fs.ModeSocket != 0:
		dc.res.warnf(rel, "socket: cannot be packed, will be skipped")
	case t&fs.ModeIrregular != 0:
		dc.res.errorf(rel, "unsupported file type")
	case t.IsRegular():
		dc.regular(path, rel, d)
	}
}

// regular opens each file so that one the packer could not read is found
// now rather than halfway through writing an archive.
func (dc *dirChecker) regular(path, rel string, d fs.DirEntry) {
	if fi, err := d.Info(); err == nil {
		dc.res.Size += fi.Size()
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		dc.res.errorf(rel, "cannot read: %v", pathCause(err))
		return
	}
	f.Close()
}

// pathCause drops the path from an *fs.PathError: Problem.Entry names it.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// modeName names a file type for messages, in the words used for tar
// entries.
func modeName(m fs.FileMode) string {
	switch t := m.Type(); {
	case t == 0:
		return "regular file"
	case t&fs.ModeDir != 0:
		return "directory"
	case t&fs.ModeSymlink != 0:
		return "symlink"
	case t&fs.ModeNamedPipe != 0:
		return "fifo"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&fs.ModeCharDevice != 0:
		return "character device"
	case t&fs.ModeDevice != 0:
		return "block device"
	}
	return "file of unknown type"
}
