package trust

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// MaxSignatureBytes bounds a detached signature: one is a few hundred
// bytes, a file of many a few kilobytes.
const MaxSignatureBytes = 1 << 20

const signatureBlock = "PGP SIGNATURE"

// policy is go-crypto's default: no SHA-1 or weaker message hashes, RSA of
// 2048 bits at least. The verifier applies it too; checking the hash here
// refuses such a signature before its image is downloaded.
var policy *packet.Config

// detached is a parsed detached signature: its packets and their binary
// encoding, which the verifier reads again.
type detached struct {
	sigs []*packet.Signature
	raw  []byte
}

// parseSignature reads a detached signature, armored or binary. Anything
// but signature packets over binary or text data is malformed.
func parseSignature(sig []byte) (*detached, error) {
	d, err := parseSignatureData(sig)
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %w", ErrBadSignature, err)
	}
	return d, nil
}

func parseSignatureData(sig []byte) (*detached, error) {
	if len(sig) > MaxSignatureBytes {
		return nil, fmt.Errorf("larger than %d bytes", MaxSignatureBytes)
	}
	raw, err := signatureBinary(sig)
	if err != nil {
		return nil, err
	}
	sigs, err := signaturePackets(raw)
	if err != nil {
		return nil, err
	}
	return &detached{sigs: sigs, raw: raw}, nil
}

// signatureBinary returns the packets of an armored signature, or a binary
// one as it is.
func signatureBinary(sig []byte) ([]byte, error) {
	if !isArmored(sig) {
		if len(sig) == 0 || sig[0]&0x80 == 0 {
			return nil, errors.New("not an OpenPGP signature (neither armored nor binary)")
		}
		return sig, nil
	}
	blocks, err := splitArmor(sig)
	if err != nil {
		return nil, err
	}
	if len(blocks) != 1 || blocks[0].Type != signatureBlock {
		return nil, fmt.Errorf("want one armored %q block", signatureBlock)
	}
	return decodeArmor(blocks[0], MaxSignatureBytes)
}

func signaturePackets(raw []byte) (sigs []*packet.Signature, err error) {
	defer recoverParse(&err)
	r := bytes.NewReader(raw)
	for r.Len() > 0 {
		p, err := packet.Read(r)
		if err != nil {
			return nil, keyError(err)
		}
		s, ok := p.(*packet.Signature)
		if !ok {
			return nil, fmt.Errorf("%T packet in a detached signature", p)
		}
		if s.SigType != packet.SigTypeBinary && s.SigType != packet.SigTypeText {
			return nil, fmt.Errorf("signature of type %#x is not a signature over data", uint8(s.SigType))
		}
		if policy.RejectMessageHashAlgorithm(s.Hash) {
			return nil, fmt.Errorf("insecure message hash algorithm: %s", s.Hash)
		}
		if s.IssuerKeyId == nil && len(s.IssuerFingerprint) == 0 {
			return nil, errors.New("signature names no issuer key")
		}
		sigs = append(sigs, s)
	}
	if len(sigs) == 0 {
		return nil, errors.New("no signature packets")
	}
	return sigs, nil
}

// issuer is the key a signature packet names, as hex: the fingerprint
// when the packet carries one, else the 16-digit key ID.
func issuer(s *packet.Signature) string {
	if len(s.IssuerFingerprint) > 0 {
		return hex.EncodeToString(s.IssuerFingerprint)
	}
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], *s.IssuerKeyId)
	return hex.EncodeToString(id[:])
}

// signedBy reports whether e holds the key (primary or subkey) that made s.
func signedBy(e *openpgp.Entity, s *packet.Signature) bool {
	match := func(pk *packet.PublicKey) bool {
		if len(s.IssuerFingerprint) > 0 {
			return bytes.Equal(pk.Fingerprint, s.IssuerFingerprint)
		}
		return pk.KeyId == *s.IssuerKeyId
	}
	if match(e.PrimaryKey) {
		return true
	}
	for _, sk := range e.Subkeys {
		if match(sk.PublicKey) {
			return true
		}
	}
	return false
}

// checkIssuer succeeds when one of the signatures names a key of ring.
func checkIssuer(ring []*openpgp.Entity, d *detached, name string) error {
	for _, s := range d.sigs {
		for _, e := range ring {
			if signedBy(e, s) {
				return nil
			}
		}
	}
	return untrusted(issuer(d.sigs[0]), name)
}

func untrusted(key, name string) error {
	return fmt.Errorf("%w for %s: key %s (if you trust it, run: aci-trust add --prefix %s KEYFILE|URL, or with no key to discover it)",
		ErrUntrusted, name, key, name)
}

// CheckIssuer is the check before a download: it parses sig (armored or
// binary) and fails with ErrUntrusted unless it was made by a key trusted
// for name (Keyring). It proves nothing about the data; Verifier does.
func (s *Store) CheckIssuer(name string, sig []byte) error {
	d, err := parseSignature(sig)
	if err != nil {
		return err
	}
	ring, err := s.Keyring(name)
	if err != nil {
		return err
	}
	return checkIssuer(ring, d, name)
}
