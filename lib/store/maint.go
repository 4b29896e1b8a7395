package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/imageid"
)

// Remove deletes an image, the refs that name it and its cache records.
// It takes the store lock exclusively.
func (s *Store) Remove(id string) error {
	unlock, err := s.Lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	return s.remove(id)
}

func (s *Store) remove(id string) error {
	if !s.Has(id) {
		return fmt.Errorf("%s: %w", imageid.Short(id), ErrNotFound)
	}
	// Pointers first, so a crash never leaves one pointing at nothing.
	if err := s.removeRefs(id); err != nil {
		return err
	}
	recs, err := s.cacheRecords()
	if err != nil {
		return err
	}
	for path, c := range recs {
		if c.ID == id {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("store: %w", err)
			}
		}
	}
	// One rename makes the image vanish whole; the rest is tidying.
	trash, err := os.MkdirTemp(s.path("tmp"), "rm-")
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := os.Rename(s.imageDir(id), filepath.Join(trash, "image")); err != nil {
		os.Remove(trash) //nolint:errcheck // empty; tmp/ is garbage anyway
		return fmt.Errorf("store: %w", err)
	}
	if err := syncDir(s.path("images")); err != nil {
		return err
	}
	return os.RemoveAll(trash)
}

// GCResult says what a collection removed, or would remove.
type GCResult struct {
	Images []string // unreferenced image IDs
	Temp   []string // leftovers under tmp/
}

// GC removes images that no ref reaches, directly or as a dependency, and
// whatever earlier crashes left in tmp/. With dryRun it only reports. It
// takes the store lock exclusively, so it waits for fetches in progress.
func (s *Store) GC(dryRun bool) (GCResult, error) {
	var res GCResult
	unlock, err := s.Lock(true)
	if err != nil {
		return res, err
	}
	defer unlock()
	live, err := s.reachable()
	if err != nil {
		return res, err
	}
	ids, err := s.IDs()
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		if !live[id] {
			res.Images = append(res.Images, id)
		}
	}
	tmps, err := os.ReadDir(s.path("tmp"))
	if err != nil {
		return res, fmt.Errorf("store: %w", err)
	}
	for _, e := range tmps {
		res.Temp = append(res.Temp, e.Name())
	}
	if dryRun {
		return res, nil
	}
	// On a failure part way, the result lists what was removed so far.
	var done GCResult
	for _, id := range res.Images {
		if err := s.remove(id); err != nil {
			return done, err
		}
		done.Images = append(done.Images, id)
	}
	for _, name := range res.Temp {
		if err := os.RemoveAll(filepath.Join(s.path("tmp"), name)); err != nil {
			return done, fmt.Errorf("store: %w", err)
		}
		done.Temp = append(done.Temp, name)
	}
	return done, nil
}

// reachable marks the images refs name and, transitively, their
// dependencies (by ID when the manifest gives one, else by name and labels).
func (s *Store) reachable() (map[string]bool, error) {
	refs, err := s.Refs()
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	var queue []string
	for _, r := range refs {
		if s.Has(r.ID) && !live[r.ID] {
			live[r.ID] = true
			queue = append(queue, r.ID)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		im, err := s.Image(id)
		if err != nil {
			return nil, err
		}
		for _, d := range im.Manifest.Dependencies {
			dep, err := s.Dependency(d)
			if err != nil {
				continue // missing dependencies are verify's business
			}
			if !live[dep] {
				live[dep] = true
				queue = append(queue, dep)
			}
		}
	}
	return live, nil
}

// Dependency finds the stored image a manifest dependency names: by its
// image ID when it gives one that is stored, else by name and labels as
// FindRef selects. The error wraps ErrNotFound when there is none.
func (s *Store) Dependency(d appc.Dependency) (string, error) {
	if d.ImageID != "" && s.Has(d.ImageID) {
		return d.ImageID, nil
	}
	labels := map[string]string{}
	for _, l := range d.Labels {
		labels[l.Name] = l.Value
	}
	r, err := s.FindRef(d.ImageName, labels)
	if err != nil {
		return "", err
	}
	return r.ID, nil
}

// Verify re-reads a stored image and checks that it still hashes to its
// ID and has the recorded size. Signatures are the caller's to check
// again, with the trust store (see Image.SignaturePath).
func (s *Store) Verify(id string) error {
	im, err := s.Image(id)
	if err != nil {
		return err
	}
	f, err := s.Open(id)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if st.Size() != im.Size {
		return fmt.Errorf("%s: image file is %d bytes, recorded %d: %w", imageid.Short(id), st.Size(), im.Size, ErrCorrupt)
	}
	res, err := imageid.FromReader(f, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", imageid.Short(id), err)
	}
	if res.ID != id {
		return fmt.Errorf("%s: image file hashes to %s: %w", imageid.Short(id), imageid.Short(res.ID), ErrCorrupt)
	}
	return nil
}
