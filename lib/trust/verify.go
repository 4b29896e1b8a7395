package trust

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// Signer is the key that made a good signature: its primary key's
// fingerprint and user IDs, even when a subkey signed.
type Signer struct {
	Fingerprint string   `json:"fingerprint"`
	UserIDs     []string `json:"userIDs"`
}

// chunk is how much the verifier hashes per read.
const chunk = 256 << 10

// Verify checks a detached signature (armored or binary) over all of
// signed against keyring. The error wraps ErrUntrusted when no key of the
// ring made the signature, and ErrBadSignature when it does not verify
// or is refused by policy; a failure reading signed is returned as is.
func Verify(keyring []*openpgp.Entity, signed io.Reader, sig []byte) (*Signer, error) {
	d, err := parseSignature(sig)
	if err != nil {
		return nil, err
	}
	return verifyDetached(keyring, signed, d, "")
}

// verifyDetached runs the check; name, when known, goes into the advice
// of an untrusted-key error.
func verifyDetached(keyring []*openpgp.Entity, signed io.Reader, d *detached, name string) (signer *Signer, err error) {
	defer recoverVerify(&err)
	md, err := openpgp.VerifyDetachedSignatureReader(openpgp.EntityList(keyring), signed, bytes.NewReader(d.raw), nil)
	if err != nil {
		return nil, verifyError(err, d, name)
	}
	if err := drain(md.UnverifiedBody); err != nil {
		return nil, err
	}
	if md.SignatureError != nil {
		return nil, verifyError(md.SignatureError, d, name)
	}
	if md.SignedBy == nil || md.SignedBy.Entity == nil {
		return nil, fmt.Errorf("%w: no signature verified", ErrBadSignature)
	}
	e := md.SignedBy.Entity
	return &Signer{Fingerprint: Fingerprint(e), UserIDs: UserIDs(e)}, nil
}

// drain reads r to the end in large chunks: io.Copy to io.Discard would
// read 8 KiB at a time.
func drain(r io.Reader) error {
	buf := make([]byte, chunk)
	for {
		_, err := r.Read(buf)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// verifyError sorts go-crypto's verdicts into the package's two kinds.
func verifyError(err error, d *detached, name string) error {
	if errors.Is(err, pgperrors.ErrUnknownIssuer) {
		if name == "" {
			return fmt.Errorf("%w: key %s is not in the keyring", ErrUntrusted, issuer(d.sigs[0]))
		}
		return untrusted(issuer(d.sigs[0]), name)
	}
	switch {
	case errors.Is(err, pgperrors.ErrKeyRevoked):
		return fmt.Errorf("%w: the signing key %s is revoked", ErrBadSignature, issuer(d.sigs[0]))
	case errors.Is(err, pgperrors.ErrKeyExpired):
		return fmt.Errorf("%w: the signing key %s had expired when it signed", ErrBadSignature, issuer(d.sigs[0]))
	}
	return fmt.Errorf("%w: %s", ErrBadSignature, trimPGP(err.Error()))
}

func recoverVerify(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: malformed signature (verifier panic: %v)", ErrBadSignature, r)
	}
}

// trimPGP drops go-crypto's "openpgp: " from a message.
func trimPGP(s string) string { return strings.TrimPrefix(s, "openpgp: ") }
