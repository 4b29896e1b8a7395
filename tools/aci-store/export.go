package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/imageid"
	"github.com/intermodal/intermodal/lib/store"
	ucli "github.com/urfave/cli/v2"
)

func exportCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "export",
		Usage:     "write an image back to a file, byte for byte as fetched",
		ArgsUsage: "ID|NAME",
		Description: "Writes the stored image file, which is byte-identical to the file that was fetched (so its signature still verifies), to -o FILE, atomically, or to standard output, never to a terminal. " +
			"The bytes are hashed as they are copied: an image that no longer matches its ID fails, and a FILE is then not left behind. " +
			"--signature FILE also writes the stored detached signature; an unsigned image is then an error.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the image to `FILE` (- for standard output)"},
			&ucli.StringFlag{Name: "signature", Usage: "also write the image's detached signature to `FILE`"},
			&ucli.BoolFlag{Name: "overwrite", Usage: "replace existing output files"},
		},
		Action: runExport,
	}
}

func runExport(c *ucli.Context) error {
	s, im, err := oneImage(c)
	if err != nil {
		return err
	}
	sig, err := readSignature(c, im)
	if err != nil {
		return err
	}
	if err := exportImage(c, s, im); err != nil {
		return err
	}
	if sig != nil {
		return writeFile(c, c.String("signature"), sig)
	}
	return nil
}

// readSignature reads the signature first, so an unsigned image fails
// before any output is written.
func readSignature(c *ucli.Context, im *store.Image) ([]byte, error) {
	if c.String("signature") == "" {
		return nil, nil
	}
	sig, err := os.ReadFile(im.SignaturePath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: unsigned: there is no signature to export", imageid.Short(im.ID))
	}
	return sig, err
}

func exportImage(c *ucli.Context, s *store.Store, im *store.Image) error {
	f, err := s.Open(im.ID)
	if err != nil {
		return err
	}
	defer f.Close()
	out, err := cli.CreateOutput(c, c.String("output"), c.Bool("overwrite"), true)
	if err != nil {
		return err
	}
	return out.Finish(copyChecked(out, f, im))
}

// copyChecked copies the image file while hashing its decompressed stream
// on the side, and fails unless both the size and the ID still match.
func copyChecked(w io.Writer, f io.Reader, im *store.Image) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		res, err := imageid.FromReader(pr, 0)
		if err == nil && res.ID != im.ID {
			err = fmt.Errorf("image file hashes to %s", imageid.Short(res.ID))
		}
		pr.CloseWithError(err) // unblocks the copy if hashing stopped early
		done <- err
	}()
	// Large chunks: each one crosses the pipe to the hasher once (1.5s
	// down to 1.1s, as fast as aci-id, for a 250 MB image).
	n, err := io.CopyBuffer(io.MultiWriter(w, pw), f, make([]byte, 1<<20))
	pw.CloseWithError(err)
	herr := <-done
	switch {
	// When hashing stopped first, the copy failed with its very error;
	// otherwise reading or writing failed and hashing only saw that.
	case err != nil && !errors.Is(err, herr):
		return fmt.Errorf("export %s: %w", imageid.Short(im.ID), err)
	case herr != nil:
		return fmt.Errorf("export %s: %w: %w", imageid.Short(im.ID), herr, store.ErrCorrupt)
	case n != im.Size:
		return fmt.Errorf("export %s: image file is %d bytes, recorded %d: %w", imageid.Short(im.ID), n, im.Size, store.ErrCorrupt)
	}
	return nil
}

func writeFile(c *ucli.Context, name string, data []byte) error {
	out, err := cli.CreateOutput(c, name, c.Bool("overwrite"), false)
	if err != nil {
		return err
	}
	_, err = out.Write(data)
	return out.Finish(err)
}
