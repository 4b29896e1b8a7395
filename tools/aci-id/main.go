// Command aci-id prints the identity of appc images.
//
// Synopsis:
//
//	aci-id [--short] [--max-size SIZE] [FILE|-]...
//	aci-id --check LIST
//	aci-id --rootfs DIR --tar-split META [--manifest FILE]
//
// For each image, aci-id prints "sha512-HEX  NAME" as sha512sum does: HEX is
// the sha512 of the whole decompressed tar stream, whatever the compression
// (gzip, bzip2, xz, zstd or none, detected by magic), which is the image ID
// appc defines. With no FILE, or with "-", it reads standard input.
//
// --short prints the 32-hex display form rkt shows. --check reads lines in
// the format aci-id prints and verifies each, printing "NAME: OK" or
// "NAME: FAILED". --rootfs with --tar-split rebuilds the tar of an unpacked
// tree from the metadata aci-pack --tar-split wrote and prints the ID the
// image had, never following a symlink out of DIR.
//
// Exit status: 0 when every image was identified (and, with --check, matched);
// 1 when any could not be read or did not match; 2 on a usage error.
package main

import (
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func main() { os.Exit(cli.Main(app())) }

func app() *ucli.App {
	a := cli.New("aci-id", "print or check appc image IDs (sha512 of the uncompressed tar)")
	a.ArgsUsage = "[FILE|-]..."
	a.Description = "Prints \"sha512-HEX  NAME\" for each image, like sha512sum: HEX is the sha512 of the whole decompressed tar stream, whatever the compression (detected by magic, not by name). This is the image ID of the App Container spec. With no FILE, or with -, it reads standard input. Decompression and hashing run concurrently.\n\n" +
		"With --check it verifies a list in that format. With --rootfs and --tar-split it rebuilds the tar of an unpacked tree from tar-split metadata and prints the ID the image had, so a rendered tree can be proven to be its image; no symlink is followed out of the tree."
	a.Flags = append(a.Flags, flags...)
	a.Action = run
	a.Metadata[cli.MetaExamples] = "aci-id app.aci\n\naci-id app.aci > app.aci.id && aci-id --check app.aci.id\n\ncurl -s https://example.com/app.aci | aci-id\n\naci-pack --tar-split app.tsm -o app.aci ./app && tar -C /tmp/x -xf app.aci && aci-id --rootfs /tmp/x/rootfs --tar-split app.tsm"
	a.Metadata[cli.MetaSeeAlso] = "aci-pack(1), aci-validate(1), sha512sum(1)"
	a.Metadata[cli.MetaExit] = "0  every image was identified (with --check: every line matched).\n1  an image could not be read, was not an image, or did not match.\n2  usage error.\n130, 143  interrupted by SIGINT or SIGTERM."
	return a
}
