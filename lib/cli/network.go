package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/intermodal/intermodal/lib/httpclient"
)

// HTTPClient builds a networked tool's client from the suite's flags:
// --ca-file, --timeout, --insecure-allow-http and --insecure-skip-tls-verify,
// with --port checked when the tool has it. A bad value is a usage error.
// warnings names, for each insecure flag the tool defines, what turning
// that check off means in that tool; each one given is said on stderr.
func HTTPClient(c *ucli.Context, warnings map[string]string) (*httpclient.Client, error) {
	if p := c.Int("port"); p < 0 || p > 65535 {
		return nil, Usagef("--port: %d is not a port number (1-65535)", p)
	}
	if c.IsSet("timeout") && c.Duration("timeout") <= 0 {
		return nil, Usagef("--timeout: must be more than 0")
	}
	for _, f := range []string{"insecure-allow-http", "insecure-skip-tls-verify", "insecure-skip-verify"} {
		if c.Bool(f) {
			fmt.Fprintf(c.App.ErrWriter, "%s: warning: --%s: %s\n", c.App.Name, f, warnings[f])
		}
	}
	return httpclient.New(httpclient.Options{
		CAFile:                c.String("ca-file"),
		InsecureSkipTLSVerify: c.Bool("insecure-skip-tls-verify"),
		AllowHTTP:             c.Bool("insecure-allow-http"),
		Timeout:               c.Duration("timeout"),
		UserAgent:             c.App.Name + "/" + Version,
	})
}
