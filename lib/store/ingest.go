package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/intermodal/intermodal/lib/imageid"
)

// Ingest is an image being added: a private directory under tmp/ that
// becomes images/<ID>/ with one rename when committed.
type Ingest struct {
	s       *Store
	dir     string
	file    *os.File
	done    bool
	syncing chan error // a background Sync started by StartSync
}

// StartSync begins writing the image file to disk in the background, so
// the sync Commit needs overlaps whatever the caller does meanwhile (such
// as decompressing the file to check it). Call it once the file is whole.
func (in *Ingest) StartSync() {
	if in.syncing != nil {
		return
	}
	in.syncing = make(chan error, 1)
	f := in.file
	go func() { in.syncing <- f.Sync() }()
}

// NewIngest starts adding an image. The caller writes the image file to
// File, then calls Commit or Abort.
func (s *Store) NewIngest() (*Ingest, error) {
	dir, err := os.MkdirTemp(s.path("tmp"), "ingest-")
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "image"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		os.RemoveAll(dir) //nolint:errcheck // best effort; tmp/ is garbage anyway
		return nil, fmt.Errorf("store: %w", err)
	}
	return &Ingest{s: s, dir: dir, file: f}, nil
}

// File is the image file being written, opened read-write.
func (in *Ingest) File() *os.File { return in.file }

// Path is where the image file is until Commit.
func (in *Ingest) Path() string { return in.file.Name() }

// Commit stores the image under info.ID with its manifest bytes and its
// signature (nil when unsigned). It reports existed when the store already
// held that ID, in which case the stored copy is kept and this one
// discarded.
func (in *Ingest) Commit(info Info, manifest, signature []byte) (existed bool, err error) {
	if in.done {
		return false, errors.New("store: ingest already finished")
	}
	defer in.Abort()
	if _, err := imageid.Parse(info.ID); err != nil {
		return false, err
	}
	if in.syncing != nil {
		if err := <-in.syncing; err != nil {
			return false, fmt.Errorf("store: %w", err)
		}
		in.syncing = nil
	}
	if err := in.file.Sync(); err != nil { // whatever came after StartSync
		return false, fmt.Errorf("store: %w", err)
	}
	if err := in.file.Close(); err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	write := func(name string, data []byte) error {
		return writeSynced(filepath.Join(in.dir, name), data)
	}
	if signature != nil {
		if err := write("image.asc", signature); err != nil {
			return false, err
		}
	}
	if err := write("manifest", manifest); err != nil {
		return false, err
	}
	if err := write("info.json", marshal(info)); err != nil {
		return false, err
	}
	if err := os.Chmod(in.dir, 0o755); err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	if err := syncDir(in.dir); err != nil {
		return false, err
	}
	target := in.s.imageDir(info.ID)
	if err := os.Rename(in.dir, target); err != nil {
		// Another process stored this ID first: a non-empty directory
		// cannot be renamed over. Theirs holds the same image.
		if in.s.Has(info.ID) {
			return true, nil
		}
		return false, fmt.Errorf("store: %w", err)
	}
	in.dir = ""
	return false, syncDir(in.s.path("images"))
}

// Abort discards the ingest; it is safe to call after Commit.
func (in *Ingest) Abort() {
	in.done = true
	if in.syncing != nil {
		<-in.syncing //nolint:errcheck // the file is being thrown away
		in.syncing = nil
	}
	in.file.Close() //nolint:errcheck // may be closed already
	if in.dir != "" {
		os.RemoveAll(in.dir) //nolint:errcheck // tmp/ is garbage anyway
		in.dir = ""
	}
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("store: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("store: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
