package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/intermodal/intermodal/lib/bundle"
	"github.com/intermodal/intermodal/lib/discovery"
	"github.com/intermodal/intermodal/lib/imageid"
	"github.com/intermodal/intermodal/lib/store"
	ucli "github.com/urfave/cli/v2"
)

// storeDir is --store, else the default (which reads INTERMODAL_STORE).
func storeDir(c *ucli.Context) string {
	if d := c.String("store"); d != "" {
		return d
	}
	return store.DefaultDir()
}

// openStore opens the store, which aci-fetch creates.
func openStore(c *ucli.Context) (*store.Store, error) {
	s, err := store.Open(storeDir(c), false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("there is no store %s (aci-fetch creates it)", storeDir(c))
	}
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", storeDir(c), err)
	}
	return s, nil
}

// storedSource is a stored image: it must hash to its ID, and its manifest
// is known before it is read, so its dependencies go down first.
func storedSource(s *store.Store, arg string) (bundle.Source, error) {
	id, err := resolve(s, arg)
	if err != nil {
		return bundle.Source{}, err
	}
	im, err := s.Image(id)
	if err != nil {
		return bundle.Source{}, err
	}
	manifest, err := os.ReadFile(filepath.Join(im.Dir, "manifest"))
	if err != nil {
		return bundle.Source{}, err
	}
	open := func() (io.ReadCloser, error) { return s.Open(id) }
	return bundle.Source{Name: imageid.Short(id), Open: open, ID: id, Manifest: manifest}, nil
}

// resolve finds the one image arg names, as aci-store does: an ID prefix
// first, then a name with labels through the refs aci-fetch recorded.
func resolve(s *store.Store, arg string) (string, error) {
	if looksLikeID(arg) {
		id, err := s.ResolveID(arg)
		if !errors.Is(err, store.ErrNotFound) {
			return id, err
		}
	}
	app, err := discovery.ParseApp(arg)
	if err != nil {
		if looksLikeID(arg) {
			return "", fmt.Errorf("%s: %w", arg, store.ErrNotFound)
		}
		return "", fmt.Errorf("%q is neither a file, an image ID prefix nor an image name: %w", arg, err)
	}
	return findName(s, arg, app)
}

// looksLikeID: "sha512-" optional, then 2 to 128 lowercase hex digits.
func looksLikeID(arg string) bool {
	hex := strings.TrimPrefix(arg, imageid.Prefix)
	if len(hex) < 2 || len(hex) > imageid.HexLen {
		return false
	}
	return strings.Trim(hex, "0123456789abcdef") == ""
}

// findName selects by name and labels; ":latest" (the default version)
// also finds an image fetched without asking for a version.
func findName(s *store.Store, arg string, app discovery.App) (string, error) {
	sets := []map[string]string{app.Labels}
	if app.Labels["version"] == discovery.DefaultVersion {
		sets = append(sets, withoutVersion(app.Labels))
	}
	for _, labels := range sets {
		r, err := s.FindRef(app.Name, labels)
		if err == nil {
			return r.ID, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: %w (fetch it first: aci-fetch %s)", arg, store.ErrNotFound, arg)
}

func withoutVersion(labels map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range labels {
		if k != "version" {
			out[k] = v
		}
	}
	return out
}
