package appc

import (
	"encoding/json"
	"github.com/intermodal/intermodal/lib/testenv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const baseFields = `"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/app"`

// doc returns a valid manifest with extra top-level fields (each starting
// with a comma).
func doc(extra string) string {
	return "{" + baseFields + extra + "}"
}

// app returns a valid manifest whose app has extra fields.
func app(extra string) string {
	return doc(`,"app":{"user":"0","group":"0"` + extra + `}`)
}

// isolators returns a manifest whose app has the given isolators.
func isolators(list ...string) string {
	return app(`,"isolators":[` + strings.Join(list, ",") + `]`)
}

// iso returns one isolator object.
func iso(name, value string) string {
	return `{"name":"` + name + `","value":` + value + `}`
}

func labels(list string) string {
	return doc(`,"labels":` + list)
}

func mustParse(t *testing.T, data string) *ImageManifest {
	t.Helper()
	m, ps := ParseManifest([]byte(data))
	if len(ps) != 0 || m == nil {
		t.Fatalf("ParseManifest: want no problems, got:\n%s", ps)
	}
	return m
}

func TestParseManifestValid(t *testing.T) {
	full, err := os.ReadFile(filepath.Join("testdata", "full.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, in string }{
		{"minimal", doc("")},
		{"every field", string(full)},
		{"null optional fields", doc(`,"labels":null,"app":null,"annotations":null,"dependencies":null,"pathWhitelist":null`)},
		{"actool writes exec null", app(`,"exec":null`)},
		{"empty lists", app(`,"exec":[],"environment":[],"isolators":[]`)},
		{"bare command name", app(`,"exec":["sh","-c","true"]`)},
		{"prerelease and build version", strings.Replace(doc(""), "0.8.11", "0.8.11-rc.1+git.0a", 1)},
		{"older version", strings.Replace(doc(""), "0.8.11", "0.5.1", 1)},
		{"count zero means one", app(`,"ports":[{"name":"p","protocol":"tcp","port":65535,"count":0}]`)},
		{"freebsd arm", labels(`[{"name":"os","value":"freebsd"},{"name":"arch","value":"arm"}]`)},
		{"darwin x86_64", labels(`[{"name":"arch","value":"x86_64"},{"name":"os","value":"darwin"}]`)},
		{"whitespace around", " \n\t" + doc("") + "\r\n "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustParse(t, tt.in)
		})
	}
}

func TestParseManifestFields(t *testing.T) {
	full, err := os.ReadFile(filepath.Join("testdata", "full.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := mustParse(t, string(full))
	if v, ok := m.Labels.Get("arch"); !ok || v != "aarch64" {
		t.Errorf("Labels.Get(arch) = %q, %v", v, ok)
	}
	if _, ok := m.Labels.Get("missing"); ok {
		t.Error("Labels.Get(missing) found a label")
	}
	if v, _ := m.Annotations.Get(AnnotationSystemdNotify); v != "true" {
		t.Errorf("Annotations.Get = %q", v)
	}
	a := m.App
	if len(a.Isolators) != 12 || string(a.Isolators[0].Value) != `{"request":"0.25","limit":"2"}` {
		t.Errorf("isolators = %d, first value %s", len(a.Isolators), a.Isolators[0].Value)
	}
	if a.SupplementaryGIDs[1] != 4294967295 || a.Ports[1].Count != 536 || !a.MountPoints[1].ReadOnly {
		t.Errorf("app decoded wrongly: %+v", a)
	}
	if d := m.Dependencies[0]; d.Size != 18446744073709551615 || !ValidImageID(d.ImageID) {
		t.Errorf("dependency decoded wrongly: %+v", d)
	}
	if a.UserAnnotations["Any Key!"] != "ok" || a.UserLabels == nil {
		t.Errorf("user maps decoded wrongly: %v %v", a.UserAnnotations, a.UserLabels)
	}
}

// TestParseManifestSpecExamples reads the examples shipped with the appc
// spec. They are not all valid by the strict rules: image.json has the
// placeholder imageID "sha512-...", and the pod examples are PodManifests.
func TestParseManifestSpecExamples(t *testing.T) {
	dir := "/usr/share/doc/appc-spec/examples"
	want := map[string]string{
		"image.json":        "dependencies[0].imageID",
		"pod_runtime.json":  "acKind",
		"pod_template.json": "acKind",
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	testenv.Require(t, len(files) > 0, "no appc spec examples in "+dir+" (install the Debian appc-spec package)")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, ps := ParseManifest(data)
			field, known := want[filepath.Base(f)]
			if m == nil || (known && (len(ps.Errors()) == 0 || ps.Errors()[0].Field != field)) {
				t.Errorf("want first error at %q, got:\n%s", field, ps)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	m := &ImageManifest{ACKind: ImageManifestKind, ACVersion: ACVersion, Name: "example.com/x",
		App: &App{Exec: []string{"/bin/x"}, User: "0", Group: "0",
			Isolators: []Isolator{{Name: LinuxNoNewPrivileges, Value: json.RawMessage("true")}}}}
	if ps := m.Validate(); len(ps) != 0 {
		t.Fatalf("Validate: %s", ps)
	}
	m.App.Isolators = append(m.App.Isolators, Isolator{Name: LinuxCPUShares})
	m.App.WorkingDirectory = "rel"
	ps := m.Validate()
	if !hasProblem(ps, "app.isolators[1].value", "is required", false) ||
		!hasProblem(ps, "app.workingDirectory", "must be an absolute path", false) {
		t.Errorf("Validate: missing problems:\n%s", ps)
	}
	m.App.Isolators[0].Value = json.RawMessage("{bad")
	if ps := m.Validate(); !ps.HasErrors() || !strings.Contains(ps[0].Msg, "cannot encode") {
		t.Errorf("Validate of bad raw value: %s", ps)
	}
}

func hasProblem(ps Problems, field, msg string, warning bool) bool {
	for _, p := range ps {
		if p.Field == field && strings.Contains(p.Msg, msg) && p.Warning == warning {
			return true
		}
	}
	return false
}

func TestParseManifestNotAnObject(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"G17 invalid JSON", `{"acKind" "x"}`, "invalid JSON at byte 10"},
		{"G17 trailing garbage", doc("") + " x", "unexpected data after the JSON value at byte"},
		{"G17 two objects", doc("") + doc(""), "unexpected data after the JSON value"},
		{"G17 array", "[" + doc("") + "]", "must be a JSON object, not an array"},
		{"G17 string", `"ImageManifest"`, "must be a JSON object, not a string"},
		{"G17 null", `null`, "must be a JSON object, not null"},
		{"empty", "", "empty document"},
		{"blank", " \n", "empty document"},
		{"truncated", `{"acKind":`, "unexpected end of data"},
		{"bad literal", `{"acKind":tru}`, "invalid JSON"},
		{"too large", doc(`,"x":"` + strings.Repeat("a", MaxManifestSize) + `"`), "larger than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ps := ParseManifest([]byte(tt.in))
			if m != nil || !hasProblem(ps, "", tt.msg, false) {
				t.Errorf("want m == nil and an error %q, got m=%v:\n%s", tt.msg, m != nil, ps)
			}
		})
	}
}
