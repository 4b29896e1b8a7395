package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/intermodal/intermodal/lib/appc"
	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/imageid"
	"github.com/intermodal/intermodal/lib/store"
	"github.com/intermodal/intermodal/lib/trust"
	ucli "github.com/urfave/cli/v2"
)

func verifyCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "verify",
		Usage:     "check stored images against their IDs and signatures",
		ArgsUsage: "[ID|NAME...]",
		Description: "Checks every stored image, or those named: the image file still has its recorded size, its decompressed stream hashes to its ID with the compression intact to the end, and the stored manifest is the one in the image. " +
			"When the image was stored with a signature, the signature is checked again over the image file against the keys trusted for the image's name (--trust-dir, plus --trust-key files). " +
			"An unsigned image passes with a warning, unless --require-signature. Dependencies named in a manifest but not stored are noted.\n\n" +
			"Prints \"ID: OK\" or \"ID: FAILED (reason)\" for each image, like sha512sum -c; \"OK (unsigned)\" and \"OK (signature not checked)\" say what was not checked. " +
			"With no arguments it also notes on standard error what a crash or a hand edit can leave: refs and cache records naming a missing image, and entries under tmp/ (gc removes them). These are notes, not failures. " +
			"It holds the store lock shared, so gc and rm wait for it, and fetches go on.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "trust-dir", EnvVars: []string{trust.EnvTrustDir}, Usage: "trusted keys in `DIR` (rkt's layout; aci-trust manages it)", DefaultText: trust.RootLocalDir + " as root, else $XDG_CONFIG_HOME/intermodal/trustedkeys"},
			&ucli.StringSliceFlag{Name: "trust-key", Usage: "also trust the public keys in `FILE`, for every image (repeatable)"},
			&ucli.BoolFlag{Name: "require-signature", Usage: "fail images stored without a signature"},
			&ucli.BoolFlag{Name: "insecure-skip-verify", Usage: "do not check signatures, only IDs (prints a warning)"},
			&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only failures"},
		},
		Action: runVerify,
	}
}

// verifier checks images one by one and counts the outcomes.
type verifier struct {
	c        *ucli.Context
	s        *store.Store
	trust    *trust.Store
	extra    []*openpgp.Entity
	skipSigs bool
	failed   int
	unsigned int
}

func runVerify(c *ucli.Context) error {
	args, err := cli.Args(c, 0, -1)
	if err != nil {
		return err
	}
	if c.Bool("insecure-skip-verify") && c.Bool("require-signature") {
		return cli.Usagef("--insecure-skip-verify and --require-signature do not go together")
	}
	v, err := newVerifier(c)
	if err != nil {
		return err
	}
	unlock, err := v.s.Lock(false)
	if err != nil {
		return err
	}
	defer unlock()
	if err := v.run(args); err != nil {
		return err
	}
	return v.summary()
}

func newVerifier(c *ucli.Context) (*verifier, error) {
	s, err := openStore(c)
	if err != nil {
		return nil, err
	}
	v := &verifier{c: c, s: s, skipSigs: c.Bool("insecure-skip-verify")}
	if v.skipSigs {
		v.warnf("--insecure-skip-verify: signatures are not checked, only image IDs")
		return v, nil
	}
	v.trust = &trust.Store{Local: c.String("trust-dir"), Vendor: trust.DefaultVendorDir()}
	if v.trust.Local == "" {
		v.trust.Local = trust.DefaultLocalDir()
	}
	for _, name := range c.StringSlice("trust-key") {
		keys, err := readKeys(name)
		if err != nil {
			return nil, err
		}
		v.extra = append(v.extra, keys...)
	}
	return v, nil
}

func readKeys(name string) ([]*openpgp.Entity, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--trust-key: %w", err)
	}
	defer f.Close()
	keys, err := trust.ReadKeys(f)
	if err != nil {
		return nil, fmt.Errorf("--trust-key %s: %w", name, err)
	}
	return keys, nil
}

// run verifies the images named, or every image and the store's
// consistency when none is.
func (v *verifier) run(args []string) error {
	if len(args) > 0 {
		ids, failed := resolveAll(v.c, v.s, args)
		if failed {
			v.failed++
		}
		for _, id := range ids {
			v.image(id)
		}
		return nil
	}
	ids, err := v.s.IDs()
	if err != nil {
		return err
	}
	for _, id := range ids {
		v.image(id)
	}
	return v.consistency()
}

// image checks one image and prints its line.
func (v *verifier) image(id string) {
	status, err := v.check(id)
	if err != nil {
		v.failed++
		fmt.Fprintf(v.c.App.Writer, "%s: FAILED (%s)\n", id, reason(id, err))
		return
	}
	if !v.c.Bool("quiet") {
		fmt.Fprintf(v.c.App.Writer, "%s: %s\n", id, status)
	}
}

// check returns "OK" with what was not checked, or why the image failed.
func (v *verifier) check(id string) (string, error) {
	if err := v.s.Check(id); err != nil {
		return "", err
	}
	im, err := v.s.Image(id)
	if err != nil {
		return "", err
	}
	v.dependencies(im)
	sig, err := readStoredSignature(im)
	switch {
	case err != nil:
		return "", err
	case sig == nil && v.c.Bool("require-signature"):
		return "", errors.New("unsigned")
	case sig == nil:
		v.unsigned++
		return "OK (unsigned)", nil
	case v.skipSigs:
		return "OK (signature not checked)", nil
	}
	if err := v.signature(im, sig); err != nil {
		return "", fmt.Errorf("signature: %w", err)
	}
	return "OK", nil
}

func readStoredSignature(im *store.Image) ([]byte, error) {
	f, err := os.Open(im.SignaturePath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sig, err := io.ReadAll(io.LimitReader(f, trust.MaxSignatureBytes+1))
	if err != nil {
		return nil, err
	}
	if len(sig) > trust.MaxSignatureBytes {
		return nil, fmt.Errorf("signature: image.asc is larger than %d bytes", trust.MaxSignatureBytes)
	}
	return sig, nil
}

// signature checks sig over the image file with the keys trusted for the
// image's name, as aci-fetch did when it stored the image.
func (v *verifier) signature(im *store.Image, sig []byte) error {
	keyring, err := v.trust.Keyring(im.Name())
	if err != nil {
		return err
	}
	keyring = append(keyring, v.extra...)
	f, err := v.s.Open(im.ID)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = trust.Verify(keyring, f, sig)
	return err
}

// dependencies notes the dependencies of im that are not stored: the
// image is intact, but cannot be rendered until they are fetched.
func (v *verifier) dependencies(im *store.Image) {
	for _, d := range im.Manifest.Dependencies {
		if d.ImageID != "" && !v.s.Has(d.ImageID) {
			v.notef("%s: dependency %s (%s) is not stored", imageid.Short(im.ID), d.ImageName, imageid.Short(d.ImageID))
			continue
		}
		if _, err := v.s.Dependency(d); err != nil {
			v.notef("%s: dependency %s%s is not stored", imageid.Short(im.ID), d.ImageName, dependencyLabels(d.Labels))
		}
	}
}

func dependencyLabels(labels appc.Labels) string {
	m := map[string]string{}
	for _, l := range labels {
		m[l.Name] = l.Value
	}
	if len(m) == 0 {
		return ""
	}
	return " (" + labelString(m) + ")"
}

// consistency notes what crashes and hand edits leave: none of it makes
// an image wrong, and gc or a new fetch tidies it.
func (v *verifier) consistency() error {
	refs, err := v.s.Refs()
	if err != nil {
		return err
	}
	for _, r := range refs {
		if !v.s.Has(r.ID) {
			v.notef("ref %s (%s) names %s, which is not stored", r.Name, labelString(r.Labels), imageid.Short(r.ID))
		}
	}
	recs, err := v.s.CacheRecords()
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if !v.s.Has(rec.ID) {
			v.notef("cache record for %s names %s, which is not stored", rec.URL, imageid.Short(rec.ID))
		}
	}
	tmp, err := v.s.Temp()
	if err != nil {
		return err
	}
	for _, name := range tmp {
		v.notef("tmp/%s: left by an interrupted run, or a fetch in progress (gc removes it)", name)
	}
	return nil
}

func (v *verifier) summary() error {
	if v.unsigned > 0 && !v.c.Bool("quiet") {
		v.warnf("%d of the images checked are unsigned", v.unsigned)
	}
	if v.failed > 0 {
		v.warnf("%d of the images checked FAILED", v.failed)
		return cli.Status(cli.ExitFailure)
	}
	return nil
}

func (v *verifier) warnf(format string, args ...any) {
	fmt.Fprintf(v.c.App.ErrWriter, "%s: warning: %s\n", v.c.App.Name, printable(fmt.Sprintf(format, args...)))
}

func (v *verifier) notef(format string, args ...any) {
	fmt.Fprintf(v.c.App.ErrWriter, "%s: note: %s\n", v.c.App.Name, printable(fmt.Sprintf(format, args...)))
}

// reason is err without the short ID lib/store puts first: the line
// starts with the full ID already.
func reason(id string, err error) string {
	msg := strings.TrimPrefix(err.Error(), imageid.Short(id)+": ")
	return printable(msg)
}
