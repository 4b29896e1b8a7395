package imageid

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"os"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/vbatts/tar-split/tar/storage"
	"golang.org/x/sys/unix"
)

// Tree is an unpacked image: its rootfs directory and, when the tar-split
// metadata does not carry the manifest itself, the manifest file.
type Tree struct {
	Rootfs   string
	Manifest string // "" = DIR/../manifest, the image-dir layout
}

// ErrMismatch is wrapped when the tree no longer holds what the image held.
var ErrMismatch = errors.New("tree does not match the image")

// Rebuild writes the exact tar the metadata was taken from, reading file
// contents from the tree. Every path is resolved inside the rootfs
// (RESOLVE_IN_ROOT, no symlink ever followed for the last component, no
// magic links), a file that changed size or content is an error naming it,
// and nothing but regular files is read, so a hostile tree cannot make it
// read outside DIR or block on a FIFO.
func Rebuild(w io.Writer, t Tree, meta io.Reader) error {
	zr, err := gzip.NewReader(meta)
	if err != nil {
		return fmt.Errorf("tar-split metadata: %w", err)
	}
	defer zr.Close()
	root, err := unix.Open(t.Rootfs, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", t.Rootfs, err)
	}
	defer unix.Close(root)
	r := rebuilder{w: w, tree: t, root: root, buf: make([]byte, 256<<10)}
	return r.run(storage.NewJSONUnpacker(zr))
}

type rebuilder struct {
	w    io.Writer
	tree Tree
	root int
	buf  []byte
}

func (r *rebuilder) run(up storage.Unpacker) error {
	for {
		e, err := up.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("tar-split metadata: %w", err)
		}
		if err := r.entry(e); err != nil {
			return err
		}
	}
}

func (r *rebuilder) entry(e *storage.Entry) error {
	switch e.Type {
	case storage.SegmentType:
		_, err := r.w.Write(e.Payload)
		return err
	case storage.FileType:
		if e.Size == 0 {
			return nil
		}
		return r.file(e.GetName(), e.Size, e.Payload)
	}
	return fmt.Errorf("tar-split metadata: unknown entry type %d", e.Type)
}

// file copies one file's content, checking its size and CRC as it goes.
func (r *rebuilder) file(name string, size int64, crc []byte) error {
	f, err := r.open(name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	if err := sameSize(f, size); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	h := crc64.New(storage.CRCTable)
	n, err := io.CopyBuffer(io.MultiWriter(r.w, h), io.LimitReader(f, size), r.buf)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if n != size {
		return fmt.Errorf("%s: %w: shrank to %d bytes while being read", name, ErrMismatch, n)
	}
	if !bytes.Equal(h.Sum(nil), crc) {
		return fmt.Errorf("%s: %w: content differs", name, ErrMismatch)
	}
	return nil
}

func sameSize(f *os.File, size int64) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() != size {
		return fmt.Errorf("%w: size is %d bytes, the image had %d", ErrMismatch, st.Size(), size)
	}
	return nil
}

// open finds an archive entry name in the tree: "rootfs/..." inside the
// rootfs directory, "manifest" beside it.
func (r *rebuilder) open(name string) (*os.File, error) {
	clean := path.Clean(strings.TrimPrefix(name, "./"))
	if clean == "manifest" {
		return openRegular(unix.AT_FDCWD, r.manifestPath(), 0)
	}
	rel, ok := strings.CutPrefix(clean, "rootfs/")
	if !ok {
		return nil, fmt.Errorf("%w: entry outside rootfs/", ErrMismatch)
	}
	return openRegular(r.root, rel, unix.RESOLVE_IN_ROOT|unix.RESOLVE_NO_MAGICLINKS)
}

func (r *rebuilder) manifestPath() string {
	if r.tree.Manifest != "" {
		return r.tree.Manifest
	}
	return path.Join(r.tree.Rootfs, "..", "manifest")
}

// openRegular opens a regular file without following a final symlink and
// without blocking on a FIFO; anything else is ErrMismatch.
func openRegular(dirfd int, name string, resolve uint64) (*os.File, error) {
	how := unix.OpenHow{Flags: unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_CLOEXEC, Resolve: resolve}
	fd, err := openat2(dirfd, name, &how)
	if err != nil {
		return nil, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, fmt.Errorf("%w: not a regular file", ErrMismatch)
	}
	return os.NewFile(uintptr(fd), name), nil
}

// openat2 retries on EAGAIN, which the kernel returns when a rename raced
// with RESOLVE_IN_ROOT resolution.
func openat2(dirfd int, name string, how *unix.OpenHow) (int, error) {
	for i := 0; ; i++ {
		fd, err := unix.Openat2(dirfd, name, how)
		if !errors.Is(err, unix.EAGAIN) || i == 64 {
			return fd, err
		}
	}
}
