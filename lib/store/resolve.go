package store

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/intermodal/intermodal/lib/discovery"
	"github.com/intermodal/intermodal/lib/imageid"
)

// OpenExisting opens the store at dir, or DefaultDir when dir is "", for
// tools that read a store but never create one (aci-fetch does).
func OpenExisting(dir string) (*Store, error) {
	if dir == "" {
		dir = DefaultDir()
	}
	s, err := Open(dir, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("store %s: no such directory (aci-fetch creates it)", dir)
	}
	return s, err
}

// Resolve finds the one image arg names, the way every tool names stored
// images: an ID prefix first ("sha512-" optional, at least two hex
// digits), then NAME[:VERSION][,LABEL=VALUE...] through the refs aci-fetch
// recorded, where ":latest" also finds an image fetched without a version.
// An image no ref names any more is still found by its manifest, so
// everything the store lists can be named.
func (s *Store) Resolve(arg string) (string, error) {
	if looksLikeID(arg) {
		id, err := s.ResolveID(arg)
		switch {
		case err == nil:
			return id, nil
		case errors.Is(err, ErrAmbiguous):
			return "", s.ambiguous(arg, err)
		case !errors.Is(err, ErrNotFound):
			return "", err
		}
	}
	app, err := discovery.ParseApp(arg)
	if err != nil {
		if looksLikeID(arg) {
			return "", fmt.Errorf("%s: %w", arg, ErrNotFound)
		}
		return "", fmt.Errorf("%q is neither an image ID prefix nor an image name: %w", arg, err)
	}
	return s.findName(arg, app)
}

// looksLikeID says whether arg can be an ID prefix.
func looksLikeID(arg string) bool {
	hex := strings.TrimPrefix(arg, imageid.Prefix)
	return len(hex) >= 2 && len(hex) <= imageid.HexLen && isHex(hex)
}

// ambiguous names a few of the images a prefix matches, so the user can
// pick a longer one.
func (s *Store) ambiguous(arg string, err error) error {
	prefix := imageid.Prefix + strings.TrimPrefix(arg, imageid.Prefix)
	ids, lerr := s.IDs()
	if lerr != nil {
		return err
	}
	var some []string
	for _, id := range ids {
		if strings.HasPrefix(id, prefix) {
			some = append(some, imageid.Short(id))
		}
	}
	if len(some) > 4 {
		some = append(some[:4], "...")
	}
	return fmt.Errorf("%w (%s)", err, strings.Join(some, ", "))
}

func (s *Store) findName(arg string, app discovery.App) (string, error) {
	sets := []map[string]string{app.Labels}
	if app.Labels["version"] == discovery.DefaultVersion {
		without := map[string]string{}
		for k, v := range app.Labels {
			if k != "version" {
				without[k] = v
			}
		}
		sets = append(sets, without)
	}
	for _, labels := range sets {
		r, err := s.FindRef(app.Name, labels)
		if err == nil {
			return r.ID, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return "", err
		}
	}
	ims, err := s.Images()
	if err != nil {
		return "", err
	}
	for _, labels := range sets {
		var best *Image
		for _, im := range ims {
			if im.Name() == app.Name && hasLabels(im.Labels(), labels) && (best == nil || im.Fetched.After(best.Fetched)) {
				best = im
			}
		}
		if best != nil {
			return best.ID, nil
		}
	}
	return "", fmt.Errorf("%s: %w (fetch it first: aci-fetch %s)", arg, ErrNotFound, arg)
}
