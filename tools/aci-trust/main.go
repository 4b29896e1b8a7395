// Command aci-trust manages the keys trusted to sign appc images.
//
// Synopsis:
//
//	aci-trust add (--prefix PREFIX | --root) [--yes | --fingerprint FPR...]
//	              [--trust-dir DIR] [--port N] [--ca-file FILE] [--timeout D]
//	              [--insecure-allow-http] [--insecure-skip-tls-verify] [-q]
//	              [KEYFILE|URL|-]
//	aci-trust list [--json] [--prefix PREFIX | --root | --name NAME] [--trust-dir DIR]
//	aci-trust remove (--prefix PREFIX | --root) [--trust-dir DIR] FINGERPRINT...
//
// The trust store is a directory in rkt's layout: DIR/root.d/FPR keys are
// trusted for every image name, DIR/prefix.d/PREFIX/FPR keys for PREFIX
// and the names under it, by whole path components (a key for
// example.com/etc is never trusted for example.com/etcd). Each file holds
// one armored public key and is named by its lowercase hex fingerprint.
//
// Two directories are read: the local one, which aci-trust writes
// (--trust-dir, else $INTERMODAL_TRUST_DIR, else /etc/intermodal/trustedkeys
// as root, else $XDG_CONFIG_HOME/intermodal/trustedkeys), and the read-only
// vendor one, /usr/share/intermodal/trustedkeys ($INTERMODAL_VENDOR_TRUST_DIR
// replaces it; set but empty, it turns vendor keys off; --trust-dir does
// not). They are read in rkt's order, vendor root.d, local root.d, vendor
// prefix.d, local prefix.d, and an empty file removes the key of its name
// read before it: that is how a vendor key is distrusted.
//
// add trusts the keys of KEYFILE (- for standard input) or URL for
// --prefix or, with --root, for every name. With --prefix and no key, the
// keys are found by appc discovery of the prefix (ac-discovery-pubkeys).
// Armored keys (any number of blocks) and binary keyrings are read; every
// key in them is offered. Each key's fingerprint and user IDs are shown on
// standard error and, on a terminal, confirmed one by one. Without a
// terminal add refuses unless --yes accepts every key or --fingerprint
// names the ones to accept (the others are skipped; a named fingerprint
// that is missing is an error). Secret keys, revoked or expired keys and
// keys that cannot sign are refused. Adding a key already trusted changes
// nothing. The path of each key file written is printed on standard
// output.
//
// list prints the keys, one a line: prefix ("(root)" for root.d keys),
// fingerprint, directory, user IDs; --json prints a JSON array of
// {"fingerprint","prefix","userIDs","path","vendor"} instead. --name lists
// the keys trusted for an image name, after masking.
//
// remove stops trusting keys for --prefix or --root: a local key file is
// deleted, and a vendor key is masked by an empty local file.
//
// Keys are fetched over HTTPS only; --insecure-allow-http allows plain HTTP
// and --insecure-skip-tls-verify turns certificate checks off, each with a
// warning. Files appear whole or not at all (written under a temporary
// name and renamed), so concurrent runs are safe without a lock.
//
// Exit status: 0 on success; 1 when a key could not be read, fetched,
// confirmed or trusted, or a key to remove is not in the store; 2 on a
// usage error.
package main

import (
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func main() { os.Exit(cli.Main(app())) }

func app() *ucli.App {
	a := cli.New("aci-trust", "manage the OpenPGP keys trusted to sign appc images")
	a.Description = "The trust store is a directory in rkt's layout: DIR/root.d/FPR keys are trusted for every image name, DIR/prefix.d/PREFIX/FPR keys for PREFIX and the names under it, by whole path components (a key for example.com/etc is never trusted for example.com/etcd). Each file holds one armored public key and is named by its lowercase hex fingerprint.\n\n" +
		"Two directories are read: the local one, which aci-trust writes (--trust-dir, else $INTERMODAL_TRUST_DIR, else /etc/intermodal/trustedkeys as root, else $XDG_CONFIG_HOME/intermodal/trustedkeys), and the read-only vendor one, /usr/share/intermodal/trustedkeys ($INTERMODAL_VENDOR_TRUST_DIR replaces it; set but empty, it turns vendor keys off; --trust-dir does not). They are read in rkt's order, vendor root.d, local root.d, vendor prefix.d, local prefix.d, and an empty file removes the key of its name read before it: that is how a vendor key is distrusted.\n\n" +
		"Keys are fetched over HTTPS only unless --insecure-allow-http. Files appear whole or not at all (written under a temporary name and renamed), so concurrent runs are safe without a lock."
	a.Commands = []*ucli.Command{addCommand(), listCommand(), removeCommand()}
	a.Metadata[cli.MetaExamples] = "aci-trust add --prefix example.com/app pubkeys.asc\n\n" +
		"aci-trust add --prefix example.com --fingerprint 8b86de38890ddb7291867b025210bd8888182190 https://example.com/pubkeys.gpg\n\n" +
		"aci-trust add --prefix example.com/app\n\n" +
		"gpg --export signer@example.com | aci-trust add --root --yes -\n\n" +
		"aci-trust list --name example.com/app\n\n" +
		"aci-trust remove --prefix example.com/app 8b86de38890ddb7291867b025210bd8888182190"
	a.Metadata[cli.MetaSeeAlso] = "aci-fetch(1), aci-discover(1), aci-store(1), gpg(1)"
	a.Metadata[cli.MetaExit] = "0  success.\n1  a key could not be read, fetched, confirmed or trusted, or a key to remove is not in the store.\n2  usage error.\n130, 143  interrupted by SIGINT or SIGTERM."
	return a
}
