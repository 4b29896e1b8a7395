package aci

import (
	"archive/tar"
	"bytes"
	"errors"
)

// item is one entry the walker hands to the tar writer, or a warning, or
// the error that ended the walk.
type item struct {
	hdr   *tar.Header
	data  []byte    // whole body of a small file, inside its batch's arena
	small bool      // data holds the body
	body  *fileBody // open large file, streamed by the writer
	path  string    // host path, for messages
	warn  string
	err   error
}

func (it *item) release() {
	if it.body != nil {
		_ = it.body.Close() // read-only: nothing to lose
	}
}

// batch is what the walker hands over at once. One channel operation per
// item cost a goroutine wake-up per file (100,000 futex calls on 50,000
// small files). Small bodies are read into the batch's arena rather than
// a buffer each, so memory follows the bytes read, not the file count.
type batch struct {
	items []item
	arena *[]byte
	pool  arenas
	open  int // large files held open
}

// A batch is passed on when it holds batchLen items or batchOpen open
// files, or its arena cannot take one more small file. With queueLen
// batches queued, one filling and one being written, memory stays at
// queueLen+2 arenas (3 MiB), reused through arenas, and descriptors under
// (queueLen+2)*batchOpen.
const (
	arenaSize = 512 << 10
	batchLen  = 256
	batchOpen = 16
	queueLen  = 4
)

// arenas recycles arena buffers for one Pack; a sync.Pool would let the
// GC drop and the walker reallocate them.
type arenas chan *[]byte

func (a arenas) get() *[]byte {
	select {
	case b := <-a:
		*b = (*b)[:0]
		return b
	default:
		b := make([]byte, 0, arenaSize)
		return &b
	}
}

func (a arenas) put(b *[]byte) {
	select {
	case a <- b:
	default:
	}
}

func (a arenas) newBatch() *batch {
	return &batch{items: make([]item, 0, batchLen), arena: a.get(), pool: a}
}

func (b *batch) release() {
	for i := range b.items {
		b.items[i].release()
	}
	b.pool.put(b.arena)
}

var errStopped = errors.New("walk stopped")

// packDir walks root in one goroutine, reading small files ahead, while
// this goroutine writes the tar: on trees of many small files the open,
// read and close calls then overlap with hashing and compression.
func (p *packer) packDir(root string) error {
	batches := make(chan *batch, queueLen)
	stop := make(chan struct{})
	pool := make(arenas, queueLen+2)
	w := &walker{p: p, out: batches, stop: stop, links: map[devIno]string{}, cur: pool.newBatch()}
	go w.run(root)
	err := p.consume(batches)
	if err != nil {
		close(stop)
	}
	for b := range batches { // after an error: free what is queued
		b.release()
	}
	return err
}

func (p *packer) consume(batches <-chan *batch) error {
	var br bytes.Reader
	for b := range batches {
		var err error
		for i := 0; i < len(b.items) && err == nil; i++ {
			err = p.writeItem(&b.items[i], &br)
		}
		b.release()
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *packer) writeItem(it *item, br *bytes.Reader) error {
	switch {
	case it.err != nil:
		return it.err
	case it.warn != "":
		p.warn(it.warn)
		return nil
	case it.small:
		br.Reset(it.data)
		return p.writeEntry(it.hdr, br, it.path)
	case it.body != nil:
		return p.writeEntry(it.hdr, it.body, it.path)
	}
	return p.writeEntry(it.hdr, nil, it.path)
}

// arenaFree is where the next small body goes; nil when the batch must
// be passed on first.
func (w *walker) arenaFree() []byte {
	a := *w.cur.arena
	if cap(a)-len(a) < smallFileMax+1 {
		return nil
	}
	return a[len(a):cap(a)]
}

// send queues an item and passes the batch on when it is full or ends
// the walk with an error.
func (w *walker) send(it item) error {
	b := w.cur
	b.items = append(b.items, it)
	if it.small {
		*b.arena = (*b.arena)[:len(*b.arena)+len(it.data)]
	}
	if it.body != nil {
		b.open++
	}
	if len(b.items) < batchLen && b.open < batchOpen && w.arenaFree() != nil && it.err == nil {
		return nil
	}
	return w.flush()
}

func (w *walker) flush() error {
	b := w.cur
	if len(b.items) == 0 {
		return nil
	}
	w.cur = b.pool.newBatch()
	select { // a stopped writer first: select picks at random
	case <-w.stop:
		b.release()
		return errStopped
	default:
	}
	select {
	case w.out <- b:
		return nil
	case <-w.stop:
		b.release()
		return errStopped
	}
}
