package main

import (
	"fmt"
	"net/http"
	"strings"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/discovery"
	"github.com/intermodal/intermodal/lib/httpclient"
	"github.com/intermodal/intermodal/lib/trust"
	ucli "github.com/urfave/cli/v2"
)

var netFlags = []ucli.Flag{
	&ucli.IntFlag{Name: "port", Usage: "send discovery requests to `PORT` (testing and non-standard servers)"},
	&ucli.StringFlag{Name: "ca-file", Usage: "trust the CA certificates in PEM `FILE` too (SSL_CERT_FILE replaces the system ones)"},
	&ucli.DurationFlag{Name: "timeout", Value: httpclient.DefaultTimeout, Usage: "give up on a connection silent for `DURATION`"},
	&ucli.BoolFlag{Name: "insecure-allow-http", Usage: "allow keys and discovery over plain HTTP (warns)"},
	&ucli.BoolFlag{Name: "insecure-skip-tls-verify", Usage: "do not check TLS certificates (warns)"},
}

var insecureWhat = map[string]string{
	"insecure-allow-http":      "plain HTTP allowed; anyone on the path can replace the keys",
	"insecure-skip-tls-verify": "TLS certificates are not checked; anyone on the path can replace the keys",
}

// offer is a key read from a source, for review.
type offer struct {
	ent  *openpgp.Entity
	from string // a file name, "-" or a URL
}

// sources reads the keys of the argument, or discovers them for prefix.
// Each key is offered once, from the first source that had it.
func sources(c *ucli.Context, prefix string, args []string) ([]offer, error) {
	var offers []offer
	var err error
	switch {
	case len(args) == 1 && isURL(args[0]):
		offers, err = fetchOffers(c, []string{args[0]})
	case len(args) == 1:
		offers, err = fileOffers(c, args[0])
	case prefix == "":
		return nil, cli.Usagef("--root needs a KEYFILE or URL: keys for every name are never discovered")
	default:
		offers, err = discoverOffers(c, prefix)
	}
	return dedupe(offers), err
}

func isURL(s string) bool { return strings.Contains(s, "://") }

func fileOffers(c *ucli.Context, name string) ([]offer, error) {
	f, err := cli.Open(c, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := trust.ReadKeys(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return offersFrom(ents, name), nil
}

func offersFrom(ents []*openpgp.Entity, from string) []offer {
	out := make([]offer, len(ents))
	for i, e := range ents {
		out[i] = offer{ent: e, from: from}
	}
	return out
}

func dedupe(offers []offer) []offer {
	seen := map[string]bool{}
	var out []offer
	for _, o := range offers {
		if fpr := trust.Fingerprint(o.ent); !seen[fpr] {
			seen[fpr] = true
			out = append(out, o)
		}
	}
	return out
}

// client builds the HTTP client from the flags, warning about each check
// turned off.
func client(c *ucli.Context) (*httpclient.Client, error) {
	return cli.HTTPClient(c, insecureWhat)
}

func fetchOffers(c *ucli.Context, urls []string) ([]offer, error) {
	cl, err := client(c)
	if err != nil {
		return nil, err
	}
	return fetchAll(c, cl, urls)
}

func fetchAll(c *ucli.Context, cl *httpclient.Client, urls []string) ([]offer, error) {
	var offers []offer
	for _, u := range urls {
		ents, err := fetchKeys(c, cl, u)
		if err != nil {
			return nil, err
		}
		offers = append(offers, offersFrom(ents, u)...)
	}
	return offers, nil
}

func fetchKeys(c *ucli.Context, cl *httpclient.Client, url string) ([]*openpgp.Entity, error) {
	resp, err := cl.Get(c.Context, url, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	body := httpclient.IdleReader(resp.Body, cl.Options.Timeout)
	defer body.Close()
	ents, err := trust.ReadKeys(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return ents, nil
}

// discoverOffers finds the prefix's key URLs by appc discovery and fetches
// every one.
func discoverOffers(c *ucli.Context, prefix string) ([]offer, error) {
	cl, err := client(c)
	if err != nil {
		return nil, err
	}
	o := discovery.Options{Client: cl, Port: c.Int("port"), InsecureHTTP: c.Bool("insecure-allow-http")}
	urls, err := discovery.DiscoverKeys(c.Context, prefix, o)
	if err != nil {
		return nil, err
	}
	for _, u := range urls {
		fmt.Fprintf(c.App.ErrWriter, "aci-trust: prefix %s publishes keys at %s\n", prefix, u)
	}
	return fetchAll(c, cl, urls)
}
