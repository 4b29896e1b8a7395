package trust

import (
	"errors"
	"fmt"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/intermodal/intermodal/lib/internal/chunkq"
)

// errAborted ends a verification whose download failed.
var errAborted = errors.New("verification aborted")

// Verifier checks a detached signature over bytes written to it as they
// arrive, holding at most a few MiB of them: a goroutine hashes what each
// Write queues, so hashing overlaps whatever produces the bytes (a
// download). Write, Verify and Abort are for one goroutine; call
// Verify or Abort exactly once in the end, or the goroutine is left
// waiting.
type Verifier struct {
	q      *chunkq.Queue
	done   chan struct{}
	signer *Signer
	err    error
	closed bool
}

// NewVerifier starts checking sig (armored or binary) for the image name
// against Keyring(name). It fails at once, before any data, for what
// CheckIssuer would refuse, so a caller that skipped CheckIssuer still
// learns of an untrusted key before downloading.
func (s *Store) NewVerifier(name string, sig []byte) (*Verifier, error) {
	d, err := parseSignature(sig)
	if err != nil {
		return nil, err
	}
	ring, err := s.Keyring(name)
	if err != nil {
		return nil, err
	}
	if err := checkIssuer(ring, d, name); err != nil {
		return nil, err
	}
	return startVerifier(ring, d, name), nil
}

// NewKeyringVerifier is NewVerifier over a given keyring.
func NewKeyringVerifier(keyring []*openpgp.Entity, sig []byte) (*Verifier, error) {
	d, err := parseSignature(sig)
	if err != nil {
		return nil, err
	}
	return startVerifier(keyring, d, ""), nil
}

func startVerifier(ring []*openpgp.Entity, d *detached, name string) *Verifier {
	q := chunkq.New()
	v := &Verifier{q: q, done: make(chan struct{})}
	go func() {
		defer close(v.done)
		v.signer, v.err = verifyDetached(ring, q, d, name)
		// Should the check end before the data does, writers must not block.
		q.CloseRead(errAborted)
	}()
	return v
}

// Write hands p to the check; it returns once p is queued (copied), and
// waits only when the check is several MiB behind.
func (v *Verifier) Write(p []byte) (int, error) {
	if v.closed {
		return 0, errors.New("write to a finished verifier")
	}
	n, err := v.q.Write(p)
	if err != nil {
		return n, fmt.Errorf("signature check: %w", err)
	}
	return n, nil
}

// Verify ends the data and returns the signer of a good signature. Errors
// wrap ErrUntrusted or ErrBadSignature.
func (v *Verifier) Verify() (*Signer, error) {
	if !v.closed {
		v.closed = true
		v.q.CloseWrite()
	}
	<-v.done
	return v.signer, v.err
}

// Abort stops the check, for a download that failed; it is safe after
// Verify and twice.
func (v *Verifier) Abort() {
	if !v.closed {
		v.closed = true
		v.q.CloseRead(errAborted) // a reader still hashing stops at its next chunk
		v.q.CloseWrite()
	}
	<-v.done
}
