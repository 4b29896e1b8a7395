package trust

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// MaxKeyBytes bounds a key file or download: keys with many certifications
// run to hundreds of kilobytes, never to this.
const MaxKeyBytes = 16 << 20

const (
	publicKeyBlock  = "PGP PUBLIC KEY BLOCK"
	privateKeyBlock = "PGP PRIVATE KEY BLOCK"
)

// ReadKeys reads OpenPGP public keys: armored (any number of blocks, each
// with any number of keys) or binary (a keyring as gpg --export writes
// it). Secret keys are refused with ErrSecretKey; so is anything that is
// not a well-formed key. It does not judge whether a key is fit to trust:
// CheckKey does.
func ReadKeys(r io.Reader) ([]*openpgp.Entity, error) {
	data, err := readLimited(r, MaxKeyBytes)
	if err != nil {
		return nil, err
	}
	var ents []*openpgp.Entity
	switch {
	case isArmored(data):
		ents, err = readArmoredKeys(data)
	case len(data) > 0 && data[0]&0x80 != 0:
		ents, err = readBinaryKeys(data)
	default:
		return nil, errors.New("not an OpenPGP key (neither armored nor binary)")
	}
	if err != nil {
		return nil, err
	}
	if len(ents) == 0 {
		return nil, errors.New("no keys found")
	}
	return ents, nil
}

func readArmoredKeys(data []byte) ([]*openpgp.Entity, error) {
	blocks, err := splitArmor(data)
	if err != nil {
		return nil, err
	}
	var ents []*openpgp.Entity
	for _, b := range blocks {
		switch b.Type {
		case publicKeyBlock:
		case privateKeyBlock:
			return nil, ErrSecretKey
		default:
			return nil, fmt.Errorf("armored %q block where a public key block was expected", b.Type)
		}
		body, err := decodeArmor(b, MaxKeyBytes)
		if err != nil {
			return nil, err
		}
		more, err := readBinaryKeys(body)
		if err != nil {
			return nil, err
		}
		ents = append(ents, more...)
	}
	return ents, nil
}

// readBinaryKeys reads every entity of a packet stream. Unlike go-crypto's
// ReadKeyRing, which skips keys it cannot read, any bad key is an error:
// a keyring offered for trust is taken whole or not at all.
func readBinaryKeys(data []byte) (ents []*openpgp.Entity, err error) {
	defer recoverParse(&err)
	packets := packet.NewReader(bytes.NewReader(data))
	for {
		e, err := openpgp.ReadEntity(packets)
		if errors.Is(err, io.EOF) {
			return ents, nil
		}
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", len(ents)+1, keyError(err))
		}
		if hasSecret(e) {
			return nil, ErrSecretKey
		}
		ents = append(ents, e)
	}
}

// recoverParse turns a panic in the OpenPGP parser into an error: hostile
// input must never crash a tool.
func recoverParse(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("malformed OpenPGP data (parser panic: %v)", r)
	}
}

// keyError makes the parser's errors read as a cause.
func keyError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated OpenPGP data")
	}
	var se pgperrors.StructuralError
	if errors.As(err, &se) {
		return fmt.Errorf("malformed OpenPGP data: %s", strings.TrimPrefix(se.Error(), "openpgp: invalid data: "))
	}
	return err
}

func hasSecret(e *openpgp.Entity) bool {
	if e.PrivateKey != nil {
		return true
	}
	for _, sk := range e.Subkeys {
		if sk.PrivateKey != nil {
			return true
		}
	}
	return false
}

// Fingerprint is the lowercase hex fingerprint of e's primary key: 40
// digits for a v4 key, 64 for a v6 key.
func Fingerprint(e *openpgp.Entity) string {
	return hex.EncodeToString(e.PrimaryKey.Fingerprint)
}

// UserIDs are e's user IDs, sorted.
func UserIDs(e *openpgp.Entity) []string {
	ids := make([]string, 0, len(e.Identities))
	for name := range e.Identities {
		ids = append(ids, name)
	}
	slices.Sort(ids)
	return ids
}

// CheckKey says whether e may be added to a trust store at time now: a
// public key only, not revoked, not expired, with a valid self-signature,
// and able to sign (its primary key, or a subkey flagged for signing, of a
// strength the policy accepts). A key that cannot sign could never verify
// an image, so trusting it is refused rather than warned about.
func CheckKey(e *openpgp.Entity, now time.Time) error {
	if hasSecret(e) {
		return ErrSecretKey
	}
	if _, err := e.VerifyPrimaryKey(now, nil); err != nil {
		switch {
		case errors.Is(err, pgperrors.ErrKeyRevoked):
			return errors.New("key is revoked")
		case errors.Is(err, pgperrors.ErrKeyExpired):
			return errors.New("key has expired")
		}
		return fmt.Errorf("key has no valid self-signature: %w", err)
	}
	if _, ok := e.SigningKey(now, nil); !ok {
		return errors.New("key cannot sign: neither the primary key nor a valid subkey is flagged for signing with an accepted algorithm")
	}
	return nil
}

// armoredKey is the public key of e in armor, as a key file holds it.
func armoredKey(e *openpgp.Entity) ([]byte, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, publicKeyBlock, nil)
	if err != nil {
		return nil, err
	}
	if err := e.Serialize(w); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
