package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func showCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "show",
		Usage:     "print an image's manifest",
		ArgsUsage: "ID|NAME",
		Description: "Prints the image's manifest exactly as it is in the image (JSON). " +
			"--info prints instead what was recorded when it was fetched (info.json): id, size, tarSize, compression, source, signer, fetched.",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "info", Usage: "print the fetch record (info.json) instead of the manifest"},
		},
		Action: runShow,
	}
}

func runShow(c *ucli.Context) error {
	_, im, err := oneImage(c)
	if err != nil {
		return err
	}
	file := "manifest"
	if c.Bool("info") {
		file = "info.json"
	}
	// The directory may vanish under a concurrent rm between the lookup
	// and the read; then the image is gone, which the error says.
	data, err := os.ReadFile(filepath.Join(im.Dir, file))
	if err != nil {
		return fmt.Errorf("%s: %w", c.Args().First(), cli.PathCause(err))
	}
	_, err = c.App.Writer.Write(data)
	return err
}
