package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/intermodal/intermodal/lib/bundle"
	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/store"
	ucli "github.com/urfave/cli/v2"
)

var flags = []ucli.Flag{
	&ucli.StringFlag{Name: "store", Usage: "image store `DIR` (default: /var/lib/intermodal/store as root, else $XDG_DATA_HOME/intermodal/store)", EnvVars: []string{"INTERMODAL_STORE"}},
	&ucli.StringSliceFlag{Name: "volume", Usage: "bind mountPoint NAME to host path HOSTPATH, read-only with :ro (`NAME:HOSTPATH[:ro]`, repeatable)"},
	&ucli.StringFlag{Name: "exec", Usage: "run `PROG` instead of the image's program (ARGs after -- are its arguments)"},
	&ucli.StringFlag{Name: "hostname", Usage: "the container's host `NAME` (default: the app name)"},
	&ucli.BoolFlag{Name: "readonly-rootfs", Usage: "mount the root filesystem read-only"},
	&ucli.BoolFlag{Name: "terminal", Aliases: []string{"t"}, Usage: "give the app a terminal (process.terminal)"},
	&ucli.BoolFlag{Name: "rootless", Usage: "for a runtime run by you, not root: a user namespace mapping the app's uid and gid to yours, as runc spec --rootless"},
	&ucli.BoolFlag{Name: "overwrite", Usage: "replace an existing bundle at DIR"},
	&ucli.BoolFlag{Name: "no-sync", Usage: "do not flush the bundle to disk before moving it into place (faster; a crash may lose its contents)"},
	&ucli.StringFlag{Name: "max-size", Value: "32G", Usage: "refuse images that decompress to more than `SIZE` (K, M, G, T suffixes; 0 = no limit)", EnvVars: []string{"INTERMODAL_MAX_SIZE"}},
	&ucli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "also say which isolators were applied, and how"},
	&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no warnings on standard error"},
}

func run(c *ucli.Context) error {
	image, dir, exec, err := arguments(c)
	if err != nil {
		return err
	}
	o, err := options(c, exec)
	if err != nil {
		return err
	}
	src, release, err := source(c, image, &o)
	if err != nil {
		return err
	}
	defer release()
	res, err := bundle.Write(c.Context, dir, src, o)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.App.Writer, res.Dir)
	return nil
}

// arguments splits IMAGE DIR [-- ARG...]. Go's flag parsing stops at the
// first argument, so a flag after it would arrive here: it is refused
// rather than taken for the app's arguments, unless after "--".
func arguments(c *ucli.Context) (image, dir string, exec []string, err error) {
	args := c.Args().Slice()
	usage := "usage: aci-bundle [options] IMAGE DIR [-- ARG...]"
	for i, a := range args {
		if a == "--" && i >= 2 {
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			return "", "", nil, cli.Usagef("flag %s must come before the arguments (the app's arguments go after --)", a)
		}
	}
	switch {
	case len(args) < 2:
		return "", "", nil, cli.Usagef("missing argument (%s)", usage)
	case len(args) > 2 && args[2] != "--":
		return "", "", nil, cli.Usagef("too many arguments: the app's arguments go after -- (%s)", usage)
	case len(args) > 2:
		exec = args[3:]
	}
	if args[1] == "" {
		return "", "", nil, cli.Usagef("DIR is empty")
	}
	if p := c.String("exec"); p != "" {
		exec = append([]string{p}, exec...)
	}
	return args[0], args[1], exec, nil
}

func options(c *ucli.Context, exec []string) (bundle.Options, error) {
	maxSize, err := cli.ParseSize(c.String("max-size"))
	if err != nil {
		return bundle.Options{}, cli.Usagef("--max-size: %v", err)
	}
	var vols []bundle.Volume
	for _, s := range c.StringSlice("volume") {
		v, err := bundle.ParseVolume(s)
		if err != nil {
			return bundle.Options{}, cli.Usagef("--volume: %v", err)
		}
		vols = append(vols, v)
	}
	o := bundle.Options{
		App: bundle.AppOptions{
			Exec: exec, Hostname: c.String("hostname"), ReadonlyRootfs: c.Bool("readonly-rootfs"),
			Terminal: c.Bool("terminal"), Volumes: vols, Rootless: c.Bool("rootless"),
			HostUID: uint32(os.Geteuid()), HostGID: uint32(os.Getegid()),
		},
		Overwrite: c.Bool("overwrite"), NoSync: c.Bool("no-sync"), MaxSize: maxSize,
		Privileged: os.Geteuid() == 0,
	}
	if !c.Bool("quiet") {
		o.Warn = printer(c, "warning: ")
	}
	if c.Bool("verbose") {
		o.Info = printer(c, "")
	}
	return o, nil
}

func printer(c *ucli.Context, prefix string) func(string) {
	return func(msg string) { fmt.Fprintf(c.App.ErrWriter, "%s: %s%s\n", c.App.Name, prefix, cli.OneLine(msg)) }
}

// source finds IMAGE: "-", a file, or an image in the store. The store is
// opened when it can be, for dependencies, and held with a shared lock so
// that gc and rm wait until the bundle is written; a store that cannot be
// opened matters only when something must be found in it.
func source(c *ucli.Context, image string, o *bundle.Options) (bundle.Source, func(), error) {
	s, err := openStore(c)
	if err != nil {
		o.NoStore = err
	}
	release := func() {}
	if s != nil {
		unlock, err := s.Lock(false)
		if err != nil {
			return bundle.Source{}, nil, err
		}
		release = unlock
		o.Store = s
	}
	src, err := imageSource(c, s, o.NoStore, image)
	if err != nil {
		release()
		return bundle.Source{}, nil, err
	}
	return src, release, nil
}

func imageSource(c *ucli.Context, s *store.Store, noStore error, image string) (bundle.Source, error) {
	if image == cli.Stdin {
		return bundle.Source{Name: "-", Stream: c.App.Reader}, nil
	}
	if st, err := os.Stat(image); err == nil && st.Mode().IsRegular() || strings.HasPrefix(image, "/") || strings.HasPrefix(image, ".") {
		if _, err := os.Stat(image); err != nil {
			return bundle.Source{}, cli.PathCause(err)
		}
		return bundle.FileSource(image), nil
	}
	if s == nil {
		return bundle.Source{}, fmt.Errorf("%s: not a file, and not in the store: %w", image, noStore)
	}
	return storedSource(s, image)
}
