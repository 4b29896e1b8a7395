package trust

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func fingerprints(t *testing.T, data []byte) []string {
	t.Helper()
	ents, err := ReadKeys(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ReadKeys: %v", err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, Fingerprint(e))
	}
	return out
}

func TestReadKeys(t *testing.T) {
	k := fixture(t)
	edA, rsaA := k.export(t, true, k.edF), k.export(t, true, k.rsaF)
	cases := []struct {
		name string
		data []byte
		want []string
	}{
		{"armored ed25519", edA, []string{k.edF}},
		{"binary rsa3072", k.export(t, false, k.rsaF), []string{k.rsaF}},
		{"two armored blocks", append(append([]byte{}, edA...), rsaA...), []string{k.edF, k.rsaF}},
		{"one block, two keys", k.export(t, true, k.edF, k.rsaF), []string{k.edF, k.rsaF}},
		{"binary keyring, two keys", k.export(t, false, k.edF, k.rsaF), []string{k.edF, k.rsaF}},
		{"text around and CRLF", append([]byte("my keys:\r\n"), bytes.ReplaceAll(edA, []byte("\n"), []byte("\r\n"))...), []string{k.edF}},
		{"signing subkey", k.export(t, true, k.subF), []string{k.subF}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fingerprints(t, c.data)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestReadKeysRefuses(t *testing.T) {
	k := fixture(t)
	edA := k.export(t, true, k.edF)
	noEnd, _, _ := bytes.Cut(edA, []byte("-----END"))
	sig := k.sign(t, k.edF, []byte("x"), "--armor")
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"armored secret key", k.exportSecret(t, k.edF, true), "secret key"},
		{"binary secret key", k.exportSecret(t, k.edF, false), "secret key"},
		{"secret after public", append(append([]byte{}, edA...), k.exportSecret(t, k.rsaF, true)...), "secret key"},
		{"no END line", noEnd, "no END line"},
		{"bad base64", bytes.Replace(edA, []byte("\n\n"), []byte("\n\n!!!!"), 1), "malformed armor"},
		{"signature block", sig, "PGP SIGNATURE"},
		{"text", []byte("hello\n"), "not an OpenPGP key"},
		{"empty", nil, "not an OpenPGP key"},
		{"truncated binary", k.export(t, false, k.edF)[:40], "OpenPGP"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadKeys(bytes.NewReader(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error with %q", err, c.want)
			}
			if c.want == "secret key" && !errors.Is(err, ErrSecretKey) {
				t.Fatalf("got %v, want ErrSecretKey", err)
			}
		})
	}
}

func TestCheckKey(t *testing.T) {
	k := fixture(t)
	cases := []struct {
		name, fpr, want string
	}{
		{"ed25519", k.edF, ""},
		{"rsa3072", k.rsaF, ""},
		{"certify-only primary with a signing subkey", k.subF, ""},
		{"no signing key", k.nosignF, "cannot sign"},
		{"expired", k.expF, "expired"},
		{"revoked", k.revF, "revoked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ents, err := ReadKeys(bytes.NewReader(k.export(t, true, c.fpr)))
			if err != nil {
				t.Fatal(err)
			}
			err = CheckKey(ents[0], time.Now())
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestNormalizeFingerprint(t *testing.T) {
	want := "0123456789abcdef0123456789abcdef01234567"
	for _, in := range []string{want, strings.ToUpper(want), "0x" + want, "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567"} {
		if got, err := NormalizeFingerprint(in); err != nil || got != want {
			t.Errorf("%q: got %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0123", want + "0", strings.Replace(want, "0", "g", 1), "../../etc/passwd"} {
		if _, err := NormalizeFingerprint(in); err == nil {
			t.Errorf("%q: accepted", in)
		}
	}
}
