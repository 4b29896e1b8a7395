package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// AtomicFile is a named output that appears complete or not at all: it is
// written under a temporary name in the same directory, synced and renamed
// on Commit. Until then a signal or an error removes it.
type AtomicFile struct {
	*os.File
	path      string
	overwrite bool
	done      bool
}

var temporaries = struct {
	sync.Mutex
	names map[string]bool
}{names: map[string]bool{}}

// CreateAtomic starts writing path. Unless overwrite is set, an existing
// path is an error now (so no work is wasted) and again at Commit (so a race
// never clobbers a file that appeared meanwhile).
func CreateAtomic(path string, overwrite bool, perm fs.FileMode) (*AtomicFile, error) {
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s: %w (use --overwrite to replace it)", path, fs.ErrExist)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	register(f.Name())
	return &AtomicFile{File: f, path: path, overwrite: overwrite}, nil
}

// Commit syncs the data and moves the file into place.
func (a *AtomicFile) Commit() error {
	if a.done {
		return errors.New("atomic file committed twice")
	}
	a.done = true
	tmp := a.Name()
	defer unregister(tmp)
	if err := a.closeSynced(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := a.place(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(a.path))
}

func (a *AtomicFile) closeSynced() error {
	if err := a.Sync(); err != nil {
		a.Close()
		return err
	}
	return a.Close()
}

// place renames tmp over the target, or links it there when the target must
// not be replaced: link fails with EEXIST instead of clobbering.
func (a *AtomicFile) place(tmp string) error {
	if a.overwrite {
		return os.Rename(tmp, a.path)
	}
	if err := os.Link(tmp, a.path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w (use --overwrite to replace it)", a.path, fs.ErrExist)
		}
		return err
	}
	return os.Remove(tmp)
}

// Abort removes the temporary file; it is safe after Commit and twice.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.Close()
	os.Remove(a.Name())
	unregister(a.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func register(name string) {
	temporaries.Lock()
	temporaries.names[name] = true
	temporaries.Unlock()
}

func unregister(name string) {
	temporaries.Lock()
	delete(temporaries.names, name)
	temporaries.Unlock()
}

// removeTemporaries deletes every uncommitted output; Run calls it when a
// signal arrives, so an interrupted tool leaves nothing half-written.
func removeTemporaries() {
	temporaries.Lock()
	defer temporaries.Unlock()
	for name := range temporaries.names {
		os.Remove(name)
		delete(temporaries.names, name)
	}
}
