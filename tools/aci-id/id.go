package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/imageid"
	ucli "github.com/urfave/cli/v2"
)

var flags = []ucli.Flag{
	&ucli.BoolFlag{Name: "short", Usage: "print the short form (sha512- and 32 hex digits)"},
	&ucli.StringFlag{Name: "check", Aliases: []string{"c"}, Usage: "verify the IDs listed in `LIST` (- for stdin)"},
	&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "with --check, print only failures"},
	&ucli.StringFlag{Name: "rootfs", Usage: "identify the unpacked tree in `DIR` (needs --tar-split)"},
	&ucli.StringFlag{Name: "tar-split", Usage: "tar-split metadata `FILE` of the tree given by --rootfs"},
	&ucli.StringFlag{Name: "manifest", Usage: "manifest `FILE` of the tree, when the metadata does not hold it (default: DIR/../manifest)"},
	&ucli.StringFlag{Name: "max-size", Value: "0", Usage: "refuse images that decompress to more than `SIZE` (K, M, G, T suffixes; 0 = no limit)"},
}

func run(c *ucli.Context) error {
	maxSize, err := cli.ParseSize(c.String("max-size"))
	if err != nil {
		return cli.Usagef("--max-size: %v", err)
	}
	switch {
	case c.IsSet("rootfs") || c.IsSet("tar-split"):
		return runTree(c)
	case c.IsSet("check"):
		if _, err := cli.Args(c, 0, 0); err != nil {
			return err
		}
		return runCheck(c, c.String("check"), maxSize)
	}
	args, err := cli.Args(c, 0, -1)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{cli.Stdin}
	}
	return runFiles(c, args, maxSize)
}

// runFiles identifies each file; like sha512sum it goes on after a failure
// and reports it in the exit status.
func runFiles(c *ucli.Context, names []string, maxSize int64) error {
	failed := false
	for _, name := range names {
		id, err := identify(c, name, maxSize)
		if err != nil {
			fmt.Fprintf(c.App.ErrWriter, "aci-id: %s\n", cli.OneLine(name+": "+err.Error()))
			failed = true
			continue
		}
		if c.Bool("short") {
			id = imageid.Short(id)
		}
		fmt.Fprintln(c.App.Writer, imageid.FormatLine(id, name))
	}
	if failed {
		return cli.Status(cli.ExitFailure)
	}
	return nil
}

func identify(c *ucli.Context, name string, maxSize int64) (string, error) {
	f, err := cli.Open(c, name)
	if err != nil {
		return "", cli.PathCause(err)
	}
	defer f.Close()
	res, err := imageid.FromReader(f, maxSize)
	return res.ID, err
}

func runCheck(c *ucli.Context, list string, maxSize int64) error {
	f, err := cli.Open(c, list)
	if err != nil {
		return err
	}
	defer f.Close()
	bad, err := checkLines(c, f, list, maxSize)
	if err != nil {
		return err
	}
	if bad > 0 {
		fmt.Fprintf(c.App.ErrWriter, "aci-id: WARNING: %d of the listed images did NOT match\n", bad)
		return cli.Status(cli.ExitFailure)
	}
	return nil
}

func checkLines(c *ucli.Context, r io.Reader, list string, maxSize int64) (int, error) {
	sc := bufio.NewScanner(r)
	bad, lines := 0, 0
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		lines++
		l, err := imageid.ParseLine(sc.Text())
		if err != nil {
			return bad, fmt.Errorf("%s:%d: %w", list, n, err)
		}
		if !checkOne(c, l, maxSize) {
			bad++
		}
	}
	if err := sc.Err(); err != nil {
		return bad, fmt.Errorf("%s: %w", list, err)
	}
	if lines == 0 {
		return bad, fmt.Errorf("%s: no image IDs found", list)
	}
	return bad, nil
}

func checkOne(c *ucli.Context, l imageid.Line, maxSize int64) bool {
	id, err := identify(c, l.Name, maxSize)
	switch {
	case err != nil:
		fmt.Fprintf(c.App.Writer, "%s: FAILED open or read\n", l.Name)
		fmt.Fprintf(c.App.ErrWriter, "aci-id: %s\n", cli.OneLine(l.Name+": "+err.Error()))
		return false
	case id != l.ID:
		fmt.Fprintf(c.App.Writer, "%s: FAILED\n", l.Name)
		return false
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(c.App.Writer, "%s: OK\n", l.Name)
	}
	return true
}

func runTree(c *ucli.Context) error {
	if _, err := cli.Args(c, 0, 0); err != nil {
		return err
	}
	if c.String("rootfs") == "" || c.String("tar-split") == "" {
		return cli.Usagef("--rootfs and --tar-split go together")
	}
	meta, err := os.Open(c.String("tar-split"))
	if err != nil {
		return err
	}
	defer meta.Close()
	h := imageid.NewHash()
	tree := imageid.Tree{Rootfs: c.String("rootfs"), Manifest: c.String("manifest")}
	if err := imageid.Rebuild(h, tree, meta); err != nil {
		return fmt.Errorf("%s: %w", tree.Rootfs, err)
	}
	id := imageid.FromSum(h.Sum(nil))
	if c.Bool("short") {
		id = imageid.Short(id)
	}
	fmt.Fprintln(c.App.Writer, imageid.FormatLine(id, tree.Rootfs))
	return nil
}
