package trust

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// List returns every key of the store, local and vendor, sorted by prefix
// (root first) and fingerprint. A vendor key masked by an empty local file
// of the same prefix is left out, and masks are not listed. Unlike
// Keyring, which reads only the directories a name needs, List reads them
// all, so it reports any misplaced or misnamed file.
func (s *Store) List() ([]Key, error) {
	local, err := listDir(s.Local, false)
	if err != nil {
		return nil, err
	}
	vendor, err := listDir(s.Vendor, true)
	if err != nil {
		return nil, err
	}
	var keys []Key
	for id, k := range vendor {
		if l, ok := local[id]; !ok || l.Entity != nil {
			keys = append(keys, k)
		}
	}
	for _, k := range local {
		if k.Entity != nil {
			keys = append(keys, k)
		}
	}
	sortKeys(keys)
	return keys, nil
}

// keyID names a key file within a directory: its prefix and fingerprint.
type keyID struct{ prefix, fpr string }

// listDir reads every key file and mask of one trust directory; masks have
// a nil Entity.
func listDir(base string, vendor bool) (map[keyID]Key, error) {
	out := map[keyID]Key{}
	if base == "" {
		return out, nil
	}
	add := func(sc scope) error {
		entries, err := readScope(sc.dir)
		for _, e := range entries {
			k := Key{Fingerprint: e.fpr, Prefix: sc.prefix, Path: e.path, Vendor: vendor}
			if e.ent != nil {
				k = newKey(e, sc)
			}
			out[keyID{sc.prefix, e.fpr}] = k
		}
		return err
	}
	if err := add(scope{dir: scopeDir(base, ""), vendor: vendor}); err != nil {
		return nil, err
	}
	prefixes, err := prefixDirs(filepath.Join(base, prefixDir))
	if err != nil {
		return nil, err
	}
	for _, p := range prefixes {
		if err := add(scope{dir: scopeDir(base, p), prefix: p, vendor: vendor}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// prefixDirs lists the prefixes that have a directory under prefix.d.
func prefixDirs(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if path == root || !d.IsDir() {
			return checkTopFile(root, path, d)
		}
		if d.Name()[0] == '.' {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, path)
		p := filepath.ToSlash(rel)
		if err := CheckPrefix(p); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// checkTopFile refuses a key file directly in prefix.d, where it would
// belong to no prefix.
func checkTopFile(root, path string, d fs.DirEntry) error {
	if path == root || filepath.Dir(path) != root || d.Name()[0] == '.' {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil // a symlink to a directory: not walked, not a key
	}
	return fmt.Errorf("%s: a key file directly in %s belongs to no prefix", path, prefixDir)
}
