package appc

import (
	"encoding/json"
	"testing"
)

// FuzzParseManifest checks that ParseManifest never panics, that a nil
// manifest always comes with an error, and that a manifest without errors
// survives a round trip through Validate.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(doc("")))
	f.Add([]byte(isolators(iso(ResourceMemory, `{"request":"1.5Gi","limit":"2e9"}`))))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, ps := ParseManifest(data)
		if m == nil {
			if !ps.HasErrors() {
				t.Fatalf("nil manifest without an error: %v", ps)
			}
			return
		}
		for _, p := range ps {
			if p.Msg == "" {
				t.Fatalf("problem without a message: %+v", p)
			}
		}
		if ps.HasErrors() {
			return
		}
		checkRoundTrip(t, m)
	})
}

// checkRoundTrip encodes a valid manifest and parses it again: what we
// accept and then write must still be accepted.
func checkRoundTrip(t *testing.T, m *ImageManifest) {
	t.Helper()
	if ps := m.Validate(); ps.HasErrors() {
		data, _ := json.Marshal(m)
		t.Fatalf("valid manifest is invalid after encoding:\n%s\n%s", data, ps)
	}
}
