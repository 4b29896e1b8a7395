package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/discovery"
	"github.com/intermodal/intermodal/lib/fetch"
	"github.com/intermodal/intermodal/lib/httpclient"
	"github.com/intermodal/intermodal/lib/store"
	"github.com/intermodal/intermodal/lib/trust"
	ucli "github.com/urfave/cli/v2"
)

var flags = []ucli.Flag{
	&ucli.StringFlag{Name: "store", EnvVars: []string{"INTERMODAL_STORE"}, Usage: "image store `DIR` (default: /var/lib/intermodal/store as root, else $XDG_DATA_HOME/intermodal/store)"},
	&ucli.StringFlag{Name: "trust-dir", EnvVars: []string{"INTERMODAL_TRUST_DIR"}, Usage: "trusted keys `DIR` (default: /etc/intermodal/trustedkeys as root, else $XDG_CONFIG_HOME/intermodal/trustedkeys; vendor keys in /usr/share/intermodal/trustedkeys)"},
	&ucli.StringSliceFlag{Name: "trust-key", Usage: "also trust the public keys in `FILE` for every name, for this fetch only (repeatable)"},
	&ucli.StringFlag{Name: "signature", Usage: "detached signature `FILE` for an image given by path or URL"},
	&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "also write the image file, exactly as fetched, to `FILE` (- for stdout)"},
	&ucli.BoolFlag{Name: "no-store", Usage: "with -o: write the file only, leave the store alone (dependencies are not fetched)"},
	&ucli.BoolFlag{Name: "overwrite", Usage: "replace an existing -o FILE"},
	&ucli.StringFlag{Name: "pull-policy", Value: "update", Usage: "`POLICY`: new (use the store when it has the image), update (ask the server; reuse what has not changed), never (store only)"},
	&ucli.StringFlag{Name: "max-size", Value: "32G", EnvVars: []string{"INTERMODAL_MAX_SIZE"}, Usage: "refuse images over `SIZE`, downloaded or decompressed (K, M, G, T suffixes; 0 = no limit)"},
	&ucli.BoolFlag{Name: "no-deps", Usage: "do not fetch the image's dependencies"},
	&ucli.StringFlag{Name: "ca-file", Usage: "trust the CA certificates in PEM `FILE` too (SSL_CERT_FILE replaces the system ones)"},
	&ucli.IntFlag{Name: "port", Usage: "send discovery requests to `PORT` (testing and non-standard servers)"},
	&ucli.DurationFlag{Name: "timeout", Value: httpclient.DefaultTimeout, Usage: "give up on a connection, or a body that stalls, after `DURATION`"},
	&ucli.IntFlag{Name: "retries", Value: 4, Usage: "try a failed transfer `N` more times, with backoff"},
	&ucli.DurationFlag{Name: "retry-delay", Value: 500 * time.Millisecond, Usage: "first wait before a retry, doubled each time"},
	&ucli.BoolFlag{Name: "insecure-allow-http", Usage: "allow plain HTTP for discovery, images and signatures (warns)"},
	&ucli.BoolFlag{Name: "insecure-skip-tls-verify", Usage: "do not check TLS certificates (warns)"},
	&ucli.BoolFlag{Name: "insecure-skip-verify", Usage: "do not check signatures (warns)"},
	&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no warnings or progress on standard error"},
}

func run(c *ucli.Context) error {
	args, err := cli.Args(c, 1, 1)
	if err != nil {
		return err
	}
	errw := c.App.ErrWriter
	warn := func(msg string) {
		if !c.Bool("quiet") || strings.HasPrefix(msg, "warning: ") {
			fmt.Fprintf(errw, "aci-fetch: %s\n", cli.OneLine(msg))
		}
	}
	policy, err := fetch.ParsePullPolicy(c.String("pull-policy"))
	if err != nil {
		return cli.Usagef("--pull-policy: %v", err)
	}
	maxSize, err := cli.ParseSize(c.String("max-size"))
	if err != nil {
		return cli.Usagef("--max-size: %v", err)
	}
	if c.Bool("no-store") && !c.IsSet("output") {
		return cli.Usagef("--no-store needs -o FILE")
	}
	req, err := request(c, args[0])
	if err != nil {
		return err
	}
	client, err := cli.HTTPClient(c, insecureWhat)
	if err != nil {
		return err
	}
	extra, err := readKeyFiles(c.StringSlice("trust-key"))
	if err != nil {
		return err
	}

	st, cleanup, err := openStore(c)
	if err != nil {
		return err
	}
	defer cleanup()
	unlock, err := st.Lock(false) // gc and rm wait until this fetch is done
	if err != nil {
		return err
	}
	defer unlock()

	o := fetch.Options{
		Store:              st,
		Trust:              &trust.Store{Local: trustDir(c), Vendor: trust.DefaultVendorDir()},
		ExtraKeys:          extra,
		Client:             client,
		Discovery:          discovery.Options{Client: client, Port: c.Int("port"), InsecureHTTP: c.Bool("insecure-allow-http")},
		Policy:             policy,
		MaxSize:            maxSize,
		InsecureSkipVerify: c.Bool("insecure-skip-verify"),
		NoDeps:             c.Bool("no-deps") || c.Bool("no-store"),
		Retries:            c.Int("retries"),
		RetryDelay:         c.Duration("retry-delay"),
		IdleTimeout:        c.Duration("timeout"),
		Warn:               warn,
		NewProgress: func(label string, total int64) fetch.Progress {
			return cli.NewProgress(errw, c.Bool("quiet"), label, total)
		},
	}
	res, err := fetch.Fetch(c.Context, o, req)
	if err != nil {
		return err
	}
	if c.IsSet("output") {
		if err := export(c, st, res.ID); err != nil {
			return err
		}
		if c.String("output") == cli.Stdin {
			return nil // stdout holds the image; the ID would corrupt it
		}
	}
	fmt.Fprintln(c.App.Writer, res.ID)
	return nil
}

var insecureWhat = map[string]string{
	"insecure-allow-http":      "plain HTTP allowed; anyone on the path can change what is fetched",
	"insecure-skip-tls-verify": "TLS certificates are not checked",
	"insecure-skip-verify":     "signatures are not checked; the image is trusted blindly",
}

// request reads the argument: - (discovery JSON on stdin), a URL, a path
// to an existing file, or a name.
func request(c *ucli.Context, arg string) (fetch.Request, error) {
	sig := c.String("signature")
	switch {
	case arg == cli.Stdin:
		res, err := discovery.ReadResult(c.App.Reader)
		if err != nil {
			return fetch.Request{}, fmt.Errorf("discovery JSON on stdin: %w", err)
		}
		if sig != "" {
			return fetch.Request{}, cli.Usagef("--signature is for an image given by path or URL")
		}
		return fetch.Request{Discovered: res}, nil
	case strings.Contains(arg, "://"):
		return fetch.Request{URL: arg, Signature: sig}, nil
	}
	if st, err := os.Stat(arg); err == nil && st.Mode().IsRegular() || strings.HasPrefix(arg, "/") || strings.HasPrefix(arg, ".") {
		return fetch.Request{URL: arg, Signature: sig}, nil
	}
	app, err := discovery.ParseApp(arg)
	if err != nil {
		return fetch.Request{}, cli.Usagef("%v", err)
	}
	if sig != "" {
		return fetch.Request{}, cli.Usagef("--signature is for an image given by path or URL")
	}
	return fetch.Request{App: &app}, nil
}

func trustDir(c *ucli.Context) string {
	if d := c.String("trust-dir"); d != "" {
		return d
	}
	return trust.DefaultLocalDir()
}

func readKeyFiles(names []string) ([]*openpgp.Entity, error) {
	var all []*openpgp.Entity
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("--trust-key: %w", err)
		}
		keys, err := trust.ReadKeys(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("--trust-key %s: %w", name, err)
		}
		all = append(all, keys...)
	}
	return all, nil
}

// openStore opens --store, or with --no-store a throwaway store beside the
// output file, so the image can be renamed into place at the end.
func openStore(c *ucli.Context) (*store.Store, func(), error) {
	if !c.Bool("no-store") {
		dir := c.String("store")
		if dir == "" {
			dir = store.DefaultDir()
		}
		st, err := store.Open(dir, true)
		return st, func() {}, err
	}
	parent := os.TempDir()
	if out := c.String("output"); out != cli.Stdin {
		parent = filepath.Dir(out)
	}
	tmp, err := os.MkdirTemp(parent, ".aci-fetch-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(tmp) } //nolint:errcheck // best effort; a temp dir
	st, err := store.Open(filepath.Join(tmp, "store"), true)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return st, cleanup, nil
}

// export writes the stored image, byte for byte, to -o.
func export(c *ucli.Context, st *store.Store, id string) error {
	if name := c.String("output"); c.Bool("no-store") && name != cli.Stdin {
		// The throwaway store sits beside the output: hand its synced blob
		// over by name (a link refuses an existing file, a rename replaces
		// it at once) instead of writing the image a second time.
		im, err := st.Image(id)
		if err != nil {
			return err
		}
		if c.Bool("overwrite") {
			err = os.Rename(im.ImagePath(), name)
		} else if err = os.Link(im.ImagePath(), name); errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists (use --overwrite)", name)
		}
		if err != nil {
			return err
		}
		dir, err := os.Open(filepath.Dir(name))
		if err != nil {
			return err
		}
		defer dir.Close()
		return dir.Sync() // the new name lasts as long as the synced bytes
	}
	src, err := st.Open(id)
	if err != nil {
		return err
	}
	defer src.Close()
	out, err := cli.CreateOutput(c, c.String("output"), c.Bool("overwrite"), true)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists (use --overwrite)", c.String("output"))
		}
		return err
	}
	_, err = io.Copy(out, src)
	return out.Finish(err)
}
