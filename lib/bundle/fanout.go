package bundle

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// ErrTooLarge is returned when an image decompresses to more than the cap.
var ErrTooLarge = errors.New("decompressed image exceeds the size limit")

// The chunk ring: enough in flight that a consumer briefly busy with a big
// file's metadata does not stall decompression, few enough that memory
// stays small. Each chunk is shared, not copied, by every consumer.
const (
	fanChunks    = 8
	fanChunkSize = 1 << 20
)

// fanout reads a stream on its own goroutine, where decompression then
// happens, and hands every chunk to each of its taps: the extractor, the
// image ID hash and the layout check read the same bytes in parallel, and
// the stream is read once. A chunk goes back to the ring when every tap is
// done with it, so the slowest tap sets the pace and memory is bounded.
type fanout struct {
	ctx  context.Context
	src  io.Reader
	max  int64 // 0: no cap
	read int64
	free chan *chunk
	taps []*tap

	mu  sync.Mutex
	err error // why the stream ended: io.EOF when it ended well
}

type chunk struct {
	buf  []byte
	n    int
	refs atomic.Int32
}

// newFanout prepares n taps on src; start begins reading.
func newFanout(ctx context.Context, src io.Reader, max int64, n int) *fanout {
	f := &fanout{ctx: ctx, src: src, max: max, free: make(chan *chunk, fanChunks)}
	for range fanChunks {
		f.free <- &chunk{buf: make([]byte, fanChunkSize)}
	}
	for range n {
		f.taps = append(f.taps, &tap{f: f, ch: make(chan *chunk, fanChunks)})
	}
	return f
}

func (f *fanout) start() { go f.run() }

func (f *fanout) run() {
	err := f.pump()
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
	for _, t := range f.taps {
		close(t.ch)
	}
}

// pump moves chunks until the stream ends, fails or ctx is cancelled.
func (f *fanout) pump() error {
	for {
		var c *chunk
		select {
		case c = <-f.free:
		case <-f.ctx.Done():
			return f.ctx.Err()
		}
		n, err := f.fill(c.buf)
		if n > 0 {
			c.n = n
			c.refs.Store(int32(len(f.taps)))
			for _, t := range f.taps {
				t.ch <- c // never blocks: each channel holds the whole ring
			}
		} else {
			f.free <- c
		}
		if err != nil {
			return err
		}
	}
}

// fill reads until buf is full, the stream ends or the cap is passed.
func (f *fanout) fill(buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		if err := f.ctx.Err(); err != nil {
			return n, err
		}
		m, err := f.src.Read(buf[n:])
		n += m
		f.read += int64(m)
		if f.max > 0 && f.read > f.max {
			return n, ErrTooLarge
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// result is why the stream ended: nil when it reached its end.
func (f *fanout) result() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if errors.Is(f.err, io.EOF) {
		return nil
	}
	return f.err
}

func (c *chunk) release(f *fanout) {
	if c.refs.Add(-1) == 0 {
		f.free <- c
	}
}

// tap is one consumer's view of the stream.
type tap struct {
	f      *fanout
	ch     chan *chunk
	cur    *chunk
	off    int
	closed bool
}

// next makes the following chunk current; false at the end of the stream.
func (t *tap) next() bool {
	for t.cur == nil || t.off >= t.cur.n {
		if t.cur != nil {
			t.cur.release(t.f)
			t.cur = nil
		}
		c, ok := <-t.ch
		if !ok {
			return false
		}
		t.cur, t.off = c, 0
	}
	return true
}

// end is what a read at the end of the stream returns: io.EOF, or why it
// stopped early.
func (t *tap) end() error {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	if t.f.err == nil {
		return io.ErrUnexpectedEOF
	}
	return t.f.err
}

func (t *tap) Read(p []byte) (int, error) {
	if t.closed {
		return 0, io.ErrClosedPipe
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !t.next() {
		return 0, t.end()
	}
	n := copy(p, t.cur.buf[t.off:t.cur.n])
	t.off += n
	return n, nil
}

// WriteTo hands whole chunks to w, saving io.Copy a copy.
func (t *tap) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for !t.closed && t.next() {
		n, err := w.Write(t.cur.buf[t.off:t.cur.n])
		t.off += n
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	if err := t.end(); !errors.Is(err, io.EOF) {
		return total, err
	}
	return total, nil
}

// stop gives up the rest of the stream: chunks still to come are released
// as they arrive, so the other taps are never held up by this one.
func (t *tap) stop() {
	if t.closed {
		return
	}
	t.closed = true
	if t.cur != nil {
		t.cur.release(t.f)
		t.cur = nil
	}
	go func() {
		for c := range t.ch {
			c.release(t.f)
		}
	}()
}
