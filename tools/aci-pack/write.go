package main

import (
	"fmt"
	"io"

	"github.com/intermodal/intermodal/lib/aci"
	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

// outputs are the files one pack writes; all appear together or none does.
type outputs struct {
	image, id, split *cli.Output
}

func pack(c *ucli.Context, j job) (err error) {
	o, err := openOutputs(c)
	if err != nil {
		return err
	}
	defer func() { err = o.finish(err) }()
	if j.rootfs == "" {
		j.opts.RootfsTar = c.App.Reader
	}
	if o.split != nil {
		j.opts.TarSplit = o.split
	}
	j.opts.SkipID = o.id == nil
	progress := cli.NewProgress(c.App.ErrWriter, c.Bool("quiet") || o.image.Writer == c.App.Writer, "aci-pack", 0)
	defer progress.Done()
	res, err := aci.Pack(io.MultiWriter(o.image, progress), j.opts)
	if err != nil {
		return fmt.Errorf("packing %s: %w", j.source(), err)
	}
	if o.id != nil {
		_, err = fmt.Fprintln(o.id, res.ID)
	}
	return err
}

func (j job) source() string {
	if j.rootfs == "" {
		return "the tar on standard input"
	}
	return j.rootfs
}

func openOutputs(c *ucli.Context) (*outputs, error) {
	o := &outputs{}
	var err error
	overwrite := c.Bool("overwrite")
	if o.image, err = cli.CreateOutput(c, c.String("output"), overwrite, true); err != nil {
		return nil, err
	}
	if o.id, err = optionalOutput(c, "id-file", overwrite); err == nil {
		o.split, err = optionalOutput(c, "tar-split", overwrite)
	}
	if err != nil {
		_ = o.finish(err) // removes what was opened; err is what matters
		return nil, err
	}
	return o, nil
}

// optionalOutput opens the file a flag names, or returns nil when the flag
// is not given; "-" is refused because stdout carries the image.
func optionalOutput(c *ucli.Context, flag string, overwrite bool) (*cli.Output, error) {
	name := c.String(flag)
	switch name {
	case "":
		return nil, nil
	case cli.Stdin:
		return nil, cli.Usagef("--%s: needs a file name (standard output carries the image)", flag)
	}
	return cli.CreateOutput(c, name, overwrite, false)
}

// finish commits every output if err is nil, else removes them all.
func (o *outputs) finish(err error) error {
	for _, out := range []*cli.Output{o.image, o.id, o.split} {
		if out != nil {
			if ferr := out.Finish(err); err == nil {
				err = ferr
			}
		}
	}
	return err
}
