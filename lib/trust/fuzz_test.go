package trust

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"
)

// FuzzReadKeys: no input panics the key reader, and what it accepts holds
// only public keys, each of which survives a write and a read back.
func FuzzReadKeys(f *testing.F) {
	f.Add([]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n"))
	f.Add([]byte{0x99, 0x00, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		ents, err := ReadKeys(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, e := range ents {
			if hasSecret(e) {
				t.Fatal("secret key accepted")
			}
			_ = CheckKey(e, time.Now())
			armored, err := armoredKey(e)
			if err != nil {
				continue
			}
			again, err := ReadKeys(bytes.NewReader(armored))
			if err == nil && Fingerprint(again[0]) != Fingerprint(e) {
				t.Fatalf("fingerprint changed in a round trip: %s, %s", Fingerprint(e), Fingerprint(again[0]))
			}
		}
	})
}

// FuzzSignature: no signature panics the parser, the issuer check or the
// verifier, and any failure is one of the package's two kinds. The keyring
// holds the keys that signed the seeds, so mutations reach the checks.
func FuzzSignature(f *testing.F) {
	keys, err := os.ReadFile("testdata/fuzz-signers.asc")
	if err != nil {
		f.Fatal(err)
	}
	ring, err := ReadKeys(bytes.NewReader(keys))
	if err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile("testdata/fuzz-data")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n"))
	f.Fuzz(func(t *testing.T, sig []byte) {
		d, err := parseSignature(sig)
		if err == nil {
			_ = checkIssuer(ring, d, "example.com")
		}
		_, err = Verify(ring, bytes.NewReader(data), sig)
		if err != nil && !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrUntrusted) {
			t.Fatalf("error of no kind: %v", err)
		}
	})
}

// TestFuzzSeeds keeps the seeds meaningful: the good signatures among them
// verify against the fuzz keyring, so mutations start from a pass.
func TestFuzzSeeds(t *testing.T) {
	keys, _ := os.ReadFile("testdata/fuzz-signers.asc")
	ring, err := ReadKeys(bytes.NewReader(keys))
	if err != nil || len(ring) != 3 {
		t.Fatalf("fuzz keyring: %d keys, %v", len(ring), err)
	}
	data, _ := os.ReadFile("testdata/fuzz-data")
	for _, name := range []string{"ed-armored", "ed-binary", "rsa-sha256", "subkey", "textmode", "two-sigs"} {
		sig, err := os.ReadFile("testdata/fuzz/FuzzSignature/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(ring, bytes.NewReader(data), corpusBytes(t, sig)); err != nil {
			t.Errorf("seed %s: %v", name, err)
		}
	}
}

// corpusBytes decodes a one-value corpus file: go test fuzz v1, []byte("...").
func corpusBytes(t *testing.T, file []byte) []byte {
	t.Helper()
	_, lit, ok := bytes.Cut(file, []byte("[]byte("))
	if !ok {
		t.Fatal("not a corpus file")
	}
	s, err := strconv.Unquote(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(lit), []byte(")")))))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(s)
}
