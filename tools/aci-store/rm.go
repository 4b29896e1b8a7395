package main

import (
	"fmt"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func rmCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "rm",
		Usage:     "remove images",
		ArgsUsage: "ID|NAME...",
		Description: "Removes each image with the refs that name it and its HTTP cache records, and prints its full ID. " +
			"It goes on after an image it cannot find or remove, and exits 1 at the end. " +
			"It waits for fetches in progress (the store lock). Images that only depended on a removed one are left for gc.",
		Action: runRm,
	}
}

func runRm(c *ucli.Context) error {
	args, err := cli.Args(c, 1, -1)
	if err != nil {
		return err
	}
	s, err := openStore(c)
	if err != nil {
		return err
	}
	ids, failed := resolveAll(c, s, args)
	for _, id := range ids {
		if err := s.Remove(id); err != nil {
			fmt.Fprintf(c.App.ErrWriter, "%s: rm: %s\n", c.App.Name, cli.OneLine(err.Error()))
			failed = true
			continue
		}
		fmt.Fprintln(c.App.Writer, id)
	}
	if failed {
		return cli.Status(cli.ExitFailure)
	}
	return nil
}
