package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/intermodal/intermodal/lib/cli"
	"github.com/intermodal/intermodal/lib/trust"
	ucli "github.com/urfave/cli/v2"
)

// terminal is where a person answers: standard input when it is a
// terminal (and not the key source), else /dev/tty while standard error,
// where the question goes, is a terminal too.
type terminal struct {
	in    *bufio.Reader
	close func()
	eof   bool // the person ended input: every later answer is no
}

// openTerminal returns nil when no person can be asked.
func openTerminal(c *ucli.Context, stdinIsSource bool) *terminal {
	if !stdinIsSource && cli.IsTerminal(c.App.Reader) {
		return &terminal{in: bufio.NewReader(c.App.Reader), close: func() {}}
	}
	if !cli.IsTerminal(c.App.ErrWriter) {
		return nil
	}
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return nil
	}
	return &terminal{in: bufio.NewReader(tty), close: func() { tty.Close() }}
}

// ask puts the question on w and reads the answer: yes only for y or yes.
func (t *terminal) ask(w io.Writer, question string) bool {
	fmt.Fprintf(w, "%s [y/N] ", question)
	if t.eof {
		fmt.Fprintln(w)
		return false
	}
	line, err := t.in.ReadString('\n')
	if err != nil {
		t.eof = true
		fmt.Fprintln(w)
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}

// describe shows a key for review on w.
func describe(w io.Writer, o offer, prefix string) {
	e := o.ent
	fmt.Fprintf(w, "Key for %s from %s:\n", scopeText(prefix), o.from)
	fmt.Fprintf(w, "  fingerprint: %s\n", trust.Fingerprint(e))
	for _, id := range trust.UserIDs(e) {
		fmt.Fprintf(w, "  user ID:     %s\n", id)
	}
	fmt.Fprintf(w, "  created:     %s, %s\n", e.PrimaryKey.CreationTime.UTC().Format(time.DateOnly), expiry(e))
}

// expiry says when the key's primary self-signature lets it expire.
func expiry(e *openpgp.Entity) string {
	sig, err := e.PrimarySelfSignature(time.Now(), nil)
	if err != nil || sig.KeyLifetimeSecs == nil || *sig.KeyLifetimeSecs == 0 {
		return "never expires"
	}
	end := e.PrimaryKey.CreationTime.Add(time.Duration(*sig.KeyLifetimeSecs) * time.Second)
	return "expires " + end.UTC().Format(time.DateOnly)
}
