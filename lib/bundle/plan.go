package bundle

import (
	"errors"
	"fmt"
	"path"

	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/imageid"
	"github.com/intermodal/intermodal/lib/store"
)

// Bounds on a dependency graph. A DAG can name one image many times
// (appc DEP-5 applies it each time), so without a cap a few dozen small
// manifests could ask for millions of extractions.
const (
	maxDepth  = 32
	maxLayers = 256
)

// ErrDependency is wrapped by every failure to find or order dependencies.
var ErrDependency = errors.New("dependency")

// layerPlan is one application of a dependency's rootfs.
type layerPlan struct {
	image *store.Image
	// filters are the pathWhitelists that apply to this layer: its own and
	// those of every image above it on the way from the top (appc DEP-3).
	filters [][]string
}

// planDependencies orders the dependencies of m as appc DEP-3 and DEP-5
// say: depth first, in list order, each image after its own dependencies,
// an image reached twice applied twice. Dependencies come from the store,
// by image ID when one is given (and must then be that image: DEP-1), by
// name and labels otherwise.
func planDependencies(s *store.Store, noStore error, m *appc.ImageManifest) ([]layerPlan, error) {
	if len(m.Dependencies) == 0 {
		return nil, nil
	}
	if s == nil {
		why := "no store was given to find them in"
		if noStore != nil {
			why = noStore.Error()
		}
		return nil, fmt.Errorf("%w %s: the image has dependencies and %s", ErrDependency, m.Dependencies[0].ImageName, why)
	}
	p := planner{s: s}
	err := p.visit(m, filtersOf(nil, m), nil)
	return p.out, err
}

type planner struct {
	s   *store.Store
	out []layerPlan
}

// visit plans m's dependencies; above are the whitelists that apply to
// them, path the IDs from the top down to m (for cycles).
func (p *planner) visit(m *appc.ImageManifest, above [][]string, chain []string) error {
	if len(chain) >= maxDepth {
		return fmt.Errorf("%w: dependencies nested deeper than %d", ErrDependency, maxDepth)
	}
	for _, d := range m.Dependencies {
		im, err := p.find(d)
		if err != nil {
			return err
		}
		for _, id := range chain {
			if id == im.ID {
				return fmt.Errorf("%w %s: cycle: the image depends on itself", ErrDependency, d.ImageName)
			}
		}
		own := filtersOf(above, im.Manifest)
		if err := p.visit(im.Manifest, own, append(chain, im.ID)); err != nil {
			return err
		}
		if len(p.out) == maxLayers {
			return fmt.Errorf("%w: more than %d layers to render", ErrDependency, maxLayers)
		}
		p.out = append(p.out, layerPlan{image: im, filters: own})
	}
	return nil
}

func (p *planner) find(d appc.Dependency) (*store.Image, error) {
	id, err := p.s.Dependency(d)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w %s: not in the store (fetch it first: aci-fetch %s)", ErrDependency, describe(d), d.ImageName)
	}
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrDependency, describe(d), err)
	}
	if d.ImageID != "" && id != d.ImageID {
		return nil, fmt.Errorf("%w %s: image %s is not in the store (%s, of that name, is another image)", ErrDependency, d.ImageName, imageid.Short(d.ImageID), imageid.Short(id))
	}
	im, err := p.s.Image(id)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrDependency, describe(d), err)
	}
	return im, nil
}

// describe names a dependency the way aci-fetch takes it.
func describe(d appc.Dependency) string {
	s := d.ImageName
	for _, l := range d.Labels {
		s += "," + l.Name + "=" + l.Value
	}
	return s
}

// filtersOf adds m's own pathWhitelist, when it has one, to those above.
func filtersOf(above [][]string, m *appc.ImageManifest) [][]string {
	out := append([][]string(nil), above...)
	if m != nil && len(m.PathWhitelist) > 0 {
		out = append(out, m.PathWhitelist)
	}
	return out
}

// keepFunc turns whitelists into an extract Keep function, or nil when
// there are none. A path is kept when every whitelist lists it or lists
// something under it: the spec removes "every path not in" the list
// (DEP-3, matched exactly as the reference renderer does, DEP-7), and the
// directories leading to a listed path stay so that it keeps them as the
// image made them.
func keepFunc(filters [][]string) func(rel string) bool {
	if len(filters) == 0 {
		return nil
	}
	sets := make([]map[string]bool, len(filters))
	for i, wl := range filters {
		sets[i] = whitelistSet(wl)
	}
	return func(rel string) bool {
		p := "/" + rel
		for _, s := range sets {
			if !s[p] {
				return false
			}
		}
		return true
	}
}

// whitelistSet holds each listed path and every directory above it.
func whitelistSet(wl []string) map[string]bool {
	s := map[string]bool{}
	for _, p := range wl {
		for p = path.Clean("/" + p); p != "/"; p = path.Dir(p) {
			s[p] = true
		}
	}
	return s
}
