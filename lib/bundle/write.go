package bundle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/extract"
	"github.com/intermodal/intermodal/lib/imageid"
	"github.com/intermodal/intermodal/lib/store"
	"github.com/klauspost/compress/gzip"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The files of a bundle besides config.json and the rootfs (see the
// package comment).
const (
	ConfigFile   = "config.json"
	ManifestFile = "manifest"
	IDFile       = "image-id"
	TarSplitFile = "image.tsm"
)

// Options says how Write renders the image and where it finds its
// dependencies.
type Options struct {
	App AppOptions
	// Store holds the dependencies; nil when there is none (an image with
	// dependencies then fails, saying why: NoStore).
	Store   *store.Store
	NoStore error
	// Overwrite replaces an existing bundle at the target.
	Overwrite bool
	// NoSync skips flushing the bundle to disk before it is moved into
	// place (faster; a crash may then leave a bundle with lost contents).
	NoSync bool
	// MaxSize caps each image's decompressed size; 0 means no cap.
	MaxSize int64
	// Privileged restores owners, device nodes and file capabilities;
	// callers pass os.Geteuid() == 0.
	Privileged bool
	// Warn receives warnings, Info notes on what was applied; either may
	// be nil.
	Warn, Info func(string)
}

// Result describes a bundle Write made.
type Result struct {
	Dir      string
	ID       string
	Manifest *appc.ImageManifest
	// Dependencies are the IDs of the dependency layers, in the order
	// they were applied.
	Dependencies []string
	Spec         *specs.Spec
}

// Write makes the bundle dir from src: the image's dependencies and the
// image rendered into dir/rootfs, its app translated into dir/config.json,
// its manifest, ID and tar-split metadata kept beside. Everything is built
// in a hidden directory next to dir and renamed into place at the end, so
// on any error, or when ctx is cancelled, dir is left as it was.
func Write(ctx context.Context, dir string, src Source, o Options) (*Result, error) {
	st, err := newStage(dir, o.Overwrite)
	if err != nil {
		return nil, err
	}
	defer st.abort()
	w := &writer{ctx: ctx, st: st, src: src, o: o, res: &Result{Dir: st.dir}}
	if err := w.render(); err != nil {
		return nil, err
	}
	if err := w.finish(); err != nil {
		return nil, err
	}
	if err := st.commit(); err != nil {
		return nil, err
	}
	return w.res, nil
}

// writer is one run of Write.
type writer struct {
	ctx      context.Context
	st       *stage
	src      Source
	o        Options
	res      *Result
	manifest []byte
	spool    *spool
}

func (w *writer) rootfs() string { return w.st.path(RootfsDir) }

// render lays down the dependencies and the image. When the manifest is
// known first (a stored image, or one with the manifest at the front, as
// aci-pack writes it) that is one pass; otherwise the image is rendered
// once, and rendered again under its dependencies if it turns out to have
// any, or a pathWhitelist.
func (w *writer) render() error {
	top, err := w.openTop()
	if err != nil {
		return err
	}
	if w.src.Manifest != nil {
		top.manifest = w.src.Manifest
	}
	if top.manifest != nil {
		w.spool.drop()
		return w.renderAll(top, top.manifest)
	}
	lr, err := w.renderTop(top, nil)
	if err != nil {
		return err
	}
	m, err := w.parseManifest(lr.manifest)
	if err != nil {
		return err
	}
	if len(m.Dependencies) == 0 && len(m.PathWhitelist) == 0 {
		w.spool.drop()
		return w.setTop(lr, m)
	}
	return w.again(lr.manifest)
}

// again renders from scratch, the manifest now being known.
func (w *writer) again(manifest []byte) error {
	if w.spool != nil {
		reopen, err := w.spool.finish()
		if err != nil {
			return err
		}
		w.src.Open = reopen
	}
	if err := extract.RemoveAll(w.rootfs()); err != nil {
		return err
	}
	top, err := w.openTop()
	if err != nil {
		return err
	}
	return w.renderAll(top, manifest)
}

// renderAll renders dependencies, then the image, knowing its manifest.
func (w *writer) renderAll(top *opened, manifest []byte) error {
	m, err := w.parseManifest(manifest)
	if err != nil {
		top.close()
		return err
	}
	if err := w.renderDependencies(m); err != nil {
		top.close()
		return err
	}
	lr, err := w.renderTop(top, keepFunc(filtersOf(nil, m)))
	if err != nil {
		return err
	}
	if !bytes.Equal(lr.manifest, manifest) {
		return fmt.Errorf("%s: %w: its manifest is not the one recorded for it", w.src.Name, ErrCorrupt)
	}
	return w.setTop(lr, m)
}

func (w *writer) setTop(lr layerResult, m *appc.ImageManifest) error {
	w.res.ID, w.res.Manifest, w.manifest = lr.id, m, lr.manifest
	return nil
}

// openTop opens a pass over the image, creating the rootfs.
func (w *writer) openTop() (*opened, error) {
	if err := os.Mkdir(w.rootfs(), 0o755); err != nil {
		return nil, err
	}
	var r io.ReadCloser
	var err error
	switch {
	case w.src.Open != nil:
		r, err = w.src.Open()
	case w.spool == nil:
		w.spool, err = newSpool(w.src.Stream, w.st.path(".stdin"))
		r = io.NopCloser(w.spool)
	default:
		err = fmt.Errorf("%s: read twice", w.src.Name)
	}
	if err != nil {
		return nil, err
	}
	top, err := openTar(r)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", w.src.Name, err)
	}
	closeDec := top.close
	top.close = func() { closeDec(); r.Close() }
	return top, nil
}

// renderTop extracts the image itself, keeping its tar-split metadata.
func (w *writer) renderTop(top *opened, keep func(string) bool) (layerResult, error) {
	defer top.close()
	name := w.st.path(TarSplitFile)
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return layerResult{}, err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return layerResult{}, err
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	lr, err := renderLayer(w.ctx, w.rootfs(), top.tar, w.job(w.src.Name, w.src.ID, keep, zw))
	if err != nil {
		return lr, err
	}
	if err := zw.Close(); err != nil {
		return lr, err
	}
	return lr, f.Close()
}

func (w *writer) job(name, id string, keep func(string) bool, split io.Writer) layerJob {
	return layerJob{name: name, wantID: id, keep: keep, split: split,
		privileged: w.o.Privileged, warn: w.o.Warn, maxSize: w.o.MaxSize}
}

func (w *writer) renderDependencies(m *appc.ImageManifest) error {
	plan, err := planDependencies(w.o.Store, w.o.NoStore, m)
	if err != nil {
		return err
	}
	for _, l := range plan {
		if err := w.renderDependency(l); err != nil {
			return err
		}
		w.res.Dependencies = append(w.res.Dependencies, l.image.ID)
	}
	return nil
}

func (w *writer) renderDependency(l layerPlan) error {
	name := fmt.Sprintf("dependency %s (%s)", l.image.Name(), imageid.Short(l.image.ID))
	f, err := w.o.Store.Open(l.image.ID)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	top, err := openTar(f)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer top.close()
	_, err = renderLayer(w.ctx, w.rootfs(), top.tar, w.job(name, l.image.ID, keepFunc(l.filters), nil))
	return err
}

// parseManifest validates the image's manifest strictly; its warnings
// are passed on.
func (w *writer) parseManifest(b []byte) (*appc.ImageManifest, error) {
	if b == nil {
		return nil, fmt.Errorf("%s: %w: no manifest", w.src.Name, ErrInvalidImage)
	}
	m, ps := appc.ParseManifest(b)
	if errs := ps.Errors(); len(errs) > 0 {
		return nil, fmt.Errorf("%s: %w: manifest: %s", w.src.Name, ErrInvalidImage, errs[0])
	}
	for _, p := range ps.Warnings() {
		w.warnf("%s: manifest: %s", w.src.Name, p)
	}
	return m, nil
}

func (w *writer) warnf(format string, args ...any) {
	if w.o.Warn != nil {
		w.o.Warn(fmt.Sprintf(format, args...))
	}
}

// finish writes config.json and the files kept beside the rootfs, then
// flushes the whole bundle to disk.
func (w *writer) finish() error {
	w.spool.drop()
	app := w.o.App
	app.ImageID = w.res.ID
	spec, err := Config(w.res.Manifest, w.rootfs(), app, w.o.Warn, w.o.Info)
	if err != nil {
		return fmt.Errorf("%s: %w", w.src.Name, err)
	}
	w.res.Spec = spec
	cfg, err := MarshalConfig(spec)
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
	}{{ConfigFile, cfg}, {ManifestFile, w.manifest}, {IDFile, []byte(w.res.ID + "\n")}}
	for _, f := range files {
		if err := os.WriteFile(w.st.path(f.name), f.data, 0o644); err != nil {
			return err
		}
	}
	if w.o.NoSync {
		return nil
	}
	return extract.Sync(w.st.tmp)
}

// MarshalConfig encodes a spec as config.json: tab-indented as runc writes
// it, with a final newline.
func MarshalConfig(s *specs.Spec) ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
