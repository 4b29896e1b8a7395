package discovery

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/intermodal/intermodal/lib/appc"
)

// ErrInvalidApp is wrapped by every error of ParseApp.
var ErrInvalidApp = errors.New("invalid app")

// DefaultVersion is the version asked for when none is given. The appc
// reference code uses it although the spec text never says so.
const DefaultVersion = "latest"

// App is an image name and the labels discovery renders templates with.
// Labels never contains "name": the name has its own field.
type App struct {
	Name   string
	Labels map[string]string
}

// ParseApp reads "name[:version][,label=value...]". The name must be an AC
// Identifier, label names too (and not "name"); ":version" may only follow
// the name directly and conflicts with a version label. Label values are
// taken as written, so they may not hold what would change the shape of a
// rendered URL: whitespace, control characters, and , = { } ? # %.
func ParseApp(s string) (App, error) {
	head, rest, hasLabels := strings.Cut(s, ",")
	name, version, hasVersion := strings.Cut(head, ":")
	bad := func(format string, args ...any) (App, error) {
		return App{}, fmt.Errorf("%w %q: %s", ErrInvalidApp, s, fmt.Sprintf(format, args...))
	}
	switch {
	case name == "":
		return bad("no image name before ':' or ','")
	case !appc.ValidIdentifier(name):
		return bad("image name %q %s", name, identifierRule)
	case hasVersion && strings.Contains(version, ":"):
		return bad("only one ':' is allowed, between the name and the version")
	}
	a := App{Name: name, Labels: map[string]string{}}
	if hasVersion {
		if err := checkLabelValue(version); err != nil {
			return bad("version %q: %v", version, err)
		}
		a.Labels["version"] = version
	}
	if !hasLabels {
		return a, nil
	}
	for _, part := range strings.Split(rest, ",") {
		if err := a.addLabel(part, hasVersion); err != nil {
			return bad("%v", err)
		}
	}
	if err := checkOSArch(a.Labels); err != nil {
		return bad("%v", err)
	}
	return a, nil
}

const identifierRule = "is not an AC Identifier (lowercase letters and digits, separated by single -._~/)"

// addLabel adds one "label=value" part.
func (a App) addLabel(part string, hasVersion bool) error {
	k, v, ok := strings.Cut(part, "=")
	switch _, dup := a.Labels[k]; {
	case part == "":
		return errors.New("empty label (two commas, or a trailing one)")
	case !ok:
		return fmt.Errorf("label %q has no =VALUE", part)
	case k == "":
		return fmt.Errorf("label %q has no name", part)
	case !appc.ValidIdentifier(k):
		return fmt.Errorf("label name %q %s", k, identifierRule)
	case k == "name":
		return errors.New(`"name" cannot be a label: it is the image name`)
	case k == "version" && hasVersion:
		return errors.New("version given twice, as :VERSION and as version=")
	case dup:
		return fmt.Errorf("label %q given twice", k)
	}
	if err := checkLabelValue(v); err != nil {
		return fmt.Errorf("label %s value %q: %w", k, v, err)
	}
	a.Labels[k] = v
	return nil
}

// checkLabelValue refuses values that would change a rendered URL's
// structure or could not be written back in the name[:version][,k=v] form.
func checkLabelValue(v string) error {
	if v == "" {
		return errors.New("empty")
	}
	for _, r := range v {
		switch {
		case r <= ' ' || r == 0x7f:
			return errors.New("whitespace and control characters are not allowed")
		case r >= 0x80:
			return errors.New("only ASCII is allowed")
		case strings.ContainsRune(",={}?#%", r):
			return fmt.Errorf("%q is not allowed", r)
		}
	}
	return nil
}

// checkOSArch refuses os and arch values that no appc image can carry,
// naming the appc spelling of a Go architecture name.
func checkOSArch(labels map[string]string) error {
	os, hasOS := labels["os"]
	arch, hasArch := labels["arch"]
	switch {
	case hasOS && !appc.ValidOS(os):
		return fmt.Errorf("unknown os %q (appc knows linux, freebsd and darwin)", os)
	case hasOS && hasArch && !appc.ValidOSArch(os, arch):
		return fmt.Errorf("unsupported arch %q for os %q%s", arch, os, appcArchHint(os, arch))
	case !hasOS && hasArch && !knownArch(arch):
		return fmt.Errorf("unknown arch %q%s", arch, appcArchHint("linux", arch))
	}
	return nil
}

// knownArch reports whether some appc os has arch.
func knownArch(arch string) bool {
	for _, os := range []string{"linux", "freebsd", "darwin"} {
		if appc.ValidOSArch(os, arch) {
			return true
		}
	}
	return false
}

func appcArchHint(os, goarch string) string {
	if _, arch, err := appc.AppcOSArch(os, goarch, ""); err == nil {
		return fmt.Sprintf(" (that is Go's name; appc calls it %q)", arch)
	}
	return ""
}

// WithDefaults returns a copy of a with version "latest" and this
// machine's os and arch, in appc's names (amd64, aarch64, i386, armv7l),
// wherever they are missing. A given os keeps its arch default consistent:
// darwin on amd64 is x86_64.
func (a App) WithDefaults() App {
	out := App{Name: a.Name, Labels: make(map[string]string, len(a.Labels)+3)}
	for k, v := range a.Labels {
		out.Labels[k] = v
	}
	if _, ok := out.Labels["version"]; !ok {
		out.Labels["version"] = DefaultVersion
	}
	goos := runtime.GOOS
	if os, ok := out.Labels["os"]; ok {
		goos = os
	}
	os, arch, err := appc.AppcOSArch(goos, runtime.GOARCH, goarm())
	if err != nil {
		return out
	}
	if _, ok := out.Labels["os"]; !ok {
		out.Labels["os"] = os
	}
	if _, ok := out.Labels["arch"]; !ok {
		out.Labels["arch"] = arch
	}
	return out
}

// goarm is the GOARM this binary was built for, which decides between
// armv6l and armv7l; empty elsewhere.
func goarm() string {
	if runtime.GOARCH != "arm" {
		return ""
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GOARM" {
				return s.Value
			}
		}
	}
	return ""
}

// String gives the canonical form name[:version][,label=value...], other
// labels sorted by name, which ParseApp reads back.
func (a App) String() string {
	var b strings.Builder
	b.WriteString(a.Name)
	if v, ok := a.Labels["version"]; ok {
		b.WriteString(":" + v)
	}
	for _, k := range sortedKeys(a.Labels) {
		if k != "version" {
			b.WriteString("," + k + "=" + a.Labels[k])
		}
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
