package bundle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand"
	"testing"
	"testing/iotest"
	"time"
)

// Every tap sees every byte, in order, whatever the read sizes, and a tap
// closed early holds no one up.
func TestFanoutDeliversEverything(t *testing.T) {
	data := make([]byte, 5*fanChunkSize+1234)
	rand.New(rand.NewSource(1)).Read(data)
	want := sha256.Sum256(data)
	f := newFanout(context.Background(), iotest.HalfReader(bytes.NewReader(data)), 0, 4)
	f.start()
	sums := make(chan [32]byte, 3)
	for i, tp := range f.taps[:3] {
		go func() {
			h := sha256.New()
			var err error
			if i == 0 {
				_, err = io.Copy(h, tp) // WriteTo
			} else {
				_, err = io.CopyBuffer(h, struct{ io.Reader }{tp}, make([]byte, 1000+i))
			}
			if err != nil {
				t.Error(err)
			}
			var s [32]byte
			copy(s[:], h.Sum(nil))
			sums <- s
		}()
	}
	// the fourth reads a little and gives up
	buf := make([]byte, 10)
	if _, err := f.taps[3].Read(buf); err != nil {
		t.Fatal(err)
	}
	f.taps[3].stop()
	for range 3 {
		select {
		case s := <-sums:
			if s != want {
				t.Error("a tap got different bytes")
			}
		case <-time.After(10 * time.Second):
			t.Fatal("stuck")
		}
	}
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
}

func TestFanoutErrors(t *testing.T) {
	boom := errors.New("boom")
	src := io.MultiReader(bytes.NewReader(make([]byte, 3*fanChunkSize)), iotest.ErrReader(boom))
	f := newFanout(context.Background(), src, 0, 2)
	f.start()
	go io.Copy(io.Discard, f.taps[1])
	if _, err := io.Copy(io.Discard, f.taps[0]); !errors.Is(err, boom) {
		t.Errorf("read error: %v", err)
	}
	if !errors.Is(f.result(), boom) {
		t.Errorf("result: %v", f.result())
	}

	f = newFanout(context.Background(), bytes.NewReader(make([]byte, 1000)), 999, 1)
	f.start()
	if _, err := io.Copy(io.Discard, f.taps[0]); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the cap: %v", err)
	}
	f = newFanout(context.Background(), bytes.NewReader(make([]byte, 1000)), 1000, 1)
	f.start()
	if n, err := io.Copy(io.Discard, f.taps[0]); err != nil || n != 1000 {
		t.Errorf("at the cap: %d, %v", n, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	f = newFanout(ctx, endless{}, 0, 1)
	f.start()
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	if _, err := io.Copy(io.Discard, f.taps[0]); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }
