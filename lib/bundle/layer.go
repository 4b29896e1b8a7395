package bundle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/intermodal/intermodal/lib/extract"
	"github.com/intermodal/intermodal/lib/imageid"
)

// ErrInvalidImage is wrapped when an image breaks the ACI layout rules.
var ErrInvalidImage = errors.New("invalid image")

// ErrCorrupt is wrapped when an image does not hash to the ID it is known by.
var ErrCorrupt = errors.New("image does not match its ID")

// layerJob is one image extracted into the rootfs.
type layerJob struct {
	name   string // for messages
	wantID string // "" when the ID is not known beforehand
	keep   func(rel string) bool
	// split, when set, receives tar-split metadata of the image's tar.
	split      io.Writer
	privileged bool
	warn       func(string)
	maxSize    int64
}

// layerResult is what reading the image showed.
type layerResult struct {
	id       string
	manifest []byte
	stats    extract.Stats
}

// renderLayer extracts one decompressed image into rootfs while, from the
// same bytes, hashing it and checking its layout (and recording tar-split
// metadata). An image with a layout problem, a hash other than the one
// expected or an entry extract refuses fails as a whole; the caller then
// discards the rootfs. A failure to read the stream comes first in the
// error, then layout problems, then what extraction refused.
func renderLayer(ctx context.Context, rootfs string, tarStream io.Reader, j layerJob) (layerResult, error) {
	f := newFanout(ctx, tarStream, j.maxSize, 4)
	ex, hs, ck, ts := f.taps[0], f.taps[1], f.taps[2], f.taps[3]
	f.start()
	hashed := make(chan string, 1)
	go func() { hashed <- hashAll(hs) }()
	checked := make(chan checkOutcome, 1)
	go func() { checked <- checkAll(ck) }()
	split := make(chan error, 1)
	go func() { split <- splitAll(ts, j.split) }()

	// On an extraction error the stream still runs to its end, at the
	// pace of decompression alone, so the layout check can name what is
	// wrong with the image rather than report a truncated stream.
	stats, xerr := extract.Extract(rootfs, ex, extractOptions(j))
	ex.stop()
	id, co, serr := <-hashed, <-checked, <-split
	if err := f.result(); err != nil {
		return layerResult{}, fmt.Errorf("%s: %w", j.name, err)
	}
	if err := co.err(j.name, j.warn); err != nil {
		return layerResult{}, err
	}
	if serr != nil {
		return layerResult{}, fmt.Errorf("%s: tar-split: %w", j.name, serr)
	}
	if xerr != nil {
		return layerResult{}, fmt.Errorf("%s: %w", j.name, xerr)
	}
	if j.wantID != "" && id != j.wantID {
		return layerResult{}, fmt.Errorf("%s: %w: it hashes to %s", j.name, ErrCorrupt, imageid.Short(id))
	}
	return layerResult{id: id, manifest: co.res.Manifest, stats: stats}, nil
}

func extractOptions(j layerJob) extract.Options {
	return extract.Options{
		Rename:     aciRootfs,
		Keep:       j.keep,
		Privileged: j.privileged,
		Warn:       j.warn,
	}
}

// aciRootfs maps an ACI entry to its place in the rootfs: "rootfs/x" is
// "x", the rootfs directory itself is the root, anything else (the
// manifest) is skipped. A name outside rootfs/ makes the image invalid,
// which the layout check running alongside reports.
func aciRootfs(name string) (string, bool) {
	clean := path.Clean(name)
	if clean == "rootfs" {
		return ".", false
	}
	rel, ok := strings.CutPrefix(clean, "rootfs/")
	if !ok {
		return "", true
	}
	return rel, false
}

func hashAll(t *tap) string {
	defer t.stop()
	h := imageid.NewHash()
	if _, err := t.WriteTo(h); err != nil {
		return "" // the fanout's result says why
	}
	return imageid.FromSum(h.Sum(nil))
}

// checkOutcome is the layout check of one image.
type checkOutcome struct {
	res  *aci.Result
	fail error // reading or tar-split failed
}

func checkAll(t *tap) checkOutcome {
	defer t.stop()
	res, err := aci.CheckArchive(t, aci.CheckOptions{})
	return checkOutcome{res: res, fail: err}
}

// splitAll records tar-split metadata, or just lets the bytes go.
func splitAll(t *tap, w io.Writer) error {
	defer t.stop()
	if w == nil {
		return nil
	}
	return recordTarSplit(t, w)
}

// err is the first layout problem, or why checking failed; warnings go
// to warn.
func (c checkOutcome) err(name string, warn func(string)) error {
	if c.res != nil {
		for _, p := range c.res.Problems {
			if !p.Warning {
				return fmt.Errorf("%s: %w: %s", name, ErrInvalidImage, p)
			}
			if warn != nil {
				warn(fmt.Sprintf("%s: %s", name, p))
			}
		}
	}
	if c.fail != nil {
		return fmt.Errorf("%s: %w", name, c.fail)
	}
	return nil
}
