package bundle

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/appc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The image's passwd and group files are hostile input (appc G37).
func FuzzAccounts(f *testing.F) {
	f.Add([]byte(passwd), "app", true)
	f.Add([]byte(group), "staff", false)
	f.Add([]byte("a:b:c:d:e:f:g\n\n#\n+\n-:x\n"), "a", true)
	f.Fuzz(func(t *testing.T, data []byte, name string, user bool) {
		a, err := scanAccounts(data, user, lookup{name: name})
		if err == nil && a != nil && a.name != name {
			t.Fatalf("asked for %q, got %q", name, a.name)
		}
		if id, ok := parseID(name); ok {
			if a, err := scanAccounts(data, user, lookup{id: id, byID: true}); err == nil && a != nil && a.id != id {
				t.Fatalf("asked for id %d, got %d", id, a.id)
			}
		}
	})
}

func FuzzParseVolume(f *testing.F) {
	for _, s := range []string{"data:/srv", "data:/srv:ro", "x::ro", ":", "a-b:c:d:ro"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVolume(s)
		if err != nil {
			return
		}
		if !appc.ValidName(v.Name) || v.Source == "" {
			t.Fatalf("%q gave %+v", s, v)
		}
		back := v.Name + ":" + v.Source
		if v.ReadOnly {
			back += ":ro"
		}
		if back != s {
			t.Fatalf("%q gave %+v, which reads back as %q", s, v, back)
		}
	})
}

// The front of a decompressed image is peeked at before anything checks it.
func FuzzFrontManifest(f *testing.F) {
	f.Add(tarLast(&testing.T{}, "{}", nil))
	f.Add([]byte(strings.Repeat("\x00", 1024)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m := frontManifest(data); len(m) > appc.MaxManifestSize {
			t.Fatalf("a manifest of %d bytes", len(m))
		}
	})
}

// tar-split metadata is recorded from the raw, unchecked stream.
func FuzzTarSplit(f *testing.F) {
	f.Add(tarLast(&testing.T{}, `{"acKind":"ImageManifest"}`, map[string]string{"a": "b"}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		recordTarSplit(bytes.NewReader(data), &out) //nolint:errcheck // only panics matter
	})
}

// Isolator values reach the translation already validated, but it must
// not trust that: any name and value is applied or reported, never a panic.
func FuzzIsolators(f *testing.F) {
	f.Add("resource/cpu", `{"request":"250m","limit":"1"}`)
	f.Add("resource/memory", `{"limit":"1G"}`)
	f.Add("os/linux/seccomp-retain-set", `{"set":["read","@appc.io/all"],"errno":"EPERM"}`)
	f.Add("os/linux/capabilities-remove-set", `{"set":["CAP_CHOWN"]}`)
	f.Add("os/unix/sysctl", `{"net.a":"1","kernel.b":"2"}`)
	f.Add("os/linux/oom-score-adj", `-1001`)
	f.Fuzz(func(t *testing.T, name, value string) {
		if !json.Valid([]byte(value)) {
			return
		}
		s := &specs.Spec{Process: &specs.Process{}, Linux: &specs.Linux{}}
		x := &isolators{spec: s, notes: &notes{warn: func(string) {}}}
		x.apply([]appc.Isolator{{Name: name, Value: json.RawMessage(value)}, {Name: name, Value: json.RawMessage(value)}})
		if _, err := MarshalConfig(s); err != nil {
			t.Fatal(err)
		}
	})
}
