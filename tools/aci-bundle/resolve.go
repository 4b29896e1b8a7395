package main

import (
	"io"
	"os"
	"path/filepath"

	"github.com/intermodal/intermodal/lib/bundle"
	"github.com/intermodal/intermodal/lib/imageid"
	"github.com/intermodal/intermodal/lib/store"
	ucli "github.com/urfave/cli/v2"
)

// openStore opens the store (--store, else the default, which reads
// INTERMODAL_STORE); aci-fetch creates it.
func openStore(c *ucli.Context) (*store.Store, error) {
	return store.OpenExisting(c.String("store"))
}

// storedSource is a stored image: it must hash to its ID, and its manifest
// is known before it is read, so its dependencies go down first.
func storedSource(s *store.Store, arg string) (bundle.Source, error) {
	id, err := s.Resolve(arg)
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
