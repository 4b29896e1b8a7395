package bundle

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/intermodal/intermodal/lib/extract"
)

// ErrNotBundle is returned when --overwrite would replace a directory that
// holds something other than a bundle.
var ErrNotBundle = errors.New("does not look like a bundle (no config.json): not replacing it")

// stage is a bundle being built: a hidden directory beside the target, on
// the same filesystem, renamed into place when complete and removed
// otherwise, so the target appears whole or not at all.
type stage struct {
	dir       string // the bundle's final path
	tmp       string
	overwrite bool
	done      bool
}

func newStage(dir string, overwrite bool) (*stage, error) {
	dir = filepath.Clean(dir)
	if err := checkTarget(dir, overwrite); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return nil, err
	}
	// 0700, as umoci makes bundles: a privileged render restores the
	// image's device nodes and setuid files, which no other host user may
	// reach through the bundle's path.
	if err := os.Chmod(tmp, 0o700); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return &stage{dir: dir, tmp: tmp, overwrite: overwrite}, nil
}

// checkTarget refuses early what commit would refuse late: a target that
// is not a directory, or one with content when not asked to overwrite, or
// one that is not a bundle when asked to. An empty directory is taken, as
// mkdir then aci-bundle is a natural thing to do.
func checkTarget(dir string, overwrite bool) error {
	if base := filepath.Base(dir); base == "." || base == ".." || base == "/" {
		return fmt.Errorf("%s: name a new directory for the bundle (the bundle replaces DIR with one rename)", dir)
	}
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: exists and is not a directory", dir)
	}
	empty, err := isEmptyDir(dir)
	if err != nil || empty {
		return err
	}
	if !overwrite {
		return fmt.Errorf("%s: %w (use --overwrite to replace it)", dir, fs.ErrExist)
	}
	if _, err := os.Lstat(filepath.Join(dir, "config.json")); err != nil {
		return fmt.Errorf("%s: %w", dir, ErrNotBundle)
	}
	return nil
}

func isEmptyDir(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		return true, nil
	}
	return false, err
}

func (s *stage) path(name string) string { return filepath.Join(s.tmp, name) }

// commit moves the finished bundle into place. A new or empty target is a
// plain rename, which fails if content appeared meanwhile; with overwrite
// an existing bundle is swapped with the new one in one step
// (RENAME_EXCHANGE), then removed.
func (s *stage) commit() error {
	// unix.Rename, not os.Rename, which refuses any directory as target.
	err := unix.Rename(s.tmp, s.dir)
	if err == nil {
		s.done = true
		return syncParent(s.dir)
	}
	if !errors.Is(err, unix.ENOTEMPTY) && !errors.Is(err, unix.EEXIST) {
		return &os.LinkError{Op: "rename", Old: s.tmp, New: s.dir, Err: err}
	}
	if !s.overwrite {
		return fmt.Errorf("%s: %w (use --overwrite to replace it)", s.dir, fs.ErrExist)
	}
	if err := checkTarget(s.dir, true); err != nil {
		return err
	}
	if err := exchange(s.tmp, s.dir); err != nil {
		return err
	}
	s.done = true
	if err := syncParent(s.dir); err != nil {
		return err
	}
	return extract.RemoveAll(s.tmp) // the old bundle now
}

// exchange swaps two directories atomically, or, where the filesystem
// cannot, moves the old one aside first (a crash between the two renames
// leaves no bundle at dir, never a mixed one).
func exchange(tmp, dir string) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dir, unix.RENAME_EXCHANGE)
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOSYS) {
		if err != nil {
			return &os.LinkError{Op: "exchange", Old: tmp, New: dir, Err: err}
		}
		return nil
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir) //nolint:errcheck // best effort to put it back
		return err
	}
	return os.Rename(old, tmp)
}

// abort removes everything built so far; it is a no-op after commit.
func (s *stage) abort() {
	if !s.done {
		s.done = true
		extract.RemoveAll(s.tmp) //nolint:errcheck // cleanup after a failure already being reported
	}
}

func syncParent(dir string) error {
	d, err := os.Open(filepath.Dir(dir))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
