package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/intermodal/intermodal/lib/imageid"
)

// CacheRecord is what the store remembers of an image URL, so a later
// fetch can skip the network while max-age lasts and revalidate with
// If-None-Match after.
type CacheRecord struct {
	URL     string    `json:"url"`
	ETag    string    `json:"etag,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
	ID      string    `json:"id"`
	Fetched time.Time `json:"fetched"`
}

// Fresh reports whether the record may be used without asking the server.
func (c CacheRecord) Fresh(now time.Time) bool {
	return !c.Expires.IsZero() && now.Before(c.Expires)
}

func (s *Store) cachePath(url string) string {
	return s.path("cache", keyHash(url)+".json")
}

// Cache returns the record for url, if there is one whose image is stored.
func (s *Store) Cache(url string) (CacheRecord, bool, error) {
	var c CacheRecord
	err := readJSON(s.cachePath(url), &c)
	if errors.Is(err, fs.ErrNotExist) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("store: cache %w", err)
	}
	if c.URL != url || !s.Has(c.ID) {
		return c, false, nil
	}
	return c, true, nil
}

// SetCache records c; the image it names must be stored already.
func (s *Store) SetCache(c CacheRecord) error {
	if _, err := imageid.Parse(c.ID); err != nil {
		return err
	}
	if !s.Has(c.ID) {
		return fmt.Errorf("cache %s: %w", c.URL, ErrNotFound)
	}
	return writeFileAtomic(s.path("tmp"), s.cachePath(c.URL), marshal(c), true)
}

// cacheRecords lists every record, for rm and gc.
func (s *Store) cacheRecords() (map[string]CacheRecord, error) {
	ents, err := os.ReadDir(s.path("cache"))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	out := map[string]CacheRecord{}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(s.path("cache"), e.Name())
		var c CacheRecord
		if err := readJSON(path, &c); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("store: cache %w", err)
		}
		out[path] = c
	}
	return out, nil
}
