package trust

import (
	"io"
	"sync"
)

// queue hands bytes from a writer to a reader on another goroutine without
// making the writer wait while the reader works, unlike io.Pipe, whose
// Write returns only when the reader has taken every byte: hashing would
// then stall the download it checks. Memory is bounded: at most
// queueChunks chunks of queueChunkSize bytes are in flight, and a writer
// that gets ahead of the reader by that much waits.
type queue struct {
	full chan []byte
	free chan []byte

	mu     sync.Mutex
	err    error         // set by closeRead: the reader is gone
	gone   chan struct{} // closed with err
	cur    []byte        // what the reader has not consumed of the chunk it holds
	curBuf []byte        // that chunk, for recycling
	fill   []byte        // the writer's chunk being filled, sent when full
	closed bool          // closeWrite called
}

const (
	queueChunks    = 8
	queueChunkSize = 1 << 20
)

func newQueue() *queue {
	q := &queue{full: make(chan []byte, queueChunks), free: make(chan []byte, queueChunks), gone: make(chan struct{})}
	for i := 0; i < queueChunks; i++ {
		q.free <- nil // allocated on first use
	}
	return q
}

// Write copies p into the queue; it waits only when the queue is full.
// Bytes are sent on in whole chunks, so small writes cost no handoff each.
func (q *queue) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if q.fill == nil {
			select {
			case buf := <-q.free:
				if buf == nil {
					buf = make([]byte, 0, queueChunkSize)
				}
				q.fill = buf[:0]
			case <-q.gone:
				return n, q.readErr()
			}
		}
		m := copy(q.fill[len(q.fill):cap(q.fill)], p)
		q.fill = q.fill[:len(q.fill)+m]
		n += m
		p = p[m:]
		if len(q.fill) == cap(q.fill) {
			if err := q.send(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (q *queue) send() error {
	select {
	case q.full <- q.fill:
		q.fill = nil
		return nil
	case <-q.gone:
		return q.readErr()
	}
}

// closeWrite sends what is left and ends the data: the reader sees io.EOF
// after the last chunk.
func (q *queue) closeWrite() {
	if q.closed {
		return
	}
	q.closed = true
	if len(q.fill) > 0 {
		q.send() //nolint:errcheck // a reader that is gone needs no more data
	}
	close(q.full)
}

// Read gives the reader the queued bytes in order.
func (q *queue) Read(p []byte) (int, error) {
	if len(q.cur) == 0 {
		if q.curBuf != nil {
			q.free <- q.curBuf[:0]
			q.curBuf = nil
		}
		buf, ok := <-q.full
		if !ok {
			return 0, io.EOF
		}
		q.cur, q.curBuf = buf, buf
	}
	n := copy(p, q.cur)
	q.cur = q.cur[n:]
	return n, nil
}

// closeRead tells writers the reader has stopped, with err.
func (q *queue) closeRead(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err == nil {
		q.err = err
		close(q.gone)
	}
}

func (q *queue) readErr() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}
