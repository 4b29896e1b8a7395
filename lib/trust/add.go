package trust

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// errNoLocal is returned when a change is asked of a store without a local
// directory.
var errNoLocal = errors.New("no trust directory (use --trust-dir, or set INTERMODAL_TRUST_DIR or HOME)")

// Add trusts each key for prefix ("" = root, every name) by writing it to
// the local directory, one armored key per file named by its fingerprint.
// Every key is checked first (CheckKey) and nothing is written unless all
// pass. Adding a key that is already there rewrites its file only if the
// key changed (new signatures, a new expiry date), and an empty file that
// masked a vendor key is replaced, trusting the key again.
func (s *Store) Add(prefix string, ents []*openpgp.Entity) ([]Key, error) {
	if s.Local == "" {
		return nil, errNoLocal
	}
	if prefix != "" {
		if err := CheckPrefix(prefix); err != nil {
			return nil, err
		}
	}
	if len(ents) == 0 {
		return nil, errors.New("no keys to add")
	}
	data, err := checkAll(ents, time.Now())
	if err != nil {
		return nil, err
	}
	dir := scopeDir(s.Local, prefix)
	if err := mkdirs(s.Local, dir); err != nil {
		return nil, err
	}
	keys := make([]Key, len(ents))
	for i, e := range ents {
		keys[i] = Key{Fingerprint: Fingerprint(e), Prefix: prefix, UserIDs: UserIDs(e), Entity: e}
		keys[i].Path = filepath.Join(dir, keys[i].Fingerprint)
		if err := writeFile(keys[i].Path, data[i]); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// checkAll checks every key and returns their armored forms.
func checkAll(ents []*openpgp.Entity, now time.Time) ([][]byte, error) {
	data := make([][]byte, len(ents))
	for i, e := range ents {
		if err := CheckKey(e, now); err != nil {
			return nil, fmt.Errorf("key %s: %w", Fingerprint(e), err)
		}
		b, err := armoredKey(e)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", Fingerprint(e), err)
		}
		data[i] = b
	}
	return data, nil
}

// Remove stops trusting the key for prefix ("" = root). A local key file
// is deleted; a vendor key, which cannot be deleted, is masked by an empty
// file of the same name in the local directory. A key in neither is
// ErrNotTrusted.
func (s *Store) Remove(fingerprint, prefix string) error {
	if s.Local == "" {
		return errNoLocal
	}
	fpr, err := NormalizeFingerprint(fingerprint)
	if err != nil {
		return err
	}
	if prefix != "" {
		if err := CheckPrefix(prefix); err != nil {
			return err
		}
	}
	local := filepath.Join(scopeDir(s.Local, prefix), fpr)
	masked := isMask(local)
	removed, err := removeLocal(local)
	if err != nil {
		return err
	}
	if !masked && s.vendorHas(fpr, prefix) {
		if err := mkdirs(s.Local, filepath.Dir(local)); err != nil {
			return err
		}
		return writeFile(local, nil)
	}
	if !removed {
		return fmt.Errorf("key %s for %s: %w", fpr, scopeName(prefix), ErrNotTrusted)
	}
	return nil
}

// removeLocal deletes a local key file; an empty mask counts as absent.
func removeLocal(path string) (bool, error) {
	st, err := os.Stat(path)
	if err != nil || st.Size() == 0 {
		return false, nil
	}
	if err := os.Remove(path); err != nil {
		return false, err
	}
	return true, syncDir(filepath.Dir(path))
}

func isMask(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Size() == 0
}

// vendorHas reports whether the vendor directory holds a key file (not a
// mask) for fpr in that prefix.
func (s *Store) vendorHas(fpr, prefix string) bool {
	if s.Vendor == "" {
		return false
	}
	st, err := os.Stat(filepath.Join(scopeDir(s.Vendor, prefix), fpr))
	return err == nil && st.Mode().IsRegular() && st.Size() > 0
}

// scopeName is how messages name a prefix.
func scopeName(prefix string) string {
	if prefix == "" {
		return "root (every name)"
	}
	return "prefix " + prefix
}
