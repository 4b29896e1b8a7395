package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/trust"
	ucli "github.com/urfave/cli/v2"
)

func removeCommand() *ucli.Command {
	return &ucli.Command{
		Name:        "remove",
		Usage:       "stop trusting keys for a prefix or for every name",
		ArgsUsage:   "FINGERPRINT...",
		Description: "Stops trusting each key for --prefix, or with --root for every name: a key file in the local directory is deleted, and a vendor key, which cannot be deleted, is masked by an empty file of the same name in the local directory. A key that is not trusted there is an error. Fingerprints may be written as gpg shows them, in upper case and groups.",
		Flags:       []ucli.Flag{prefixFlag, rootFlag, trustDirFlag},
		Action:      runRemove,
	}
}

func runRemove(c *ucli.Context) error {
	args, err := cli.Args(c, 1, -1)
	if err != nil {
		return err
	}
	prefix, err := scope(c)
	if err != nil {
		return err
	}
	fprs := make([]string, len(args))
	for i, a := range args {
		if fprs[i], err = trust.NormalizeFingerprint(a); err != nil {
			return cli.Usagef("%v", err)
		}
	}
	s := store(c)
	for _, fpr := range fprs {
		if err := s.Remove(fpr, prefix); err != nil {
			return err
		}
		report(c, s, fpr, prefix)
	}
	return nil
}

// report says what removing did: a deleted file, or a vendor key masked.
func report(c *ucli.Context, s *trust.Store, fpr, prefix string) {
	dir := filepath.Join(s.Local, "root.d")
	if prefix != "" {
		dir = filepath.Join(s.Local, "prefix.d", filepath.FromSlash(prefix))
	}
	mask := filepath.Join(dir, fpr)
	if st, err := os.Stat(mask); err == nil && st.Size() == 0 {
		fmt.Fprintf(c.App.ErrWriter, "aci-trust: key %s is a vendor key: masked it for %s with the empty file %s\n", fpr, scopeText(prefix), mask)
		return
	}
	fmt.Fprintf(c.App.ErrWriter, "aci-trust: removed key %s for %s\n", fpr, scopeText(prefix))
}
