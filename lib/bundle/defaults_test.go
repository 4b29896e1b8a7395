package bundle

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/intermodal/intermodal/lib/testenv"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// runcSpec is what the installed runc writes for `runc spec [--rootless]`.
func runcSpec(t *testing.T, rootless bool) *specs.Spec {
	t.Helper()
	runc := testenv.LookPath(t, "runc")
	dir := t.TempDir()
	args := []string{"spec", "--bundle", dir}
	if rootless {
		args = append(args, "--rootless")
	}
	if out, err := exec.Command(runc, args...).CombinedOutput(); err != nil {
		t.Fatalf("runc spec: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	must(t, err)
	var s specs.Spec
	must(t, json.Unmarshal(b, &s))
	return &s
}

// The platform part of our configs is runc's: mounts, namespaces, masked
// and read-only paths, device rules, rlimits, and for --rootless the user
// namespace and its mappings. Only the process (from the image), the
// hostname and root.readonly differ, on purpose.
func TestDefaultsAreRuncSpec(t *testing.T) {
	for _, rootless := range []bool{false, true} {
		want := runcSpec(t, rootless)
		got, _, err := translate(t, `{"exec":["/bin/app"],"user":"0","group":"0"}`,
			AppOptions{Rootless: rootless, HostUID: uint32(os.Geteuid()), HostGID: uint32(os.Getegid())})
		must(t, err)
		for name, pair := range map[string][2]any{
			"mounts":        {got.Mounts, want.Mounts},
			"namespaces":    {got.Linux.Namespaces, want.Linux.Namespaces},
			"maskedPaths":   {got.Linux.MaskedPaths, want.Linux.MaskedPaths},
			"readonlyPaths": {got.Linux.ReadonlyPaths, want.Linux.ReadonlyPaths},
			"resources":     {got.Linux.Resources, want.Linux.Resources},
			"uidMappings":   {got.Linux.UIDMappings, want.Linux.UIDMappings},
			"gidMappings":   {got.Linux.GIDMappings, want.Linux.GIDMappings},
			"rlimits":       {got.Process.Rlimits, want.Process.Rlimits},
			"root.path":     {got.Root.Path, want.Root.Path},
		} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				g, _ := json.Marshal(pair[0])
				w, _ := json.Marshal(pair[1])
				t.Errorf("rootless=%v: %s differs from runc spec:\n got %s\nwant %s", rootless, name, g, w)
			}
		}
	}
}
