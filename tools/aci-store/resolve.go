package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

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

// openStore opens an existing store; no command here creates one.
func openStore(c *ucli.Context) (*store.Store, error) {
	dir := storeDir(c)
	s, err := store.Open(dir, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("store %s: no such directory (aci-fetch creates it)", dir)
	}
	return s, err
}

// resolve finds the one image arg names: an ID prefix first, then a name.
func resolve(s *store.Store, arg string) (string, error) {
	if looksLikeID(arg) {
		id, err := s.ResolveID(arg)
		switch {
		case err == nil:
			return id, nil
		case errors.Is(err, store.ErrAmbiguous):
			return "", ambiguous(s, arg, err)
		case !errors.Is(err, store.ErrNotFound):
			return "", err
		}
	}
	app, err := discovery.ParseApp(arg)
	if err != nil {
		if looksLikeID(arg) {
			return "", fmt.Errorf("%s: %w", arg, store.ErrNotFound)
		}
		return "", fmt.Errorf("%q is neither an image ID prefix nor an image name: %w", arg, err)
	}
	return findName(s, arg, app)
}

// looksLikeID says whether arg can be an ID prefix: "sha512-" optional,
// then 2 to 128 lowercase hex digits.
func looksLikeID(arg string) bool {
	hex := strings.TrimPrefix(arg, imageid.Prefix)
	if len(hex) < 2 || len(hex) > imageid.HexLen {
		return false
	}
	for _, c := range hex {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ambiguous names a few of the images a prefix matches, so the user can
// pick a longer one.
func ambiguous(s *store.Store, arg string, err error) error {
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

// findName selects by name and labels through the refs, as aci-fetch
// recorded them; ":latest" also finds an image fetched without a version.
// An image no ref names any more (gc would remove it) is still found by
// its manifest, so everything list shows can be named.
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
	ims, err := s.Images()
	if err != nil {
		return "", err
	}
	for _, labels := range sets {
		if im := newestWith(ims, app.Name, labels); im != nil {
			return im.ID, nil
		}
	}
	return "", fmt.Errorf("%s: %w", arg, store.ErrNotFound)
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

// newestWith is the newest image whose manifest has the name and every
// label asked, or nil.
func newestWith(ims []*store.Image, name string, labels map[string]string) *store.Image {
	var best *store.Image
	for _, im := range ims {
		if im.Name() != name || !hasLabels(im.Labels(), labels) {
			continue
		}
		if best == nil || im.Fetched.After(best.Fetched) {
			best = im
		}
	}
	return best
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// resolveAll resolves each argument, reporting failures on stderr as it
// goes; it returns the distinct IDs found, in order, and whether any failed.
func resolveAll(c *ucli.Context, s *store.Store, args []string) ([]string, bool) {
	var ids []string
	seen := map[string]bool{}
	failed := false
	for _, arg := range args {
		id, err := resolve(s, arg)
		if err != nil {
			fmt.Fprintf(c.App.ErrWriter, "%s: %v\n", c.App.Name, err)
			failed = true
			continue
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, failed
}
