package cli

import (
	"errors"
	"io"
	"io/fs"
	"os"

	ucli "github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"
)

// Stdin is the name that means standard input or output wherever a file is taken.
const Stdin = "-"

// Open opens name for reading; "-" is the App's standard input. The name to
// show in messages is "-" for stdin too, as sha512sum does.
func Open(c *ucli.Context, name string) (io.ReadCloser, error) {
	if name == Stdin {
		return io.NopCloser(c.App.Reader), nil
	}
	return os.Open(name)
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// ErrTerminal is returned when an image would be written to a terminal.
var ErrTerminal = errors.New("refusing to write an image to a terminal (use -o FILE or a pipe)")

// Output is where a tool writes its product: an AtomicFile for a name, or
// standard output for "" and "-".
type Output struct {
	io.Writer
	file *AtomicFile
}

// CreateOutput opens the product's destination. binary says the product is
// an image, which is never written to a terminal.
func CreateOutput(c *ucli.Context, name string, overwrite, binary bool) (*Output, error) {
	if name == "" || name == Stdin {
		if binary && IsTerminal(c.App.Writer) {
			return nil, &UsageError{Msg: ErrTerminal.Error()}
		}
		return &Output{Writer: c.App.Writer}, nil
	}
	f, err := CreateAtomic(name, overwrite, 0o644)
	if err != nil {
		return nil, err
	}
	return &Output{Writer: f, file: f}, nil
}

// Finish commits a named output when err is nil and removes it otherwise;
// it returns the first error.
func (o *Output) Finish(err error) error {
	if o.file == nil {
		return err
	}
	if err != nil {
		o.file.Abort()
		return err
	}
	return o.file.Commit()
}

// IsExist reports whether err says an output already exists.
func IsExist(err error) bool { return errors.Is(err, fs.ErrExist) }

// PathCause drops the path from an *fs.PathError, for messages that name
// the file already ("aci-id: x.aci: no such file or directory").
func PathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
