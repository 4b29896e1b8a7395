package trust

import (
	"bytes"
	"crypto"
	"errors"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

var image = bytes.Repeat([]byte("an image's bytes, as published\n"), 5000)

func tampered() []byte {
	b := append([]byte{}, image...)
	b[len(b)/2] ^= 1
	return b
}

func TestVerify(t *testing.T) {
	k := fixture(t)
	ring := entities(t, k.export(t, false, k.edF, k.rsaF, k.subF))
	cases := []struct {
		name, signer, primary string
		opts                  []string
	}{
		{"ed25519 armored", k.edF, k.edF, []string{"--armor"}},
		{"ed25519 binary", k.edF, k.edF, nil},
		{"rsa3072 armored", k.rsaF, k.rsaF, []string{"--armor"}},
		{"rsa3072 sha256", k.rsaF, k.rsaF, []string{"--digest-algo", "SHA256"}},
		{"signing subkey", k.subF, k.subF, []string{"--armor"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sig := k.sign(t, c.signer, image, c.opts...)
			signer, err := Verify(ring, bytes.NewReader(image), sig)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if signer.Fingerprint != c.primary || len(signer.UserIDs) != 1 {
				t.Errorf("signer %+v, want %s", signer, c.primary)
			}
			if _, err := Verify(ring, bytes.NewReader(tampered()), sig); !errors.Is(err, ErrBadSignature) {
				t.Errorf("tampered data: got %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	k := fixture(t)
	ring := entities(t, k.export(t, false, k.edF, k.rsaF))
	sig := k.sign(t, k.edF, image, "--armor")
	cases := []struct {
		name  string
		ring  []*openpgp.Entity
		sig   []byte
		is    error
		inMsg string
	}{
		{"untrusted key", ring, k.sign(t, k.otherF, image, "--armor"), ErrUntrusted, k.otherF},
		{"SHA-1", ring, k.sign(t, k.rsaF, image, "--armor", "--digest-algo", "SHA1"), ErrBadSignature, "SHA-1"},
		{"empty keyring", nil, sig, ErrUntrusted, ""},
		{"garbage", ring, []byte("not a signature"), ErrBadSignature, "not an OpenPGP signature"},
		{"key block", ring, k.export(t, true, k.edF), ErrBadSignature, "PGP SIGNATURE"},
		{"truncated", ring, sig[:len(sig)/2], ErrBadSignature, "no END line"},
		{"two blocks", ring, append(append([]byte{}, sig...), sig...), ErrBadSignature, "one armored"},
		{"key packets", ring, k.export(t, false, k.edF), ErrBadSignature, "packet in a detached signature"},
		{"empty", ring, nil, ErrBadSignature, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(c.ring, bytes.NewReader(image), c.sig)
			if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.inMsg) {
				t.Fatalf("got %v, want %v with %q", err, c.is, c.inMsg)
			}
		})
	}
}

func TestCheckIssuer(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	mustAdd(t, s, "example.com", k.export(t, true, k.edF))
	mustAdd(t, s, "example.com/sub", k.export(t, true, k.subF))
	for _, c := range []struct {
		name, signer string
		opts         []string
	}{{"example.com/app", k.edF, []string{"--armor"}}, {"example.com/app", k.edF, nil}, {"example.com/sub/x", k.subF, nil}} {
		if err := s.CheckIssuer(c.name, k.sign(t, c.signer, image, c.opts...)); err != nil {
			t.Errorf("%s signed by %s: %v", c.name, c.signer, err)
		}
	}
	err := s.CheckIssuer("example.com/app", k.sign(t, k.subF, image))
	if !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "aci-trust add --prefix example.com/app") {
		t.Errorf("key of another prefix: %v", err)
	}
	if err := s.CheckIssuer("example.org", k.sign(t, k.edF, image)); !errors.Is(err, ErrUntrusted) {
		t.Errorf("other name: %v", err)
	}
	if err := s.CheckIssuer("example.com", []byte("junk")); !errors.Is(err, ErrBadSignature) {
		t.Errorf("junk signature: %v", err)
	}
}

func TestVerifier(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	mustAdd(t, s, "example.com", k.export(t, true, k.edF, k.subF))
	run := func(data, sig []byte) (*Signer, error) {
		v, err := s.NewVerifier("example.com/app", sig)
		if err != nil {
			return nil, err
		}
		for off := 0; off < len(data); off += 1000 {
			if _, err := v.Write(data[off:min(off+1000, len(data))]); err != nil {
				t.Fatalf("Write: %v", err)
			}
		}
		return v.Verify()
	}
	sig := k.sign(t, k.subF, image)
	signer, err := run(image, sig)
	if err != nil || signer.Fingerprint != k.subF {
		t.Fatalf("good data: %+v, %v", signer, err)
	}
	if _, err := run(tampered(), sig); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered: %v", err)
	}
	if _, err := run(image[:len(image)-1], sig); !errors.Is(err, ErrBadSignature) {
		t.Errorf("truncated data: %v", err)
	}
	if _, err := s.NewVerifier("example.com/app", k.sign(t, k.rsaF, image)); !errors.Is(err, ErrUntrusted) {
		t.Errorf("untrusted key: %v", err)
	}
	mustAdd(t, s, "example.com", k.export(t, true, k.rsaF))
	sha1 := k.sign(t, k.rsaF, image, "--digest-algo", "SHA1")
	if _, err := s.NewVerifier("example.com/app", sha1); !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "SHA-1") {
		t.Errorf("SHA-1 must be refused before any data: %v", err)
	}
	if err := s.CheckIssuer("example.com/app", sha1); !errors.Is(err, ErrBadSignature) {
		t.Errorf("CheckIssuer of a SHA-1 signature: %v", err)
	}
}

func TestVerifierAbort(t *testing.T) {
	k := fixture(t)
	s := newStore(t)
	mustAdd(t, s, "", k.export(t, true, k.edF))
	v, err := s.NewVerifier("example.com", k.sign(t, k.edF, image))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Write(image[:100]); err != nil {
		t.Fatal(err)
	}
	v.Abort()
	v.Abort()
	if _, err := v.Write(image[:100]); err == nil {
		t.Error("Write after Abort succeeded")
	}
	if _, err := v.Verify(); err == nil {
		t.Error("Verify after Abort succeeded")
	}
}

func TestKeyringVerifier(t *testing.T) {
	k := fixture(t)
	ring := entities(t, k.export(t, false, k.rsaF))
	v, err := NewKeyringVerifier(ring, k.sign(t, k.rsaF, image))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Write(image); err != nil {
		t.Fatal(err)
	}
	if signer, err := v.Verify(); err != nil || signer.Fingerprint != k.rsaF {
		t.Errorf("Verify: %+v, %v", signer, err)
	}
	if _, err := v.Write(image); err == nil {
		t.Error("Write after Verify succeeded")
	}
}

// TestV6Key covers v6 keys (64-digit fingerprints), which gpg 2.2 cannot
// make; go-crypto can.
func TestV6Key(t *testing.T) {
	e, err := openpgp.NewEntity("V6", "", "v6@example.com", &packet.Config{V6Keys: true, Algorithm: packet.PubKeyAlgoEd25519})
	if err != nil {
		t.Fatal(err)
	}
	var pub bytes.Buffer
	if err := e.Serialize(&pub); err != nil {
		t.Fatal(err)
	}
	s := newStore(t)
	keys := mustAdd(t, s, "example.com", pub.Bytes())
	if len(keys[0].Fingerprint) != 64 || !strings.HasSuffix(keys[0].Path, keys[0].Fingerprint) {
		t.Fatalf("v6 key: %+v", keys[0])
	}
	var sig bytes.Buffer
	if err := openpgp.DetachSign(&sig, []*openpgp.Entity{e}, bytes.NewReader(image), &packet.Config{DefaultHash: crypto.SHA512}); err != nil {
		t.Fatal(err)
	}
	v, err := s.NewVerifier("example.com/app", sig.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	v.Write(image)
	if signer, err := v.Verify(); err != nil || signer.Fingerprint != keys[0].Fingerprint {
		t.Errorf("v6 signature: %+v, %v", signer, err)
	}
}
