package main

import (
	"fmt"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func gcCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "gc",
		Usage: "remove unreferenced images and leftovers",
		Description: "Removes the images that no ref reaches, directly or as a dependency of a referenced image, and whatever interrupted runs left under tmp/. " +
			"It prints the full ID of each image removed and tmp/NAME for each leftover. " +
			"With --dry-run it prints the same and removes nothing. It takes the store lock exclusively, so it waits for fetches in progress and they wait for it.",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print what would be removed, remove nothing"},
		},
		Action: runGC,
	}
}

func runGC(c *ucli.Context) error {
	if _, err := cli.Args(c, 0, 0); err != nil {
		return err
	}
	s, err := openStore(c)
	if err != nil {
		return err
	}
	res, gcErr := s.GC(c.Bool("dry-run"))
	// On a failure res lists what was removed before it: print that too.
	for _, id := range res.Images {
		fmt.Fprintln(c.App.Writer, id)
	}
	for _, name := range res.Temp {
		fmt.Fprintln(c.App.Writer, "tmp/"+name)
	}
	if gcErr != nil {
		return fmt.Errorf("gc: %w", gcErr)
	}
	return nil
}
