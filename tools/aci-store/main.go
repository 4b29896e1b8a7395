// Command aci-store looks after the image store that aci-fetch fills.
//
// Synopsis:
//
//	aci-store [--store DIR] list [--json | -q]
//	aci-store [--store DIR] show [--info] ID|NAME
//	aci-store [--store DIR] rm ID|NAME...
//	aci-store [--store DIR] verify [--trust-dir DIR] [--trust-key FILE]... [ID|NAME...]
//	aci-store [--store DIR] gc [--dry-run]
//	aci-store [--store DIR] export [-o FILE] [--signature FILE] ID|NAME
//
// The store (--store, INTERMODAL_STORE) keeps each image as the very file
// that was fetched, so its signature can be checked again, under its image
// ID, with its manifest, its signature and what was recorded when it was
// fetched; refs name images by name and labels. docs/store.md describes
// the layout and its guarantees.
//
// An image is named by a unique prefix of its ID (at least two hex digits,
// "sha512-" optional) or by NAME[:VERSION][,LABEL=VALUE...], which selects
// as aci-fetch and rkt do: among images of that name holding every label
// asked, the one fetched as "latest" when no version is asked, else the
// newest.
//
// list prints a table (NAME, LABELS, ID, SIZE, FETCHED), one row per image,
// or JSON with --json, or full IDs with -q. A missing store lists as empty.
// show prints the stored manifest (--info: the fetch record). rm removes
// images with their refs and cache records. verify re-hashes every image
// (or those named) against its ID and checks its signature again against
// the trust store; it prints "ID: OK" or "ID: FAILED (reason)" lines like
// sha512sum -c, and notes what a crash can leave behind. gc removes images
// that no ref reaches, directly or as a dependency, and leftovers in tmp/.
// export writes an image back to a file, byte for byte as it was fetched.
//
// Exit status: 0 on success; 1 when an image is not found, is ambiguous,
// fails verification or cannot be read; 2 on a usage error.
package main

import (
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func main() { os.Exit(cli.Main(app())) }

func app() *ucli.App {
	a := cli.New("aci-store", "list, show, verify, remove, export and garbage-collect stored appc images")
	a.ArgsUsage = ""
	a.Description = "The store (--store, INTERMODAL_STORE) is the directory aci-fetch fills. It keeps each image as the very file that was fetched, so its signature can be checked again, under its image ID, with its manifest, its detached signature and a record of the fetch; refs name images by name and labels. Every write is a temporary file renamed into place, so a crash leaves the store consistent, and several processes may use one store at once. docs/store.md describes the layout.\n\n" +
		"An image is named by a unique prefix of its ID (at least two hex digits; sha512- may be left out) or by NAME[:VERSION][,LABEL=VALUE...]. A name selects as aci-fetch and rkt do: among the images of that name holding every label asked, the one fetched as latest when no version is asked, else the newest. An ID prefix shared by several images is an error."
	a.Flags = append(a.Flags, storeFlag())
	a.Commands = []*ucli.Command{listCommand(), showCommand(), rmCommand(), verifyCommand(), gcCommand(), exportCommand()}
	a.Action = noCommand
	a.Metadata[cli.MetaExamples] = "aci-store list\n\n" +
		"aci-store show example.com/app:1.0\n\n" +
		"aci-store verify --trust-key vendor.asc\n\n" +
		"aci-store export -o app.aci --signature app.aci.asc sha512-3f8a\n\n" +
		"aci-store gc --dry-run && aci-store gc\n\n" +
		"aci-store list -q | xargs aci-store rm"
	a.Metadata[cli.MetaSeeAlso] = "aci-fetch(1), aci-trust(1), aci-id(1), aci-bundle(1)"
	a.Metadata[cli.MetaExit] = "0  success; verify: every image checked is intact and, when signed, still verifies.\n" +
		"1  an image was not found or is ambiguous, failed verification, or could not be read or removed.\n" +
		"2  usage error: unknown command or flag, missing or extra argument.\n" +
		"130, 143  interrupted by SIGINT or SIGTERM."
	return a
}

func storeFlag() ucli.Flag {
	return &ucli.StringFlag{
		Name:        "store",
		EnvVars:     []string{"INTERMODAL_STORE"},
		Usage:       "the image store `DIR`",
		DefaultText: "/var/lib/intermodal/store as root, else $XDG_DATA_HOME/intermodal/store",
	}
}

// noCommand runs when no known command was given.
func noCommand(c *ucli.Context) error {
	if c.Args().Present() {
		return cli.Usagef("unknown command %q (want list, show, rm, verify, gc or export)", c.Args().First())
	}
	return cli.Usagef("missing command (list, show, rm, verify, gc or export)")
}
