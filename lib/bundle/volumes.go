package bundle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/intermodal/intermodal/lib/appc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ErrVolume is wrapped by every problem with volumes and mount points.
var ErrVolume = errors.New("volume")

// Volume is a host directory or file given for one of the app's
// mountPoints, by name (--volume NAME:HOSTPATH[:ro]).
type Volume struct {
	Name     string
	Source   string // host path
	ReadOnly bool
}

// ParseVolume reads NAME:HOSTPATH[:ro]. HOSTPATH may itself hold colons;
// only a last ":ro" is taken as the flag.
func ParseVolume(s string) (Volume, error) {
	name, src, ok := strings.Cut(s, ":")
	if !ok || src == "" {
		return Volume{}, fmt.Errorf("%w %q: want NAME:HOSTPATH[:ro]", ErrVolume, s)
	}
	if !appc.ValidName(name) {
		return Volume{}, fmt.Errorf("%w %q: %q is not a mount point name (lowercase letters, digits and single dashes)", ErrVolume, s, name)
	}
	v := Volume{Name: name, Source: src}
	if rest, ro := strings.CutSuffix(src, ":ro"); ro && rest != "" {
		v.Source, v.ReadOnly = rest, true
	}
	return v, nil
}

// volumeMounts binds each of the app's mountPoints to its volume (appc
// ACE-FS4). Every mountPoint needs a volume and every volume a mountPoint;
// two mountPoints on one path are an error. The host path must exist; it
// is written with its symlinks resolved, so a link swapped later cannot
// redirect the mount.
func volumeMounts(mps []appc.MountPoint, vols []Volume) ([]specs.Mount, error) {
	byName, err := indexVolumes(vols, mps)
	if err != nil {
		return nil, err
	}
	var out []specs.Mount
	paths := map[string]string{}
	for _, mp := range mps {
		if other, dup := paths[mp.Path]; dup {
			return nil, fmt.Errorf("%w: mountPoints %s and %s both mount on %s", ErrVolume, other, mp.Name, mp.Path)
		}
		paths[mp.Path] = mp.Name
		v, ok := byName[mp.Name]
		if !ok {
			return nil, fmt.Errorf("%w: mountPoint %s (%s) has no volume: give --volume %s:HOSTPATH", ErrVolume, mp.Name, mp.Path, mp.Name)
		}
		m, err := bindMount(mp, v)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func indexVolumes(vols []Volume, mps []appc.MountPoint) (map[string]Volume, error) {
	known := map[string]bool{}
	for _, mp := range mps {
		known[mp.Name] = true
	}
	byName := map[string]Volume{}
	for _, v := range vols {
		if _, dup := byName[v.Name]; dup {
			return nil, fmt.Errorf("%w %s: given twice", ErrVolume, v.Name)
		}
		if !known[v.Name] {
			return nil, fmt.Errorf("%w %s: the image has no mountPoint of that name%s", ErrVolume, v.Name, mountPointList(mps))
		}
		byName[v.Name] = v
	}
	return byName, nil
}

func mountPointList(mps []appc.MountPoint) string {
	if len(mps) == 0 {
		return " (it has none)"
	}
	names := make([]string, len(mps))
	for i, mp := range mps {
		names[i] = mp.Name
	}
	return " (it has " + strings.Join(names, ", ") + ")"
}

func bindMount(mp appc.MountPoint, v Volume) (specs.Mount, error) {
	src, err := hostPath(v.Source)
	if err != nil {
		return specs.Mount{}, fmt.Errorf("%w %s: %w", ErrVolume, v.Name, err)
	}
	// Read-only binds are not recursive: "ro" on an rbind makes only the
	// top mount read-only and leaves the source's submounts writable.
	opts := []string{"rbind"}
	if mp.ReadOnly || v.ReadOnly {
		opts = []string{"bind", "ro"}
	}
	return specs.Mount{Destination: mp.Path, Type: "bind", Source: src, Options: opts}, nil
}

// hostPath makes a volume's source absolute and resolves its symlinks; a
// missing source is an error (ACE-FS4: the executor must not create it).
func hostPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(real); err != nil {
		return "", err
	}
	return real, nil
}

// volumeFor is the volume mounted at or above p, with the path p has
// inside it, when p lies on a volume.
func volumeFor(mounts []specs.Mount, p string) (src, rel string, ok bool) {
	best := ""
	for _, m := range mounts {
		if !isBind(m) { // proc, tmpfs, ...: their sources are not host paths
			continue
		}
		d := m.Destination
		if (p == d || strings.HasPrefix(p, strings.TrimSuffix(d, "/")+"/")) && len(d) > len(best) {
			best, src = d, m.Source
		}
	}
	if best == "" {
		return "", "", false
	}
	return src, strings.TrimPrefix(p, best), true
}

func isBind(m specs.Mount) bool {
	if m.Type == "bind" {
		return true
	}
	for _, o := range m.Options {
		if o == "bind" || o == "rbind" {
			return true
		}
	}
	return false
}
