package aci

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

// The ring ReadAhead cycles through. Four buffers let the producer stay
// two ahead while the consumer holds one; 256 KiB amortises the channel
// hand-offs (a few microseconds each) over enough data that they vanish
// next to the cost of inflating it.
const (
	readAheadBuffers = 4
	readAheadSize    = 256 << 10
)

// ErrReadAheadClosed is returned by reads after Close.
var ErrReadAheadClosed = errors.New("read-ahead reader closed")

type chunk struct {
	buf []byte
	n   int
	err error
}

// readAhead fills buffers from r in its own goroutine and hands them to
// the reader in order.
type readAhead struct {
	free   chan []byte
	full   chan chunk
	done   chan struct{}
	exited chan struct{}
	once   sync.Once

	cur chunk // being consumed; cur.buf[off:cur.n] is unread
	off int
	err error // sticky, once cur.err has been reached
}

// ReadAhead wraps r so that reading from it happens in a separate
// goroutine with a small ring of buffers (4 x 256 KiB), so decompression
// on one core overlaps with the consumer, such as hashing, on another.
// Memory stays bounded.
//
// Close stops the goroutine and waits for it, so after Close returns r is
// no longer in use and may be closed. If the goroutine is blocked in a
// Read of r, Close waits for that Read to return. Close does not close r.
func ReadAhead(r io.Reader) io.ReadCloser {
	ra := &readAhead{
		free:   make(chan []byte, readAheadBuffers),
		full:   make(chan chunk, readAheadBuffers),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	for range readAheadBuffers {
		ra.free <- make([]byte, readAheadSize)
	}
	go ra.fill(r)
	return ra
}

// fill runs in the producer goroutine until r fails, reaches EOF, or the
// reader is closed.
func (ra *readAhead) fill(r io.Reader) {
	defer close(ra.exited)
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.done:
			return
		}
		c := readChunk(r, buf)
		select {
		case ra.full <- c:
		case <-ra.done:
			return
		}
		if c.err != nil {
			return
		}
	}
}

// readChunk fills buf as far as r allows. A panic in a decoder would
// otherwise kill the process from a goroutine no caller can recover in.
func readChunk(r io.Reader, buf []byte) (c chunk) {
	defer func() {
		if p := recover(); p != nil {
			c.err = fmt.Errorf("reading ahead: internal error: %v", p)
		}
	}()
	n, err := fill(r, buf)
	return chunk{buf: buf, n: n, err: err}
}

// fill reads until buf is full or r fails. Unlike io.ReadFull it passes
// r's own errors through untouched: a decoder's io.ErrUnexpectedEOF (a
// truncated gzip stream) must never be mistaken for a clean end.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// next makes the following chunk current, recycling the spent buffer.
// It returns false with ra.err set when no data remains.
func (ra *readAhead) next() bool {
	for ra.off >= ra.cur.n {
		if ra.err != nil {
			return false
		}
		if ra.cur.err != nil {
			ra.err = ra.cur.err
			return false
		}
		if ra.cur.buf != nil {
			ra.free <- ra.cur.buf // never blocks: the ring has room for every buffer
		}
		ra.cur, ra.off = <-ra.full, 0
	}
	return true
}

func (ra *readAhead) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if !ra.next() {
		return 0, ra.err
	}
	n := copy(p, ra.cur.buf[ra.off:ra.cur.n])
	ra.off += n
	return n, nil
}

// WriteTo hands whole buffers to w, saving io.Copy a copy per byte.
func (ra *readAhead) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for ra.next() {
		n, err := w.Write(ra.cur.buf[ra.off:ra.cur.n])
		ra.off += n
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	if errors.Is(ra.err, io.EOF) {
		return total, nil
	}
	return total, ra.err
}

// Close stops the producer and waits for it to exit.
func (ra *readAhead) Close() error {
	ra.once.Do(func() {
		close(ra.done)
		<-ra.exited
		ra.err = ErrReadAheadClosed
		ra.cur = chunk{}
		ra.off = 0
	})
	return nil
}
