package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/trust"
	ucli "github.com/urfave/cli/v2"
)

func addCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "add",
		Usage:     "trust the keys of a file, a URL or the prefix's discovery",
		ArgsUsage: "[KEYFILE|URL|-]",
		Description: "Trusts the keys of KEYFILE (- for standard input) or URL for --prefix, or with --root for every name. With --prefix and no key, the keys are found by appc discovery of the prefix (its ac-discovery-pubkeys tags). Armored keys (any number of blocks) and binary keyrings are read, and every key in them is offered.\n\n" +
			"Each key's fingerprint and user IDs are shown on standard error and, on a terminal, confirmed one by one. Without a terminal add refuses unless --yes accepts every key, or --fingerprint names the keys to accept: the others are skipped, and a named fingerprint that is missing is an error. Secret keys, revoked or expired keys and keys that cannot sign are refused. Adding a key already trusted changes nothing. The path of each key file written is printed on standard output.",
		Flags: append([]ucli.Flag{
			prefixFlag, rootFlag,
			&ucli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "trust every key offered without asking"},
			&ucli.StringSliceFlag{Name: "fingerprint", Usage: "trust only the key with fingerprint `FPR` (repeatable), without asking"},
			&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "do not show the keys (with --yes or --fingerprint)"},
			trustDirFlag,
		}, netFlags...),
		Action: runAdd,
	}
}

func runAdd(c *ucli.Context) error {
	args, err := cli.Args(c, 0, 1)
	if err != nil {
		return err
	}
	prefix, err := scope(c)
	if err != nil {
		return err
	}
	want, err := wantedFingerprints(c)
	if err != nil {
		return err
	}
	offers, err := sources(c, prefix, args)
	if err != nil {
		return err
	}
	offers, err = selectOffers(c, offers, want)
	if err != nil {
		return err
	}
	if err := checkOffers(offers); err != nil {
		return err
	}
	offers, err = review(c, offers, prefix, len(want) > 0, len(args) == 1 && args[0] == cli.Stdin)
	if err != nil {
		return err
	}
	return add(c, prefix, offers)
}

// wantedFingerprints are the --fingerprint values, normalised.
func wantedFingerprints(c *ucli.Context) (map[string]bool, error) {
	want := map[string]bool{}
	for _, f := range c.StringSlice("fingerprint") {
		n, err := trust.NormalizeFingerprint(f)
		if err != nil {
			return nil, cli.Usagef("--fingerprint: %v", err)
		}
		want[n] = true
	}
	if len(want) > 0 && c.Bool("yes") {
		return nil, cli.Usagef("--yes and --fingerprint exclude each other")
	}
	return want, nil
}

// selectOffers keeps the keys --fingerprint names, all of which must be
// there; without --fingerprint it keeps every key.
func selectOffers(c *ucli.Context, offers []offer, want map[string]bool) ([]offer, error) {
	if len(want) == 0 {
		return offers, nil
	}
	var out []offer
	found := map[string]bool{}
	for _, o := range offers {
		fpr := trust.Fingerprint(o.ent)
		if !want[fpr] {
			fmt.Fprintf(c.App.ErrWriter, "aci-trust: skipping key %s from %s: not among --fingerprint\n", fpr, o.from)
			continue
		}
		found[fpr] = true
		out = append(out, o)
	}
	var missing []string
	for f := range want {
		if !found[f] {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no key with fingerprint %s among the keys offered: nothing added", strings.Join(sorted(missing), ", "))
	}
	return out, nil
}

// checkOffers refuses the lot if any key is unfit to trust.
func checkOffers(offers []offer) error {
	for _, o := range offers {
		if err := trust.CheckKey(o.ent, time.Now()); err != nil {
			return fmt.Errorf("%s: key %s: %w", o.from, trust.Fingerprint(o.ent), err)
		}
	}
	return nil
}

// errNoTerminal explains how to add keys where nobody can be asked.
var errNoTerminal = errors.New("no terminal to confirm the keys on: check the fingerprints shown and name them with --fingerprint FPR (or accept all with --yes)")

// review shows each key and keeps those accepted: by --yes or
// --fingerprint, or by a person on a terminal.
func review(c *ucli.Context, offers []offer, prefix string, pinned, stdinIsSource bool) ([]offer, error) {
	decided := pinned || c.Bool("yes")
	if !decided || !c.Bool("quiet") {
		for _, o := range offers {
			describe(c.App.ErrWriter, o, prefix)
		}
	}
	if decided {
		return offers, nil
	}
	tty := openTerminal(c, stdinIsSource)
	if tty == nil {
		return nil, errNoTerminal
	}
	defer tty.close()
	var out []offer
	for _, o := range offers {
		q := fmt.Sprintf("Trust key %s for %s?", trust.Fingerprint(o.ent), scopeText(prefix))
		if tty.ask(c.App.ErrWriter, q) {
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no key accepted: nothing added")
	}
	return out, nil
}

func add(c *ucli.Context, prefix string, offers []offer) error {
	ents := make([]*openpgp.Entity, len(offers))
	for i, o := range offers {
		ents[i] = o.ent
	}
	keys, err := store(c).Add(prefix, ents)
	if err != nil {
		return err
	}
	for _, k := range keys {
		fmt.Fprintf(c.App.ErrWriter, "aci-trust: trusted key %s for %s\n", k.Fingerprint, scopeText(prefix))
		fmt.Fprintln(c.App.Writer, k.Path)
	}
	return nil
}
