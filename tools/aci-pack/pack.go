package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

var flags = []ucli.Flag{
	&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the ACI to `FILE` atomically (default: standard output)"},
	&ucli.BoolFlag{Name: "overwrite", Usage: "replace existing output files"},
	&ucli.StringFlag{Name: "manifest", Usage: "take the manifest from `FILE` instead of IMAGE_DIR/manifest"},
	&ucli.StringFlag{Name: "rootfs", Usage: "take the root filesystem from `DIR` instead of IMAGE_DIR/rootfs"},
	&ucli.StringFlag{Name: "compression", Value: "gzip", Usage: "compress with `ALGO`: gzip, xz, zstd or none"},
	&ucli.IntFlag{Name: "level", Usage: "compression `LEVEL` (gzip 1-9; 0 = the codec's default, gzip 6: fastest; 9 comes within 1% of zlib's size on text at a third of the speed)"},
	&ucli.StringFlag{Name: "id-file", Usage: "also write the image ID to `FILE`"},
	&ucli.StringFlag{Name: "tar-split", Usage: "also write tar-split metadata to `FILE`"},
	&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no warnings or progress on standard error"},
}

// job is one pack, resolved from the command line.
type job struct {
	manifestPath string
	rootfs       string // "" = a tar stream on stdin
	opts         aci.PackOptions
}

func run(c *ucli.Context) error {
	j, err := plan(c)
	if err != nil {
		return err
	}
	if err := loadManifest(&j); err != nil {
		return err
	}
	return pack(c, j)
}

func plan(c *ucli.Context) (job, error) {
	args, err := cli.Args(c, 0, 1)
	if err != nil {
		return job{}, err
	}
	j := job{manifestPath: c.String("manifest"), rootfs: c.String("rootfs")}
	if len(args) == 1 {
		j.manifestPath = orDefault(j.manifestPath, filepath.Join(args[0], "manifest"))
		j.rootfs = orDefault(j.rootfs, filepath.Join(args[0], "rootfs"))
	}
	if j.manifestPath == "" {
		return job{}, cli.Usagef("no image: give IMAGE_DIR, or --manifest with --rootfs or a tar on standard input")
	}
	if j.rootfs == "" && cli.IsTerminal(c.App.Reader) {
		return job{}, cli.Usagef("no rootfs: give --rootfs DIR or pipe a tar stream to standard input")
	}
	return j, setOptions(c, &j.opts)
}

func orDefault(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

func setOptions(c *ucli.Context, o *aci.PackOptions) error {
	comp, err := aci.ParseCompression(c.String("compression"))
	if err != nil {
		return cli.Usagef("--compression: %v", err)
	}
	o.Compression = comp
	if o.Level = c.Int("level"); o.Level < 0 || o.Level > 9 {
		return cli.Usagef("--level: want 0 to 9, got %d", o.Level)
	}
	if o.Epoch, err = sourceDateEpoch(); err != nil {
		return err
	}
	if !c.Bool("quiet") {
		o.Warn = func(msg string) { fmt.Fprintf(c.App.ErrWriter, "aci-pack: warning: %s\n", cli.OneLine(msg)) }
	}
	return nil
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH, the reproducible-builds
// convention for "no time later than this".
func sourceDateEpoch() (*time.Time, error) {
	s, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok || s == "" {
		return nil, nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil || sec < 0 {
		return nil, fmt.Errorf("SOURCE_DATE_EPOCH: want a non-negative number of seconds, got %q", s)
	}
	t := time.Unix(sec, 0).UTC()
	return &t, nil
}

// loadManifest reads and strictly validates the manifest, and checks the
// rootfs is a directory, before any output exists.
func loadManifest(j *job) error {
	data, err := readManifest(j.manifestPath)
	if err != nil {
		return err
	}
	if err := checkManifest(j.manifestPath, data); err != nil {
		return err
	}
	j.opts.Manifest = data
	if j.rootfs == "" {
		return nil
	}
	st, err := os.Lstat(j.rootfs)
	if err == nil && !st.IsDir() {
		err = errors.New("not a directory")
	}
	if err != nil {
		return fmt.Errorf("rootfs %s: %w", j.rootfs, cli.PathCause(err))
	}
	j.opts.RootfsDir = j.rootfs
	return nil
}

func readManifest(name string) ([]byte, error) {
	st, err := os.Lstat(name)
	if err == nil && !st.Mode().IsRegular() {
		err = errors.New("not a regular file")
	} else if err == nil && st.Size() > appc.MaxManifestSize {
		err = fmt.Errorf("larger than %d bytes", appc.MaxManifestSize)
	}
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", name, cli.PathCause(err))
	}
	return os.ReadFile(name)
}

// manifestError lists every problem, one line each, as aci-validate does.
type manifestError struct {
	name     string
	problems appc.Problems
}

func (e *manifestError) Error() string {
	s := ""
	for i, p := range e.problems {
		if i > 0 {
			s += "\naci-pack: "
		}
		s += "manifest " + e.name + ": " + p.String()
	}
	return s
}

func checkManifest(name string, data []byte) error {
	_, ps := appc.ParseManifest(data)
	if ps.HasErrors() {
		return &manifestError{name: name, problems: ps.Errors()}
	}
	return nil
}
