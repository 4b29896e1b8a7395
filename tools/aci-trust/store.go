package main

import (
	"fmt"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/trust"
	ucli "github.com/urfave/cli/v2"
)

var trustDirFlag = &ucli.StringFlag{
	Name:    "trust-dir",
	EnvVars: []string{trust.EnvTrustDir},
	Usage:   "the local trust directory `DIR` (default: /etc/intermodal/trustedkeys as root, else $XDG_CONFIG_HOME/intermodal/trustedkeys)",
}

var prefixFlag = &ucli.StringFlag{Name: "prefix", Usage: "the image name `PREFIX` the keys are for (example.com/app)"}

var rootFlag = &ucli.BoolFlag{Name: "root", Usage: "keys for every image name (root.d)"}

// store is the trust store the flags name.
func store(c *ucli.Context) *trust.Store {
	s := trust.DefaultStore()
	if d := c.String(trustDirFlag.Name); d != "" {
		s.Local = d
	}
	return s
}

// scope returns the prefix --prefix or --root names ("" for root); exactly
// one of them must be given.
func scope(c *ucli.Context) (string, error) {
	prefix, root := c.String(prefixFlag.Name), c.Bool(rootFlag.Name)
	switch {
	case c.IsSet(prefixFlag.Name) && root:
		return "", cli.Usagef("--prefix and --root exclude each other")
	case root:
		return "", nil
	case !c.IsSet(prefixFlag.Name):
		return "", cli.Usagef("say which names the keys are for: --prefix PREFIX or --root")
	}
	if err := trust.CheckPrefix(prefix); err != nil {
		return "", cli.Usagef("--prefix: %v", err)
	}
	return prefix, nil
}

// scopeText names a scope in messages.
func scopeText(prefix string) string {
	if prefix == "" {
		return "every image name (root)"
	}
	return fmt.Sprintf("prefix %s", prefix)
}
