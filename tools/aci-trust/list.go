package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/trust"
	ucli "github.com/urfave/cli/v2"
)

func listCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "list",
		Usage: "list the trusted keys",
		Description: "Prints the keys, one a line: prefix ((root) for keys trusted for every name), fingerprint, the trust directory holding it, user IDs. A vendor key masked by an empty local file is not listed. " +
			"With --json it prints a JSON array of {\"fingerprint\",\"prefix\",\"userIDs\",\"path\",\"vendor\"} objects instead. --prefix and --root list the keys of that scope only; --name lists the keys trusted for an image name, as a signature check would use them.",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "json", Usage: "print a JSON array"},
			prefixFlag, rootFlag,
			&ucli.StringFlag{Name: "name", Usage: "list the keys trusted for the image `NAME` (root keys and every prefix of it)"},
			trustDirFlag,
		},
		Action: runList,
	}
}

func runList(c *ucli.Context) error {
	if _, err := cli.Args(c, 0, 0); err != nil {
		return err
	}
	keys, err := listed(c)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, keys)
	}
	return writeTable(c.App.Writer, keys)
}

// listed picks the keys the flags ask for.
func listed(c *ucli.Context) ([]trust.Key, error) {
	s := store(c)
	filters := 0
	for _, f := range []string{"prefix", "root", "name"} {
		if c.IsSet(f) {
			filters++
		}
	}
	switch {
	case filters > 1:
		return nil, cli.Usagef("--prefix, --root and --name exclude each other")
	case c.IsSet("name"):
		return s.Trusted(c.String("name"))
	case filters == 0:
		return s.List()
	}
	prefix, err := scope(c)
	if err != nil {
		return nil, err
	}
	all, err := s.List()
	var out []trust.Key
	for _, k := range all {
		if k.Prefix == prefix {
			out = append(out, k)
		}
	}
	return out, err
}

func writeJSON(w io.Writer, keys []trust.Key) error {
	if keys == nil {
		keys = []trust.Key{}
	}
	for i := range keys {
		if keys[i].UserIDs == nil {
			keys[i].UserIDs = []string{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // user IDs hold <mail@addresses>
	enc.SetIndent("", "  ")
	return enc.Encode(keys)
}

func writeTable(w io.Writer, keys []trust.Key) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, k := range keys {
		prefix := k.Prefix
		if prefix == "" {
			prefix = "(root)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", prefix, k.Fingerprint, trustDir(k), strings.Join(k.UserIDs, ", "))
	}
	return tw.Flush()
}

// trustDir is the trust directory a key file is in: the part of its path
// before root.d or prefix.d.
func trustDir(k trust.Key) string {
	up := 2 // FPR, root.d
	if k.Prefix != "" {
		up += strings.Count(k.Prefix, "/") + 1 // PREFIX's components, prefix.d
	}
	dir := k.Path
	for range up {
		dir = filepath.Dir(dir)
	}
	return dir
}

func sorted(s []string) []string {
	sort.Strings(s)
	return s
}
