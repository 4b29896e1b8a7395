package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress counts bytes and, when stderr is a terminal, redraws one status
// line at most five times a second. On a pipe or in CI it prints nothing.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int64
	n     int64
	last  time.Time
	shown bool
}

// NewProgress returns a Progress for label; total may be 0 when unknown.
// It is silent unless errw is a terminal and quiet is false.
func NewProgress(errw io.Writer, quiet bool, label string, total int64) *Progress {
	p := &Progress{label: label, total: total}
	if !quiet && IsTerminal(errw) {
		p.w = errw
	}
	return p
}

// Write counts len(b); it never fails, so it can sit in an io.MultiWriter.
func (p *Progress) Write(b []byte) (int, error) {
	p.Add(int64(len(b)))
	return len(b), nil
}

// Add counts n more bytes.
func (p *Progress) Add(n int64) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += n
	if now := time.Now(); now.Sub(p.last) >= 200*time.Millisecond {
		p.last = now
		p.draw()
	}
}

func (p *Progress) draw() {
	p.shown = true
	if p.total > 0 {
		fmt.Fprintf(p.w, "\r%s: %.1f / %.1f MB (%d%%)", p.label, mb(p.n), mb(p.total), p.n*100/p.total)
		return
	}
	fmt.Fprintf(p.w, "\r%s: %.1f MB", p.label, mb(p.n))
}

// Done clears the status line.
func (p *Progress) Done() {
	if p == nil || p.w == nil || !p.shown {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
}

func mb(n int64) float64 { return float64(n) / 1e6 }
