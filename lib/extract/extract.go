package extract

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// Options says how Extract maps, filters and restores entries.
type Options struct {
	// Rename maps an archive entry name to a path relative to the root, or
	// skip=true to skip the entry. nil: names are used as they are
	// (cleaned). For an ACI, use ACIRootfs.
	Rename func(name string) (rel string, skip bool)
	// Keep, when non-nil, is consulted for every entry after Rename with
	// the cleaned relative path ("etc/passwd", no leading slash): false
	// skips it (used for appc pathWhitelist filtering).
	Keep func(rel string) bool
	// KeepDirs exempts directory entries from Keep, as the reference
	// renderer keeps an image's own directories whatever its pathWhitelist
	// says (appc DEP-7).
	KeepDirs bool
	// Privileged: create device nodes, chown to the archive's uid/gid and
	// restore security.capability xattrs. When false, what cannot be done
	// unprivileged is skipped and reported once through Warn. Callers
	// usually pass os.Geteuid() == 0.
	Privileged bool
	// Warn receives one-line notes, at most one of each kind per call; it
	// may be nil.
	Warn func(msg string)
	// MaxSize caps the bytes of file contents written; 0 = none.
	MaxSize int64
}

// Stats counts what one Extract call created. Devices counts FIFOs too;
// Bytes is the file contents written.
type Stats struct{ Files, Dirs, Symlinks, Hardlinks, Devices, Bytes int64 }

// copyBufSize is large enough that copying a big file costs few system
// calls, and small enough that what one read brings into the CPU cache is
// still there for the write: on tmpfs, 256 KiB beat 1 MiB by about 15%.
const copyBufSize = 256 << 10

// Extract reads an uncompressed tar stream and creates its entries under
// root, which must exist and be a directory. It may be called several
// times on the same root for layers: a later entry replaces an earlier one
// of any type (a directory over a directory merges), and symlinks are
// replaced, never followed (appc DEP-4). The package comment lists the
// rules. Errors about an entry are *EntryError and match the Err sentinels
// with errors.Is; a truncated stream matches io.ErrUnexpectedEOF. On error
// the tree is left part way; the caller removes it.
func Extract(root string, r io.Reader, o Options) (Stats, error) {
	x, err := newExtractor(root, o)
	if err != nil {
		return Stats{}, err
	}
	defer x.close()
	err = x.run(r)
	if err == nil {
		err = x.finishDirs()
	}
	x.warn.flush(o.Warn)
	return x.stats, err
}

// Sync flushes the filesystem holding root to disk, once for a whole
// tree instead of once per file.
func Sync(root string) error {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: root, Err: err}
	}
	defer unix.Close(fd)
	if err := unix.Syncfs(fd); err != nil {
		return &os.PathError{Op: "syncfs", Path: root, Err: err}
	}
	return nil
}

// extractor is the state of one Extract call.
type extractor struct {
	o     Options
	root  int // descriptor of the root, open for the whole call
	cache struct {
		dir string // the parent directory last resolved, relative to root
		fd  int    // its O_PATH descriptor, or -1
	}
	noOpenat2 bool // the kernel lacks openat2: walk every path
	dirs      []dirMeta
	buf       []byte
	ts        [2]unix.Timespec
	stats     Stats
	warn      warnings
	euid      int
	egid      int
}

func newExtractor(root string, o Options) (*extractor, error) {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open root", Path: root, Err: err}
	}
	x := &extractor{o: o, root: fd, buf: make([]byte, copyBufSize),
		euid: os.Geteuid(), egid: os.Getegid()}
	x.cache.fd = -1
	return x, nil
}

func (x *extractor) close() {
	x.invalidate()
	unix.Close(x.root)
}

// run extracts entries until the end-of-archive marker. Go's reader also
// ends quietly where the stream ends on a block boundary, so a truncated
// stream is told apart by what it read after the last entry's data: two
// zero blocks, or not.
func (x *extractor) run(r io.Reader) error {
	cr := &countingReader{r: r}
	tr := tar.NewReader(cr)
	last, end := "", int64(0)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) && !cr.endMarker(end) {
			err = errTruncated
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return readError(last, err)
		}
		last, end = hdr.Name, cr.n+dataSize(hdr)
		if err := x.entry(tr, hdr); err != nil {
			return &EntryError{Entry: hdr.Name, Err: err}
		}
	}
}

const blockSize = 512

// errTruncated matches io.ErrUnexpectedEOF with errors.Is.
var errTruncated error = &problem{kind: io.ErrUnexpectedEOF, msg: "unexpected end of archive"}

// dataSize is how many bytes of data follow a header in the stream, as Go's
// reader counts them: none for the types it takes as header-only.
func dataSize(hdr *tar.Header) int64 {
	switch hdr.Typeflag {
	case tar.TypeLink, tar.TypeSymlink, tar.TypeChar, tar.TypeBlock, tar.TypeDir, tar.TypeFifo, tar.TypeXGlobalHeader:
		return 0
	}
	return (hdr.Size + blockSize - 1) &^ (blockSize - 1)
}

// countingReader counts the bytes read and keeps the last two blocks.
type countingReader struct {
	r    io.Reader
	n    int64
	tail [2 * blockSize]byte
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n >= len(c.tail) {
		copy(c.tail[:], p[n-len(c.tail):n])
	} else {
		copy(c.tail[:], c.tail[n:])
		copy(c.tail[len(c.tail)-n:], p[:n])
	}
	return n, err
}

// endMarker says whether the last two blocks read were zero blocks read
// after the data ending at offset end.
func (c *countingReader) endMarker(end int64) bool {
	if c.n-end < int64(len(c.tail)) {
		return false
	}
	for _, b := range c.tail {
		if b != 0 {
			return false
		}
	}
	return true
}

func readError(last string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = errTruncated
	}
	if last == "" {
		return fmt.Errorf("reading the archive: %w", err)
	}
	return fmt.Errorf("reading the archive after entry %q: %w", last, err)
}

// entry checks one header and creates what it describes.
func (x *extractor) entry(tr *tar.Reader, hdr *tar.Header) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil
	}
	if err := checkType(hdr); err != nil {
		return err
	}
	rel, skip, err := x.entryName(hdr)
	if err != nil || skip {
		return err
	}
	if rel == "" {
		return rootEntry(hdr)
	}
	if !x.keep(rel, hdr.Typeflag == tar.TypeDir) {
		return nil
	}
	return x.create(tr, hdr, rel)
}

func (x *extractor) keep(rel string, dir bool) bool {
	return x.o.Keep == nil || dir && x.o.KeepDirs || x.o.Keep(rel)
}

func (x *extractor) create(tr *tar.Reader, hdr *tar.Header, rel string) error {
	switch hdr.Typeflag {
	case tar.TypeReg:
		return x.file(tr, hdr, rel)
	case tar.TypeDir:
		return x.dir(hdr, rel)
	case tar.TypeSymlink:
		return x.symlink(hdr, rel)
	case tar.TypeLink:
		return x.hardlink(hdr, rel)
	default: // checkType let only devices and FIFOs through
		return x.special(hdr, rel)
	}
}

// rootEntry accepts a directory entry naming the root and changes nothing.
func rootEntry(hdr *tar.Header) error {
	if hdr.Typeflag != tar.TypeDir {
		return problemf(ErrRoot, "the root can only be a directory, not a %s", typeName(hdr.Typeflag))
	}
	return nil
}
