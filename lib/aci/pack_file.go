package aci

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// smallFileMax is the largest body the walker reads ahead into memory;
// larger files are opened by the walker and streamed by the writer.
const smallFileMax = 64 << 10

var copyPool = sync.Pool{New: func() any {
	b := make([]byte, 256<<10)
	return &b
}}

// openFlags: never follow a link swapped in since lstat, and never block
// on a FIFO swapped in (reading it then fails the size check).
const openFlags = unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NONBLOCK

// regular opens a file once for its xattrs and body. Raw descriptors skip
// os.File's poller registration and finalizer, which count at 50,000 files.
func (w *walker) regular(path, name string, st *unix.Stat_t) (item, error) {
	fd, err := openRetry(path)
	if err != nil {
		return item{}, &os.PathError{Op: "open", Path: path, Err: err}
	}
	hdr := w.header(tar.TypeReg, name, st)
	hdr.Size = st.Size
	if hdr.PAXRecords, err = w.xattrs(fd, path); err != nil {
		unix.Close(fd)
		return item{}, err
	}
	body := &fileBody{fd: fd, path: path}
	if st.Size > smallFileMax {
		return item{hdr: hdr, body: body, path: path}, nil
	}
	defer body.Close() //nolint:errcheck // read-only descriptor
	data, err := readSmall(body, st.Size, w.arenaFree())
	if err != nil {
		return item{}, err
	}
	return item{hdr: hdr, data: data, small: true, path: path}, nil
}

// readSmall reads a whole body into buf, which has room for size+1 bytes,
// and checks that the file ends at size. Asking for one byte more than
// size means a regular file that returns exactly size bytes is at its
// end, which saves a read call per file (a sixth of the system calls on
// trees of small files).
func readSmall(f *fileBody, size int64, buf []byte) ([]byte, error) {
	buf = buf[:size+1]
	n := 0
	for first := true; first || int64(n) < size; first = false {
		m, err := f.Read(buf[n:])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		n += m
	}
	if int64(n) != size {
		return nil, fmt.Errorf("%s: %w (%d bytes expected)", f.path, ErrFileChanged, size)
	}
	return buf[:n], nil
}

func openRetry(path string) (int, error) {
	for {
		fd, err := unix.Open(path, openFlags, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// fileBody reads an open descriptor, naming the file in its errors.
type fileBody struct {
	fd   int
	path string
}

func (f *fileBody) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(f.fd, b)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, &os.PathError{Op: "read", Path: f.path, Err: err}
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f *fileBody) Close() error {
	if f.fd < 0 {
		return nil
	}
	err := unix.Close(f.fd)
	f.fd = -1
	return err
}

// copyBody copies exactly size bytes and then makes sure src has ended:
// a tar body must match its header, so a file that shrank or grew while
// being read is an error, never a short or padded entry.
func copyBody(dst io.Writer, src io.Reader, size int64) error {
	bp := copyPool.Get().(*[]byte)
	defer copyPool.Put(bp)
	buf := *bp
	for size > 0 {
		chunk := buf[:min(int64(len(buf)), size)]
		n, err := src.Read(chunk)
		if _, werr := dst.Write(chunk[:n]); werr != nil {
			return werr
		}
		size -= int64(n)
		if err == io.EOF && size > 0 {
			return ErrFileChanged
		}
		if err != nil && err != io.EOF {
			return err
		}
	}
	return expectEOF(src, buf[:1])
}

func expectEOF(src io.Reader, one []byte) error {
	for range 8 { // tolerate a few empty reads, never loop forever
		n, err := src.Read(one)
		if n > 0 {
			return ErrFileChanged
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}
