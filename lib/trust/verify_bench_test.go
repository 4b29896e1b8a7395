package trust

import (
	"bytes"
	"crypto"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// BenchmarkVerifier streams 200 MB through a Verifier in 32 KiB writes, the
// size an HTTP body hands over, for each hash a signer might pick.
func BenchmarkVerifier(b *testing.B) {
	data := make([]byte, 200<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA512} {
		b.Run(h.String(), func(b *testing.B) {
			ring, sig := benchSignature(b, data, h)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for range b.N {
				v, err := NewKeyringVerifier(ring, sig)
				if err != nil {
					b.Fatal(err)
				}
				for off := 0; off < len(data); off += 32 << 10 {
					if _, err := v.Write(data[off:min(off+32<<10, len(data))]); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := v.Verify(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchSignature(b *testing.B, data []byte, h crypto.Hash) ([]*openpgp.Entity, []byte) {
	conf := &packet.Config{Algorithm: packet.PubKeyAlgoEd25519, DefaultHash: h}
	e, err := openpgp.NewEntity("Bench", "", "bench@example.com", conf)
	if err != nil {
		b.Fatal(err)
	}
	var sig bytes.Buffer
	if err := openpgp.DetachSign(&sig, []*openpgp.Entity{e}, bytes.NewReader(data), conf); err != nil {
		b.Fatal(err)
	}
	var pub bytes.Buffer
	if err := e.Serialize(&pub); err != nil {
		b.Fatal(err)
	}
	ents, err := ReadKeys(&pub)
	if err != nil {
		b.Fatal(err)
	}
	return ents, sig.Bytes()
}

// BenchmarkHashOnly is the floor: the same bytes through the hash alone.
func BenchmarkHashOnly(b *testing.B) {
	data := make([]byte, 200<<20)
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA512} {
		b.Run(h.String(), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for range b.N {
				d := h.New()
				for off := 0; off < len(data); off += 32 << 10 {
					d.Write(data[off:min(off+32<<10, len(data))])
				}
				d.Sum(nil)
			}
		})
	}
}
