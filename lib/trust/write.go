package trust

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Modes of what the store creates: anyone may read public keys.
const (
	dirMode  = 0o755
	fileMode = 0o644
)

// mkdirs creates dir and its missing parents below base with mode 0755
// whatever the umask, as a trust directory must be readable by the tools
// of every user.
func mkdirs(base, dir string) error {
	if err := mkdir(base); err != nil {
		return err
	}
	rel, err := filepath.Rel(base, dir)
	if err != nil {
		return err
	}
	cur := base
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, c)
		if err := mkdir(cur); err != nil {
			return err
		}
	}
	return nil
}

func mkdir(dir string) error {
	err := os.Mkdir(dir, dirMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return os.Chmod(dir, dirMode)
}

// writeFile puts data at path atomically: a hidden temporary in the same
// directory, synced, renamed over path, and the directory synced. Readers
// skip hidden files, and a file with the same bytes is left alone.
func writeFile(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = fillFile(f, data)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

func fillFile(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(fileMode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
