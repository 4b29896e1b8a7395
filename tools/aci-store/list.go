package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/imageid"
	"github.com/intermodal/intermodal/lib/store"
	ucli "github.com/urfave/cli/v2"
)

func listCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "list",
		Usage: "list the stored images",
		Description: "Prints one row per stored image: NAME and LABELS from its manifest (labels as k=v, sorted), its short ID, the SIZE of the image file and when it was FETCHED (RFC 3339, UTC). Rows are sorted by name, then labels, then newest first. " +
			"A missing store lists as empty (exit 0), since nothing has been fetched yet; a directory that is not a store is an error.\n\n" +
			"--json prints an array of objects, one per image, with a fixed key order: id, name, labels, size, tarSize, compression, source, signer, signed, fetched, and refs (the names and labels that select the image). -q prints only full IDs, one a line.",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "json", Usage: "print a JSON array"},
			&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only full image IDs"},
		},
		Action: runList,
	}
}

// listEntry is one image in --json output; the field order is the key order.
type listEntry struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Labels      map[string]string `json:"labels"`
	Size        int64             `json:"size"`
	TarSize     int64             `json:"tarSize"`
	Compression string            `json:"compression"`
	Source      string            `json:"source,omitempty"`
	Signer      string            `json:"signer,omitempty"`
	Signed      bool              `json:"signed"`
	Fetched     time.Time         `json:"fetched"`
	Refs        []refEntry        `json:"refs"`
}

type refEntry struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	Latest bool              `json:"latest"`
	Time   time.Time         `json:"time"`
}

func runList(c *ucli.Context) error {
	if _, err := cli.Args(c, 0, 0); err != nil {
		return err
	}
	if c.Bool("json") && c.Bool("quiet") {
		return cli.Usagef("--json and --quiet do not go together")
	}
	entries, err := listEntries(c)
	if err != nil {
		return err
	}
	switch {
	case c.Bool("json"):
		return writeJSON(c.App.Writer, entries)
	case c.Bool("quiet"):
		for _, e := range entries {
			fmt.Fprintln(c.App.Writer, e.ID)
		}
		return nil
	}
	return writeTable(c.App.Writer, entries)
}

// listEntries reads every image and the refs that select it, sorted.
func listEntries(c *ucli.Context) ([]listEntry, error) {
	dir := c.String("store")
	if dir == "" {
		dir = store.DefaultDir()
	}
	s, err := store.Open(dir, false)
	if errors.Is(err, fs.ErrNotExist) {
		return []listEntry{}, nil
	}
	if err != nil {
		return nil, err
	}
	ims, err := s.Images()
	if err != nil {
		return nil, err
	}
	refs, err := s.Refs()
	if err != nil {
		return nil, err
	}
	entries := make([]listEntry, 0, len(ims))
	for _, im := range ims {
		entries = append(entries, newEntry(im, refs))
	}
	sortEntries(entries)
	return entries, nil
}

func newEntry(im *store.Image, refs []store.Ref) listEntry {
	e := listEntry{
		ID: im.ID, Name: im.Name(), Labels: im.Labels(),
		Size: im.Size, TarSize: im.TarSize, Compression: im.Compression,
		Source: im.Source, Signer: im.Signer, Signed: exists(im.SignaturePath()),
		Fetched: im.Fetched.UTC(), Refs: []refEntry{},
	}
	for _, r := range refs {
		if r.ID == im.ID {
			e.Refs = append(e.Refs, refEntry{Name: r.Name, Labels: r.Labels, Latest: r.Latest, Time: r.Time.UTC()})
		}
	}
	return e
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func sortEntries(entries []listEntry) {
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if la, lb := labelString(a.Labels), labelString(b.Labels); la != lb {
			return la < lb
		}
		if !a.Fetched.Equal(b.Fetched) {
			return a.Fetched.After(b.Fetched)
		}
		return a.ID < b.ID
	})
}

func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

func writeTable(w io.Writer, entries []listEntry) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLABELS\tID\tSIZE\tFETCHED")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", printable(e.Name), printable(labelString(e.Labels)),
			imageid.Short(e.ID), humanSize(e.Size), fetchedTime(e.Fetched))
	}
	return tw.Flush()
}

// labelString is "k=v,k=v" sorted by label name, or "-" for none.
func labelString(labels map[string]string) string {
	if len(labels) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(labels))
	for k, v := range labels {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// printable keeps a hostile label value from breaking the table's rows
// or columns, or talking to the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return '?'
		}
		return r
	}, s)
}

func fetchedTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// humanSize prints bytes in binary units with one decimal, as ls -lh does.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
