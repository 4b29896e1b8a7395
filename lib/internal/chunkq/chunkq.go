// Package chunkq hands bytes from a writer goroutine to a reader goroutine
// in whole chunks, so neither waits on the other's work: a download keeps
// going while its bytes are hashed or decompressed elsewhere.
package chunkq

import (
	"io"
	"sync"
)

// Queue hands bytes from a writer to a reader on another goroutine without
// making the writer wait while the reader works, unlike io.Pipe, whose
// Write returns only when the reader has taken every byte: hashing would
// then stall the download it checks. Memory is bounded: at most
// chunks chunks of ChunkSize bytes are in flight, and a writer
// that gets ahead of the reader by that much waits.
type Queue struct {
	full chan []byte
	free chan []byte

	mu     sync.Mutex
	err    error         // set by CloseRead: the reader is gone
	gone   chan struct{} // closed with err
	cur    []byte        // what the reader has not consumed of the chunk it holds
	curBuf []byte        // that chunk, for recycling
	fill   []byte        // the writer's chunk being filled, sent when full
	closed bool          // CloseWrite called
}

const (
	chunks    = 8
	ChunkSize = 1 << 20
)

// New returns an empty queue.
func New() *Queue {
	q := &Queue{full: make(chan []byte, chunks), free: make(chan []byte, chunks), gone: make(chan struct{})}
	for i := 0; i < chunks; i++ {
		q.free <- nil // allocated on first use
	}
	return q
}

// Write copies p into the queue; it waits only when the queue is full.
// Bytes are sent on in whole chunks, so small writes cost no handoff each.
func (q *Queue) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if q.fill == nil {
			select {
			case buf := <-q.free:
				if buf == nil {
					buf = make([]byte, 0, ChunkSize)
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

func (q *Queue) send() error {
	select {
	case q.full <- q.fill:
		q.fill = nil
		return nil
	case <-q.gone:
		return q.readErr()
	}
}

// CloseWrite sends what is left and ends the data: the reader sees io.EOF
// after the last chunk.
func (q *Queue) CloseWrite() {
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
func (q *Queue) Read(p []byte) (int, error) {
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

// CloseRead tells writers the reader has stopped, with err.
func (q *Queue) CloseRead(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err == nil {
		q.err = err
		close(q.gone)
	}
}

func (q *Queue) readErr() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}
