// Command aci-fetch fetches appc images into the image store, verified.
//
// Synopsis:
//
//	aci-fetch [OPTIONS] NAME[:VERSION][,LABEL=VALUE...]
//	aci-fetch [OPTIONS] https://HOST/PATH.aci | http://... | file:///PATH | PATH
//	aci-discover --json NAME | aci-fetch [OPTIONS] -
//
// aci-fetch finds an image by name (appc discovery, done in-process), by
// URL or path, or from aci-discover's JSON on standard input; downloads it
// over HTTPS; checks its detached OpenPGP signature over the exact bytes
// downloaded with the keys aci-trust trusts for the requested name, before
// anything is decompressed; then decompresses it once while hashing its ID
// and validating its layout and manifest, whose name and labels must be
// the ones asked for. Dependencies are fetched the same way. Only when all
// of that has passed is anything written to the store; the image ID is
// printed on standard output.
//
// Exit status: 0 fetched (or found in the store); 1 on any failure, with
// the store left as it was; 2 on a usage error.
package main

import (
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func main() { os.Exit(cli.Main(app())) }

func app() *ucli.App {
	a := cli.New("aci-fetch", "fetch, verify and store appc images")
	a.ArgsUsage = "NAME[:VERSION][,LABEL=VALUE...] | URL | PATH | -"
	a.Description = "Finds an image by name (appc meta discovery, in-process), by https/http/file URL or path, or from the JSON of aci-discover --json on standard input (-). " +
		"The detached signature (IMAGE.aci.asc beside the image, or --signature) is checked over the exact downloaded bytes with the keys trusted for the requested name (see aci-trust) before anything is decompressed; " +
		"for a URL, where no name was asked, every trusted key may have signed and the name inside must then be one the signer is trusted for. " +
		"The image is then decompressed once while its ID is hashed and its layout and manifest are validated; the manifest's name and asked labels must match. " +
		"Dependencies are fetched the same way, their IDs checked, cycles refused. Nothing is written to the store until the image and all its dependencies have passed, and a failure leaves the store as it was. " +
		"Prints the image ID.\n\n" +
		"Downloads resume with Range after a cut connection and are retried with backoff on 5xx and network errors; ETag/If-None-Match and Cache-Control max-age are honoured under --pull-policy update. " +
		"The store (--store, INTERMODAL_STORE) is described in aci-store(1)."
	a.Flags = append(a.Flags, flags...)
	a.Action = run
	a.Metadata[cli.MetaExamples] = "aci-trust add --prefix example.com/app && aci-fetch example.com/app:1.0\n\n" +
		"aci-fetch --pull-policy never example.com/app:1.0   # from the store only\n\n" +
		"aci-discover --json example.com/app | aci-fetch -\n\n" +
		"aci-fetch --signature app.aci.asc ./app.aci\n\n" +
		"aci-fetch --no-store -o app.aci https://example.com/app-1.0.aci"
	a.Metadata[cli.MetaSeeAlso] = "aci-discover(1), aci-trust(1), aci-store(1), aci-bundle(1), gpg(1)"
	a.Metadata[cli.MetaExit] = "0  fetched, or found in the store as the pull policy allows; the ID is printed.\n1  discovery, transfer, signature, validation or matching failed; the store is unchanged.\n2  usage error.\n130, 143  interrupted by SIGINT or SIGTERM; the store is unchanged."
	return a
}
