// Package store owns the content-addressed image store that aci-fetch
// fills and aci-store, aci-bundle read.
//
// Layout (version 1), under the store directory:
//
//	layout                      "intermodal-store 1\n"; written once, checked on open
//	lock                        flock(2): shared while adding, exclusive for rm and gc
//	images/sha512-<128 hex>/    one directory per image ID, complete or absent:
//	    image                   the image file exactly as fetched (the bytes a signature covers)
//	    image.asc               its detached signature, when there was one
//	    manifest                the image manifest, as found in the archive
//	    info.json               size, compression, tar size, source URL, signer, fetch time
//	refs/<sha256 hex>.json      one per image name and label set: name, labels, ID, latest, time
//	cache/<sha256 hex>.json     HTTP cache data per image URL: ETag, expiry, ID
//	tmp/                        work in progress; anything left here after a crash is garbage
//
// Every write is a temporary file or directory under tmp/ (or beside its
// target) that is synced and then renamed into place, so a crash or a kill
// at any moment leaves each image, ref and cache record whole or absent. An
// image directory is committed with one rename; when another process
// committed the same ID first, that copy is kept and ours discarded, so
// concurrent fetches of one image leave one blob. Refs and cache records
// are written after the image they name, so they never point at nothing
// (rm and gc, which delete, hold the lock exclusively).
package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/imageid"
	"golang.org/x/sys/unix"
)

const layoutMagic = "intermodal-store 1\n"

// Errors callers test with errors.Is.
var (
	ErrNotFound  = errors.New("not in the store")
	ErrAmbiguous = errors.New("ambiguous image ID prefix")
	ErrLayout    = errors.New("not an intermodal store")
	ErrCorrupt   = errors.New("stored image does not match its ID")
)

// Store is an opened store directory.
type Store struct {
	Dir string
}

// DefaultDir is INTERMODAL_STORE, else /var/lib/intermodal/store for root,
// else $XDG_DATA_HOME/intermodal/store (~/.local/share by default).
func DefaultDir() string {
	if d := os.Getenv("INTERMODAL_STORE"); d != "" {
		return d
	}
	if os.Geteuid() == 0 {
		return "/var/lib/intermodal/store"
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "intermodal", "store")
	}
	home, _ := os.UserHomeDir() //nolint:errcheck // "" falls back to a relative path, said in the error that follows
	return filepath.Join(home, ".local", "share", "intermodal", "store")
}

// Open opens the store at dir, creating it when create is set.
func Open(dir string, create bool) (*Store, error) {
	s := &Store{Dir: dir}
	data, err := os.ReadFile(s.path("layout"))
	switch {
	case err == nil:
		if string(data) != layoutMagic {
			return nil, fmt.Errorf("%s: %w (layout file says %q)", dir, ErrLayout, strings.TrimSpace(string(data)))
		}
	case errors.Is(err, fs.ErrNotExist) && create:
		if err := s.create(); err != nil {
			return nil, err
		}
	case errors.Is(err, fs.ErrNotExist):
		if _, serr := os.Stat(dir); serr != nil {
			return nil, fmt.Errorf("store %s: %w", dir, serr)
		}
		return nil, fmt.Errorf("%s: %w (no layout file)", dir, ErrLayout)
	default:
		return nil, fmt.Errorf("store: %w", err)
	}
	return s, nil
}

var layoutNames = map[string]bool{"images": true, "refs": true, "cache": true, "tmp": true, "lock": true, "layout": true}

func (s *Store) create() error {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	// Refuse to scatter a store over someone's files, but not over the
	// half-made layout of another process creating the same store now.
	if ents, err := os.ReadDir(s.Dir); err == nil {
		for _, e := range ents {
			if !layoutNames[e.Name()] && !strings.HasPrefix(e.Name(), ".w-") {
				return fmt.Errorf("store %s: %w: the directory holds other files (%s)", s.Dir, ErrLayout, e.Name())
			}
		}
	}
	for _, d := range []string{"images", "refs", "cache", "tmp"} {
		if err := os.MkdirAll(s.path(d), 0o755); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	if err := writeFileAtomic(s.path("tmp"), s.path("lock"), nil, false); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	// The layout file goes last: a store is a store once it exists, and two
	// processes creating one at once both succeed.
	if err := writeFileAtomic(s.path("tmp"), s.path("layout"), []byte(layoutMagic), false); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

func (s *Store) path(elem ...string) string {
	return filepath.Join(append([]string{s.Dir}, elem...)...)
}

// Lock takes the store lock, shared or exclusive, and returns its release.
// A reader without write permission on the store (a user reading root's
// store) still takes it: flock(2) works on a read-only descriptor too.
func (s *Store) Lock(exclusive bool) (func(), error) {
	f, err := os.OpenFile(s.path("lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.EROFS) {
		f, err = os.Open(s.path("lock"))
	}
	if err != nil {
		return nil, fmt.Errorf("store lock: %w", err)
	}
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err = unix.Flock(int(f.Fd()), how)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("store lock %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil // closing releases the flock
}

// Info describes a stored image; it is the content of info.json.
type Info struct {
	ID          string    `json:"id"`
	Size        int64     `json:"size"`
	TarSize     int64     `json:"tarSize"`
	Compression string    `json:"compression"`
	Source      string    `json:"source,omitempty"`
	Signer      string    `json:"signer,omitempty"`
	Fetched     time.Time `json:"fetched"`
}

// Image is a stored image: its info and its parsed manifest.
type Image struct {
	Info
	Dir      string              `json:"-"`
	Manifest *appc.ImageManifest `json:"-"`
}

// ImagePath is the stored image file; SignaturePath its signature, which
// may not exist.
func (im *Image) ImagePath() string     { return filepath.Join(im.Dir, "image") }
func (im *Image) SignaturePath() string { return filepath.Join(im.Dir, "image.asc") }

// Name is the image's name from its manifest.
func (im *Image) Name() string {
	if im.Manifest == nil {
		return ""
	}
	return im.Manifest.Name
}

// Labels are the manifest's labels as a map.
func (im *Image) Labels() map[string]string {
	m := map[string]string{}
	if im.Manifest != nil {
		for _, l := range im.Manifest.Labels {
			m[l.Name] = l.Value
		}
	}
	return m
}

func (s *Store) imageDir(id string) string { return s.path("images", id) }

// Image loads the image with exactly this full ID.
func (s *Store) Image(id string) (*Image, error) {
	if _, err := imageid.Parse(id); err != nil {
		return nil, err
	}
	dir := s.imageDir(id)
	data, err := os.ReadFile(filepath.Join(dir, "info.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", imageid.Short(id), ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	im := &Image{Dir: dir}
	if err := json.Unmarshal(data, &im.Info); err != nil {
		return nil, fmt.Errorf("%s: info.json: %w", dir, err)
	}
	if im.ID != id {
		return nil, fmt.Errorf("%s: info.json: id %q does not match the directory", dir, im.ID)
	}
	mdata, err := os.ReadFile(filepath.Join(dir, "manifest"))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	m, probs := appc.ParseManifest(mdata)
	if m == nil || probs.HasErrors() {
		return nil, fmt.Errorf("%s: manifest: %v", dir, probs)
	}
	im.Manifest = m
	return im, nil
}

// Has reports whether the image with this full ID is stored.
func (s *Store) Has(id string) bool {
	_, err := os.Stat(filepath.Join(s.imageDir(id), "info.json"))
	return err == nil
}

// IDs lists the stored image IDs, sorted.
func (s *Store) IDs() ([]string, error) {
	ents, err := os.ReadDir(s.path("images"))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var ids []string
	for _, e := range ents {
		if _, err := imageid.Parse(e.Name()); err == nil && e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// Images loads every stored image.
func (s *Store) Images() ([]*Image, error) {
	ids, err := s.IDs()
	if err != nil {
		return nil, err
	}
	var out []*Image
	for _, id := range ids {
		im, err := s.Image(id)
		if errors.Is(err, ErrNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, nil
}

// ResolveID finds the one stored image whose ID starts with prefix, which
// may omit "sha512-" and must have at least one hex digit.
func (s *Store) ResolveID(prefix string) (string, error) {
	if !strings.HasPrefix(prefix, imageid.Prefix) && isHex(prefix) {
		prefix = imageid.Prefix + prefix
	}
	p, err := imageid.ParsePrefix(prefix)
	if err != nil {
		return "", err
	}
	ids, err := s.IDs()
	if err != nil {
		return "", err
	}
	var found []string
	for _, id := range ids {
		if strings.HasPrefix(id, p) {
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%s: %w", prefix, ErrNotFound)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%s: %w: %d images match", prefix, ErrAmbiguous, len(found))
}

// Open opens a stored image file for reading.
func (s *Store) Open(id string) (*os.File, error) {
	f, err := os.Open(filepath.Join(s.imageDir(id), "image"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", imageid.Short(id), ErrNotFound)
	}
	return f, err
}

// writeFileAtomic writes data to path through a synced temporary file in
// tmpDir. Without overwrite an existing path is left alone (fs.ErrExist).
func writeFileAtomic(tmpDir, path string, data []byte, overwrite bool) error {
	f, err := os.CreateTemp(tmpDir, ".w-*")
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) //nolint:errcheck // gone after the rename; removed on failure
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("store: %w", err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("store: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("store: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if overwrite {
		err = os.Rename(tmp, path)
	} else {
		err = os.Link(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", dir, err)
	}
	return nil
}

// keyHash names a ref or cache record: the sha256 of its key.
func keyHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		panic(err) // only plain structs are marshalled here
	}
	return b.Bytes()
}

// readJSON reads a small JSON record, refusing anything over 1 MiB.
func readJSON(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return err
	}
	if len(data) > 1<<20 {
		return fmt.Errorf("%s: larger than 1 MiB", path)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}
