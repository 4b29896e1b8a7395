package discovery

import (
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/appc"
)

func TestParseApp(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]string // nil: an error is expected
		wantErr string
	}{
		{in: "example.com/app", want: map[string]string{}},
		{in: "example.com/app:1.0.0", want: map[string]string{"version": "1.0.0"}},
		{in: "example.com/app:1.0.0+git.3,channel=alpha,os=linux,arch=aarch64", want: map[string]string{"version": "1.0.0+git.3", "channel": "alpha", "os": "linux", "arch": "aarch64"}},
		{in: "example.com/app,version=2", want: map[string]string{"version": "2"}},
		{in: "example.com/app,url=a:b/c", want: map[string]string{"url": "a:b/c"}},
		{in: "a:b:c", wantErr: "only one ':'"},
		{in: ":1", wantErr: "no image name"},
		{in: ",x=1", wantErr: "no image name"},
		{in: "", wantErr: "no image name"},
		{in: "name,=x", wantErr: `label "=x" has no name`},
		{in: "name,version=1:2", wantErr: ""}, // a ':' inside a label value is only a value
		{in: "name:2,version=1", wantErr: "version given twice"},
		{in: "name,a=1,a=2", wantErr: `label "a" given twice`},
		{in: "Example.com/app", wantErr: `image name "Example.com/app" is not an AC Identifier`},
		{in: "example.com/app,OS=linux", wantErr: `label name "OS" is not an AC Identifier`},
		{in: "example.com/app,os=Linux", wantErr: `unknown os "Linux"`},
		{in: "example.com/app,os=linux,arch=arm64", wantErr: `appc calls it "aarch64"`},
		{in: "example.com/app,arch=386", wantErr: `unknown arch "386" (that is Go's name; appc calls it "i386")`},
		{in: "example.com/app,name=x", wantErr: `"name" cannot be a label`},
		{in: "example.com/app:", wantErr: `version "": empty`},
		{in: "example.com/app,", wantErr: "empty label"},
		{in: "example.com/app,,a=b", wantErr: "empty label"},
		{in: "example.com/app,channel", wantErr: `label "channel" has no =VALUE`},
		{in: "example.com/app,channel=", wantErr: "empty"},
		{in: "example.com/app,channel=a b", wantErr: "whitespace"},
		{in: "example.com/app,channel={os}", wantErr: `'{' is not allowed`},
		{in: "example.com/app,channel=a=b", wantErr: `'=' is not allowed`},
		{in: "example.com/app,channel=a?b", wantErr: `'?' is not allowed`},
		{in: "example.com/app,channel=é", wantErr: "only ASCII"},
		{in: "example.com/app:1#frag", wantErr: `'#' is not allowed`},
		{in: "example.com//app", wantErr: "not an AC Identifier"},
		{in: "example.com/app/", wantErr: "not an AC Identifier"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a, err := ParseApp(tt.in)
			if tt.want == nil && tt.wantErr == "" { // accepted, no expectation on labels
				if err != nil {
					t.Fatalf("ParseApp(%q): %v", tt.in, err)
				}
				return
			}
			if tt.want == nil {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalidApp) {
					t.Fatalf("ParseApp(%q) = %v, %v; want an ErrInvalidApp containing %q", tt.in, a, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.in) {
					t.Errorf("error %q does not name the input", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseApp(%q): %v", tt.in, err)
			}
			name, _, _ := strings.Cut(strings.SplitN(tt.in, ",", 2)[0], ":")
			if a.Name != name || !reflect.DeepEqual(a.Labels, tt.want) {
				t.Errorf("ParseApp(%q) = %q %v, want %q %v", tt.in, a.Name, a.Labels, name, tt.want)
			}
		})
	}
}

func TestAppString(t *testing.T) {
	for in, want := range map[string]string{
		"example.com/app":                         "example.com/app",
		"example.com/app,version=1":               "example.com/app:1",
		"example.com/app,os=linux,channel=a,b2=x": "example.com/app,b2=x,channel=a,os=linux",
		"example.com/app:2,arch=amd64,os=linux":   "example.com/app:2,arch=amd64,os=linux",
	} {
		a, err := ParseApp(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.String(); got != want {
			t.Errorf("%q: String() = %q, want %q", in, got, want)
		}
		back, err := ParseApp(a.String())
		if err != nil || !reflect.DeepEqual(back, a) {
			t.Errorf("%q: String() does not parse back: %v %v", in, back, err)
		}
	}
}

func TestWithDefaults(t *testing.T) {
	os, arch, err := appc.AppcOSArch(runtime.GOOS, runtime.GOARCH, goarm())
	if err != nil {
		t.Skipf("appc has no name for this platform: %v", err)
	}
	a, _ := ParseApp("example.com/app")
	d := a.WithDefaults()
	want := map[string]string{"version": "latest", "os": os, "arch": arch}
	if !reflect.DeepEqual(d.Labels, want) {
		t.Errorf("WithDefaults = %v, want %v", d.Labels, want)
	}
	if len(a.Labels) != 0 {
		t.Errorf("WithDefaults changed its receiver: %v", a.Labels)
	}
	for _, goName := range []string{"arm64", "386", "x86_64"} {
		if d.Labels["arch"] == goName && runtime.GOOS == "linux" {
			t.Errorf("default arch is Go's name %q", goName)
		}
	}
	a, _ = ParseApp("example.com/app:1,arch=s390x,channel=beta")
	d = a.WithDefaults()
	if d.Labels["version"] != "1" || d.Labels["arch"] != "s390x" || d.Labels["channel"] != "beta" || d.Labels["os"] != os {
		t.Errorf("WithDefaults overrode given labels: %v", d.Labels)
	}
}

func TestWithDefaultsDarwinArch(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the darwin arch name differs only on amd64")
	}
	a, _ := ParseApp("example.com/app,os=darwin")
	if got := a.WithDefaults().Labels["arch"]; got != "x86_64" {
		t.Errorf("os=darwin on amd64: arch %q, want x86_64", got)
	}
}
