package trust

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// Key is a key file of a trust store.
type Key struct {
	// Fingerprint is the lowercase hex fingerprint of the primary key.
	Fingerprint string `json:"fingerprint"`
	// Prefix is the names the key is trusted for; "" means every name.
	Prefix string `json:"prefix"`
	// UserIDs are the key's user IDs, sorted.
	UserIDs []string `json:"userIDs"`
	// Path is the key file.
	Path string `json:"path"`
	// Vendor says the file is in the read-only vendor directory.
	Vendor bool `json:"vendor"`
	// Entity is the parsed key.
	Entity *openpgp.Entity `json:"-"`
}

// entry is one file of a scope directory: a key, or an empty file that
// masks the key of that fingerprint.
type entry struct {
	fpr  string
	path string
	ent  *openpgp.Entity // nil for a mask
}

// scope is a directory of key files for one prefix ("" = root).
type scope struct {
	dir    string
	prefix string
	vendor bool
}

// readScope reads the key files of one directory, by name. A missing
// directory has none.
func readScope(dir string) ([]entry, error) {
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []entry
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".") {
			continue
		}
		e, ok, err := readEntry(filepath.Join(dir, de.Name()))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// readEntry reads one file; directories (deeper prefixes) are skipped.
func readEntry(path string) (entry, bool, error) {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return entry{}, false, err
	case st.IsDir():
		return entry{}, false, nil
	case !st.Mode().IsRegular():
		return entry{}, false, fmt.Errorf("%s: not a regular file", path)
	}
	name := filepath.Base(path)
	if !ValidFingerprint(name) {
		return entry{}, false, fmt.Errorf("%s: a key file must be named by its lowercase hex fingerprint", path)
	}
	if st.Size() == 0 {
		return entry{fpr: name, path: path}, true, nil
	}
	ent, err := readKeyFile(path)
	if err != nil {
		return entry{}, false, err
	}
	if fpr := Fingerprint(ent); fpr != name {
		return entry{}, false, fmt.Errorf("%s: holds the key %s: a key file must be named by its fingerprint", path, fpr)
	}
	return entry{fpr: name, path: path, ent: ent}, true, nil
}

// readKeyFile reads the key of a key file: its first key, as rkt does, so
// a file holding several keys trusts no more than the one it is named by.
func readKeyFile(path string) (*openpgp.Entity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := ReadKeys(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ents[0], nil
}

// scopes lists the directories whose keys apply to a name with the given
// matching prefixes, in rkt's order: vendor root, local root, then vendor
// and local prefixes, shortest first.
func (s *Store) scopes(prefixes []string) []scope {
	var out []scope
	add := func(base, prefix string, vendor bool) {
		if base != "" {
			out = append(out, scope{dir: scopeDir(base, prefix), prefix: prefix, vendor: vendor})
		}
	}
	add(s.Vendor, "", true)
	add(s.Local, "", false)
	for _, p := range prefixes {
		add(s.Vendor, p, true)
	}
	for _, p := range prefixes {
		add(s.Local, p, false)
	}
	return out
}

// Trusted lists the keys trusted for the image name, by fingerprint:
// root keys and the keys of every prefix of the name, after masking.
func (s *Store) Trusted(name string) ([]Key, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	set := map[string]Key{}
	for _, sc := range s.scopes(componentPrefixes(name)) {
		entries, err := readScope(sc.dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.ent == nil {
				delete(set, e.fpr)
				continue
			}
			set[e.fpr] = newKey(e, sc)
		}
	}
	return sortedKeys(set), nil
}

func newKey(e entry, sc scope) Key {
	return Key{
		Fingerprint: e.fpr,
		Prefix:      sc.prefix,
		UserIDs:     UserIDs(e.ent),
		Path:        e.path,
		Vendor:      sc.vendor,
		Entity:      e.ent,
	}
}

func sortedKeys(set map[string]Key) []Key {
	keys := make([]Key, 0, len(set))
	for _, k := range set {
		keys = append(keys, k)
	}
	sortKeys(keys)
	return keys
}

// sortKeys orders keys by prefix (root first), fingerprint, vendor first.
func sortKeys(keys []Key) {
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Prefix != b.Prefix {
			return a.Prefix < b.Prefix
		}
		if a.Fingerprint != b.Fingerprint {
			return a.Fingerprint < b.Fingerprint
		}
		return a.Vendor && !b.Vendor
	})
}

// Keyring returns every key trusted for the image name (see Trusted).
func (s *Store) Keyring(name string) ([]*openpgp.Entity, error) {
	keys, err := s.Trusted(name)
	if err != nil {
		return nil, err
	}
	ents := make([]*openpgp.Entity, len(keys))
	for i, k := range keys {
		ents[i] = k.Entity
	}
	return ents, nil
}

// HasPrefixKeys reports whether a key is trusted for the name through a
// prefix rather than root.d: what decides whether a fetch may offer to
// trust the keys a server publishes (trust on first use).
func (s *Store) HasPrefixKeys(name string) (bool, error) {
	keys, err := s.Trusted(name)
	if err != nil {
		return false, err
	}
	for _, k := range keys {
		if k.Prefix != "" {
			return true, nil
		}
	}
	return false, nil
}
