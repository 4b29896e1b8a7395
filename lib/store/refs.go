package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/intermodal/intermodal/lib/imageid"
)

// Ref names an image by its name and labels; there is one per distinct
// name and label set, and fetching again moves it to the new image.
type Ref struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	ID     string            `json:"id"`
	// Latest marks an image fetched without asking for a version.
	Latest bool      `json:"latest"`
	Time   time.Time `json:"time"`
}

func refKey(name string, labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		b.WriteString("\n" + k + "=" + labels[k])
	}
	return keyHash(b.String())
}

// SetRef records r, replacing any ref with the same name and labels. The
// image must be stored already.
func (s *Store) SetRef(r Ref) error {
	if _, err := imageid.Parse(r.ID); err != nil {
		return err
	}
	if !s.Has(r.ID) {
		return fmt.Errorf("ref %s: image %s: %w", r.Name, imageid.Short(r.ID), ErrNotFound)
	}
	if r.Labels == nil {
		r.Labels = map[string]string{}
	}
	path := s.path("refs", refKey(r.Name, r.Labels)+".json")
	return writeFileAtomic(s.path("tmp"), path, marshal(r), true)
}

// Refs lists every ref, sorted by name, then newest first.
func (s *Store) Refs() ([]Ref, error) {
	ents, err := os.ReadDir(s.path("refs"))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var refs []Ref
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		var r Ref
		err := readJSON(filepath.Join(s.path("refs"), e.Name()), &r)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: ref %w", err)
		}
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Name != refs[j].Name {
			return refs[i].Name < refs[j].Name
		}
		return refs[i].Time.After(refs[j].Time)
	})
	return refs, nil
}

// FindRef returns the ref an image name and labels select, as rkt did:
// among refs of that name holding every asked label with the same value,
// one fetched as "latest" when no version is asked, else the newest.
func (s *Store) FindRef(name string, labels map[string]string) (Ref, error) {
	refs, err := s.Refs()
	if err != nil {
		return Ref{}, err
	}
	_, versioned := labels["version"]
	var best *Ref
	for i := range refs {
		r := &refs[i]
		if r.Name != name || !s.Has(r.ID) || !hasLabels(r.Labels, labels) {
			continue
		}
		switch {
		case best == nil:
			best = r
		case !versioned && r.Latest != best.Latest:
			if r.Latest {
				best = r
			}
		case r.Time.After(best.Time):
			best = r
		}
	}
	if best == nil {
		return Ref{}, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	return *best, nil
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// removeRefs deletes the refs that point at id.
func (s *Store) removeRefs(id string) error {
	refs, err := s.Refs()
	if err != nil {
		return err
	}
	for _, r := range refs {
		if r.ID == id {
			if err := os.Remove(s.path("refs", refKey(r.Name, r.Labels)+".json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("store: %w", err)
			}
		}
	}
	return nil
}
