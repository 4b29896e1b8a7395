package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// ConfigName is the one name config.json has in a bundle.
const ConfigName = "config.json"

// MaxConfigSize bounds how much of a config is read: a real one is a few
// kilobytes, a large seccomp profile a few hundred.
const MaxConfigSize = 16 << 20

// ErrTooLarge is returned for a config.json larger than MaxConfigSize.
var ErrTooLarge = errors.New("larger than 16 MiB")

// Problem is one finding about a config.
type Problem struct {
	// Field is the path of the value at fault, such as
	// "linux.namespaces[2]" or `linux.sysctl["net.ipv4.ip_forward"]`;
	// empty when the problem is about the whole document.
	Field string `json:"field"`
	// Message states what is wrong, in lowercase, without the field.
	Message string `json:"message"`
	// Warning is true when the config is still valid.
	Warning bool `json:"warning"`
	// Rule is the requirement broken: the ID of its item in section A of
	// the project's OCI runtime digest (specs/oci-runtime.md), such as
	// "A-29". It is for tests and tooling, not for users.
	Rule string `json:"-"`
}

// String returns "field: message", or the message alone. Warnings are not
// marked: callers add their own prefix.
func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// HasErrors reports whether any problem makes the config invalid.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Options say what besides the document itself is checked.
type Options struct {
	// Bundle is the bundle directory. When set, root.path must name a
	// directory (relative to Bundle or absolute), and what the config
	// expects of the root filesystem is checked there: args[0], device
	// nodes that already exist, startContainer hook paths. When empty,
	// nothing is looked up on the filesystem for the bundle.
	Bundle string
	// Host, when set, also checks the config against this machine
	// (--host-specific): see ProbeHost.
	Host *Host
}

// Bundle reads dir/config.json and validates it with dir as the bundle.
// The error is for a config that cannot be read at all; everything else is
// a Problem.
func Bundle(dir string, host *Host) ([]Problem, error) {
	data, err := readConfig(filepath.Join(dir, ConfigName))
	if err != nil {
		return nil, err
	}
	return Config(data, Options{Bundle: dir, Host: host}), nil
}

// ReadConfig reads at most MaxConfigSize bytes of a config from r.
func ReadConfig(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxConfigSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxConfigSize {
		return nil, ErrTooLarge
	}
	return data, nil
}

func readConfig(path string) ([]byte, error) {
	// O_NONBLOCK: a FIFO named config.json must not hang the check before
	// its type is seen; a regular file reads the same either way.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	return ReadConfig(f)
}

// Config validates the bytes of a config.json. It never fails and never
// panics: a document that is not JSON gets a problem like any other.
func Config(data []byte, opts Options) []Problem {
	c := &checker{opts: opts}
	doc := c.decode(data)
	if doc == nil {
		return c.ps
	}
	c.doc = doc
	walker{c}.walk("", doc, configSchema, "A-45")
	c.semantic()
	if opts.Host != nil {
		c.hostChecks(opts.Host)
	}
	return c.ps
}

// checker collects problems while a document is checked.
type checker struct {
	opts   Options
	ps     []Problem
	doc    object
	rootfs string // the root filesystem on the host, once found to exist
	ns     map[string]nsEntry
}

func (c *checker) err(rule, field, format string, args ...any) {
	c.ps = append(c.ps, Problem{Field: field, Message: fmt.Sprintf(format, args...), Rule: rule})
}

func (c *checker) warn(rule, field, format string, args ...any) {
	c.ps = append(c.ps, Problem{Field: field, Message: fmt.Sprintf(format, args...), Warning: true, Rule: rule})
}

// decode parses the document; it returns nil, with a problem, for anything
// that is not exactly one JSON object.
func (c *checker) decode(data []byte) object {
	if len(data) > MaxConfigSize {
		c.err("A-45", "", "%v", ErrTooLarge)
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		c.err("A-45", "", "not JSON: %s", syntaxText(err, data))
		return nil
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		rest := bytes.TrimLeft(data[end:], " \t\r\n")
		c.err("A-45", "", "not JSON: unexpected data after the object at %s", position(data, int64(len(data)-len(rest))))
		return nil
	}
	doc, ok := v.(object)
	if !ok {
		c.err("A-45", "", "want an object, got %s", typeName(v))
	}
	return doc
}

func syntaxText(err error, data []byte) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, the offending one included.
		return fmt.Sprintf("%s at %s", se.Error(), position(data, max(se.Offset-1, 0)))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input"
	}
	return err.Error()
}

// position turns a byte offset into "line L, column C".
func position(data []byte, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}
