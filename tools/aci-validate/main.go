// Command aci-validate checks appc images strictly against the App Container
// spec.
//
// Synopsis:
//
//	aci-validate [--type auto|aci|dir|manifest] [--json] [--max-size SIZE] [FILE|DIR|-]...
//
// Each argument is an ACI (any compression, detected by magic), an image
// directory (manifest + rootfs/) or a bare manifest; "-" or no argument reads
// standard input. Archive names are checked by path component, never by
// string prefix: exactly "manifest" (a regular file) and "rootfs" (a
// directory) at the top, no absolute names, no ".." component, no duplicates
// after normalisation, hardlinks only to earlier regular files inside
// rootfs/, no sparse or unknown entry types, and at most --max-size bytes
// once decompressed. The manifest is checked field by field: names and
// labels by the spec's regular expressions, acVersion, app, isolators (an
// unknown one is a warning), mount points, ports, annotations, dependencies
// and pathWhitelist.
//
// Each problem is one line on standard output naming the file, the entry or
// field, and the rule; warnings say so. --json prints one JSON document
// instead. Exit status: 0 if every input is valid, 1 if any is not, 2 on a
// usage error.
package main

import (
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func main() { os.Exit(cli.Main(app())) }

func app() *ucli.App {
	a := cli.New("aci-validate", "check appc images, image directories and manifests against the spec")
	a.ArgsUsage = "[FILE|DIR|-]..."
	a.Description = "Each argument is an ACI (any compression, detected by magic), an image directory (manifest and rootfs/) or a bare image manifest; - or no argument reads standard input. " +
		"Archive entries are checked by path component, never by string prefix: exactly manifest (a regular file) and rootfs (a directory) at the top, no absolute names, no .. component, no duplicates after normalisation, hardlinks only to earlier regular files inside rootfs/, no sparse or unknown entry types, and at most --max-size bytes once decompressed.\n\n" +
		"The manifest is checked field by field, more strictly than actool: identifiers by the spec's regular expressions, labels against the os/arch table, acVersion (a future major version is refused), app, environment, event handlers, every isolator with its value shape (an unknown isolator is a warning), mount points, ports, annotations, dependencies and pathWhitelist.\n\n" +
		"Each problem is one line on standard output: FILE: WHERE: RULE, where WHERE is an archive entry or a manifest field. Warnings are marked and do not make an input invalid."
	a.Flags = append(a.Flags, flags...)
	a.Action = run
	a.Metadata[cli.MetaExamples] = "aci-validate app.aci\n\naci-validate --json ./image-dir manifest.json\n\ncurl -s https://example.com/app.aci | aci-validate --max-size 2G -"
	a.Metadata[cli.MetaSeeAlso] = "aci-pack(1), aci-id(1), actool(1)"
	a.Metadata[cli.MetaExit] = "0  every input is valid (warnings allowed).\n1  an input is invalid or could not be read.\n2  usage error.\n130, 143  interrupted by SIGINT or SIGTERM."
	return a
}
