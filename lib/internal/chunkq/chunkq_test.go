package chunkq

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"testing"
)

// Bytes come out in order, whatever the write sizes, across chunk edges.
func TestQueueKeepsOrder(t *testing.T) {
	data := make([]byte, 5*ChunkSize+12345)
	rand.New(rand.NewSource(1)).Read(data)
	q := New()
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(q)
		got <- b
	}()
	rng := rand.New(rand.NewSource(2))
	for p := data; len(p) > 0; {
		n := min(len(p), 1+rng.Intn(3*ChunkSize/2))
		if w, err := q.Write(p[:n]); err != nil || w != n {
			t.Fatalf("write: %d %v", w, err)
		}
		p = p[n:]
	}
	q.CloseWrite()
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatalf("read %d bytes, not the %d written in order", len(b), len(data))
	}
}

// A writer never blocks for good once the reader has stopped.
func TestQueueWriterFreedWhenReaderStops(t *testing.T) {
	q := New()
	stop := errors.New("stopped")
	go func() {
		buf := make([]byte, 10)
		q.Read(buf) //nolint:errcheck // one read, then gone
		q.CloseRead(stop)
	}()
	big := make([]byte, 64*ChunkSize)
	if _, err := q.Write(big); !errors.Is(err, stop) {
		t.Fatalf("write after the reader stopped: %v", err)
	}
}
