package aci_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
	"time"

	"github.com/intermodal/intermodal/lib/aci"
)

func TestReadAheadPreservesBytes(t *testing.T) {
	const ring = 256 << 10
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, ring - 1, ring, ring + 1, 5*ring + 17} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		t.Run(fmt.Sprintf("Read/%d", size), func(t *testing.T) {
			// OneByteReader makes the producer assemble each buffer from
			// many short reads; iotest.TestReader exercises Read itself.
			ra := aci.ReadAhead(iotest.OneByteReader(bytes.NewReader(data)))
			defer ra.Close()
			if err := iotest.TestReader(ra, data); err != nil {
				t.Fatal(err)
			}
		})
		t.Run(fmt.Sprintf("WriteTo/%d", size), func(t *testing.T) {
			ra := aci.ReadAhead(bytes.NewReader(data))
			defer ra.Close()
			var out bytes.Buffer
			n, err := io.Copy(&out, ra)
			if err != nil || n != int64(size) || !bytes.Equal(out.Bytes(), data) {
				t.Fatalf("io.Copy = %d, %v; bytes equal: %v", n, err, bytes.Equal(out.Bytes(), data))
			}
		})
	}
}

func TestReadAheadPassesErrorsAfterData(t *testing.T) {
	boom := errors.New("boom")
	data := bytes.Repeat([]byte{7}, 300<<10)
	ra := aci.ReadAhead(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom)))
	defer ra.Close()
	got, err := io.ReadAll(ra)
	if !errors.Is(err, boom) || !bytes.Equal(got, data) {
		t.Fatalf("ReadAll = %d bytes, %v; want %d bytes, boom", len(got), err, len(data))
	}
	if _, err := ra.Read(make([]byte, 1)); !errors.Is(err, boom) {
		t.Fatalf("second Read: %v, want the same error again", err)
	}
}

type endlessZeros struct{}

func (endlessZeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReadAheadCloseStopsProducer(t *testing.T) {
	ra := aci.ReadAhead(endlessZeros{})
	if _, err := io.ReadFull(ra, make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() { ra.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return: producer still running")
	}
	if _, err := ra.Read(make([]byte, 1)); !errors.Is(err, aci.ErrReadAheadClosed) {
		t.Fatalf("Read after Close: %v", err)
	}
	if err := ra.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

type panicky struct{}

func (panicky) Read([]byte) (int, error) { panic("decoder bug") }

func TestReadAheadTurnsPanicIntoError(t *testing.T) {
	ra := aci.ReadAhead(panicky{})
	defer ra.Close()
	if _, err := io.ReadAll(ra); err == nil {
		t.Fatal("no error from a reader that panicked")
	}
}
