package main

import (
	"fmt"
	"io"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/discovery"
	"github.com/intermodal/intermodal/lib/httpclient"
	ucli "github.com/urfave/cli/v2"
)

var flags = []ucli.Flag{
	&ucli.BoolFlag{Name: "json", Usage: "print one JSON document (for aci-fetch) instead of lines"},
	&ucli.IntFlag{Name: "port", Usage: "send discovery requests to `PORT` instead of 443 (or 80 for plain HTTP): for testing and non-standard servers"},
	&ucli.StringFlag{Name: "ca-file", Usage: "trust the CA certificates in PEM `FILE` too (SSL_CERT_FILE replaces the system ones)"},
	&ucli.DurationFlag{Name: "timeout", Value: httpclient.DefaultTimeout, Usage: "give up on a page that has not arrived whole after `DURATION`"},
	&ucli.BoolFlag{Name: "insecure-allow-http", Usage: "also try plain HTTP, and follow redirects to it (warns)"},
	&ucli.BoolFlag{Name: "insecure-skip-tls-verify", Usage: "do not check TLS certificates (warns)"},
	&ucli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print each URL tried and its outcome on standard error"},
}

var insecureWhat = map[string]string{
	"insecure-allow-http":      "plain HTTP allowed; anyone on the path can change the URLs discovered",
	"insecure-skip-tls-verify": "TLS certificates are not checked",
}

func run(c *ucli.Context) error {
	args, err := cli.Args(c, 1, 1)
	if err != nil {
		return err
	}
	app, err := discovery.ParseApp(args[0])
	if err != nil {
		return err
	}
	o, err := options(c)
	if err != nil {
		return err
	}
	res, err := discovery.Discover(c.Context, app.WithDefaults(), o)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return res.WriteJSON(c.App.Writer)
	}
	return writeLines(c.App.Writer, res)
}

// options builds the client from the flags, warning about each check
// turned off.
func options(c *ucli.Context) (discovery.Options, error) {
	client, err := cli.HTTPClient(c, insecureWhat)
	if err != nil {
		return discovery.Options{}, err
	}
	o := discovery.Options{Client: client, Port: c.Int("port"), InsecureHTTP: c.Bool("insecure-allow-http")}
	if c.Bool("verbose") {
		o.Observe = func(a discovery.Attempt) { report(c.App.ErrWriter, a) }
	}
	return o, nil
}

func report(w io.Writer, a discovery.Attempt) {
	outcome := "ok"
	if a.Err != nil {
		outcome = a.Err.Error()
	}
	fmt.Fprintf(w, "aci-discover: GET %s: %s\n", a.URL, outcome)
}

func writeLines(w io.Writer, res *discovery.Result) error {
	for _, ep := range res.Images {
		if _, err := fmt.Fprintf(w, "aci %s\nasc %s\n", ep.ACI, ep.ASC); err != nil {
			return err
		}
	}
	for _, k := range res.Keys {
		if _, err := fmt.Fprintf(w, "key %s\n", k); err != nil {
			return err
		}
	}
	return nil
}
