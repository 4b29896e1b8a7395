package main

import (
	"fmt"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/store"
	ucli "github.com/urfave/cli/v2"
)

// openStore opens an existing store (--store, else the default, which
// reads INTERMODAL_STORE); no command here creates one.
func openStore(c *ucli.Context) (*store.Store, error) {
	return store.OpenExisting(c.String("store"))
}

// resolve finds the one image arg names (store.Resolve).
func resolve(s *store.Store, arg string) (string, error) { return s.Resolve(arg) }

// resolveAll resolves each argument, reporting failures on stderr as it
// goes; it returns the distinct IDs found, in order, and whether any failed.
func resolveAll(c *ucli.Context, s *store.Store, args []string) ([]string, bool) {
	var ids []string
	seen := map[string]bool{}
	failed := false
	for _, arg := range args {
		id, err := resolve(s, arg)
		if err != nil {
			fmt.Fprintf(c.App.ErrWriter, "%s: %s\n", c.App.Name, cli.OneLine(err.Error()))
			failed = true
			continue
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, failed
}

// oneImage is the stored image a command's only argument names.
func oneImage(c *ucli.Context) (*store.Store, *store.Image, error) {
	args, err := cli.Args(c, 1, 1)
	if err != nil {
		return nil, nil, err
	}
	s, err := openStore(c)
	if err != nil {
		return nil, nil, err
	}
	id, err := resolve(s, args[0])
	if err != nil {
		return nil, nil, err
	}
	im, err := s.Image(id)
	return s, im, err
}
