package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/intermodal/intermodal/lib/imageid"
)

// Check is Verify made thorough, still in one pass over the image: the
// file has the recorded size, its decompressed stream hashes to the ID,
// the compression and tar data are intact to the end (a damaged gzip
// trailer leaves the hash right but is still damage), the decompressed
// size is the recorded one, and the manifest file holds the very bytes
// of the manifest in the archive, so show and bundle read what was signed.
// Layout rules are not judged again: the image passed them when added.
func (s *Store) Check(id string) error {
	im, err := s.Image(id)
	if err != nil {
		return err
	}
	f, err := s.Open(id)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := checkSize(f, im); err != nil {
		return err
	}
	h := imageid.NewHash()
	res, err := aci.CheckArchive(f, aci.CheckOptions{Hash: h})
	if err != nil {
		return fmt.Errorf("%s: %w", imageid.Short(id), err)
	}
	if got := imageid.FromSum(h.Sum(nil)); got != id {
		return corrupt(id, "image file hashes to %s", imageid.Short(got))
	}
	for _, p := range res.Problems {
		if p.Entry == "" && !p.Warning {
			return corrupt(id, "image file: %s", p.Msg)
		}
	}
	if im.TarSize != 0 && res.Size != im.TarSize {
		return corrupt(id, "image decompresses to %d bytes, recorded %d", res.Size, im.TarSize)
	}
	stored, err := os.ReadFile(filepath.Join(im.Dir, "manifest"))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if !bytes.Equal(stored, res.Manifest) {
		return corrupt(id, "manifest file differs from the manifest in the image")
	}
	return nil
}

func checkSize(f *os.File, im *Image) error {
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if st.Size() != im.Size {
		return corrupt(im.ID, "image file is %d bytes, recorded %d", st.Size(), im.Size)
	}
	return nil
}

func corrupt(id, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", imageid.Short(id), fmt.Sprintf(format, args...), ErrCorrupt)
}

// CacheRecords lists every HTTP cache record, sorted by URL, including
// those whose image is gone (Cache hides them; verify reports them).
func (s *Store) CacheRecords() ([]CacheRecord, error) {
	recs, err := s.cacheRecords()
	if err != nil {
		return nil, err
	}
	out := make([]CacheRecord, 0, len(recs))
	for _, c := range recs {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out, nil
}

// Temp lists the names under tmp/, sorted: ingests and writes in progress,
// or what an interrupted run left (GC removes them).
func (s *Store) Temp() ([]string, error) {
	ents, err := os.ReadDir(s.path("tmp"))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names, nil
}
