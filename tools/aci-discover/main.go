// Command aci-discover finds where an appc image, its signature and its
// publisher's keys live, by appc meta discovery.
//
// Synopsis:
//
//	aci-discover [--json] [--port N] [--ca-file FILE] [--timeout DURATION]
//	             [--insecure-allow-http] [--insecure-skip-tls-verify] [-v]
//	             NAME[:VERSION][,LABEL=VALUE...]
//
// aci-discover fetches https://NAME?ac-discovery=1 and reads the page's
// ac-discovery and ac-discovery-pubkeys meta tags. Only tags whose prefix
// covers NAME by whole path components count (example.com/etc never covers
// example.com/etcd). Each ac-discovery template is rendered with {name},
// {ext} (aci, then aci.asc) and every label ({version}, {os}, {arch}, or any
// other); a template with a variable left unfilled, without {ext}, or that
// does not give an absolute URL is dropped. While a level gives nothing
// usable (an HTTP error, a network failure, no matching tag, no template
// that renders) it walks up the name's path: example.com/a/b, then
// example.com/a, then example.com. Images come from the first level with a
// rendered template, every one of them in page order (mirrors); keys from
// the first level with a matching pubkeys tag, and may be missing.
//
// The version defaults to "latest", and os and arch to this machine's, in
// appc's names (linux, amd64, aarch64, i386, armv7l: never Go's arm64 or
// 386).
//
// Output, one line per URL: "aci URL" and "asc URL" for each image, then
// "key URL" for each key. With --json it prints one JSON document instead,
// {"name","labels","images":[{"aci","asc"}],"keys":[...]}, which aci-fetch
// reads on standard input.
//
// Requests are HTTPS only. --insecure-allow-http also tries http:// for a
// level where https:// failed and follows redirects from https to http;
// --insecure-skip-tls-verify turns certificate checks off; each prints a
// warning. --ca-file adds CA certificates (SSL_CERT_FILE and SSL_CERT_DIR
// replace the system ones). --port sends every request to another port,
// since names cannot carry one. Each page must arrive whole within
// --timeout and is capped at 1 MiB.
//
// Exit status: 0 when at least one image was found; 1 when discovery failed
// (the message lists every URL tried and why) or NAME is invalid; 2 on a
// usage error.
package main

import (
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func main() { os.Exit(cli.Main(app())) }

func app() *ucli.App {
	a := cli.New("aci-discover", "find an appc image's URLs, signature and keys by meta discovery")
	a.ArgsUsage = "NAME[:VERSION][,LABEL=VALUE...]"
	a.Description = "Fetches https://NAME?ac-discovery=1 and reads the page's ac-discovery and ac-discovery-pubkeys meta tags. Only tags whose prefix covers NAME by whole path components count (example.com/etc never covers example.com/etcd). Each ac-discovery template is rendered with {name}, {ext} (aci, then aci.asc) and every label ({version}, {os}, {arch} or any other); a template with a variable left unfilled, without {ext}, or that does not give an absolute URL is dropped.\n\n" +
		"While a level gives nothing usable (an HTTP error, a network failure, no matching tag, no template that renders) discovery walks up the name's path: example.com/a/b, then example.com/a, then example.com. Each page is fetched once. Images come from the first level with a rendered template, all of them in page order (mirrors); keys come from the first level with a matching pubkeys tag, and may be missing.\n\n" +
		"The version defaults to latest, and os and arch to this machine's in appc's names (linux, amd64, aarch64, i386, armv7l; never Go's arm64 or 386).\n\n" +
		"Output is one line per URL: \"aci URL\" and \"asc URL\" for each image, then \"key URL\" for each key. With --json it is one JSON document, {\"name\",\"labels\",\"images\":[{\"aci\",\"asc\"}],\"keys\":[...]}, which aci-fetch reads on standard input.\n\n" +
		"Requests are HTTPS only unless --insecure-allow-http; each page must arrive whole within --timeout and is capped at 1 MiB. When discovery fails, the message lists every URL tried and why it gave nothing."
	a.Flags = append(a.Flags, flags...)
	a.Action = run
	a.Metadata[cli.MetaExamples] = "aci-discover example.com/app:1.0\n\n" +
		"aci-discover --json example.com/app,os=linux,arch=aarch64 | aci-fetch -\n\n" +
		"aci-discover example.com/app | awk '$1 == \"aci\" { print $2; exit }'\n\n" +
		"aci-discover --port 8443 --ca-file test-ca.pem 127.0.0.1/app"
	a.Metadata[cli.MetaSeeAlso] = "aci-fetch(1), aci-trust(1), actool(1)"
	a.Metadata[cli.MetaExit] = "0  at least one image was found.\n1  discovery failed (every URL tried is listed), or NAME is invalid.\n2  usage error.\n130, 143  interrupted by SIGINT or SIGTERM."
	return a
}
