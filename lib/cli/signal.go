package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	ucli "github.com/urfave/cli/v2"
)

// grace is how long an interrupted action gets to notice the cancelled
// context and clean up before Run stops waiting for it.
const grace = 2 * time.Second

type outcome struct{ err error }

// runWithSignals runs app until it returns or SIGINT/SIGTERM arrives. On a
// signal it cancels ctx, gives the action a moment to return, and reports
// the conventional status (130 or 143) as sig.
func runWithSignals(ctx context.Context, cancel context.CancelFunc, app *ucli.App, args []string) (int, error) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan outcome, 1)
	go func() { done <- outcome{app.RunContext(ctx, args)} }()
	select {
	case o := <-done:
		return 0, o.err
	case s := <-sigs:
		cancel()
		waitBriefly(done)
		return statusFor(s), nil
	}
}

func waitBriefly(done <-chan outcome) {
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

func statusFor(s os.Signal) int {
	if s == syscall.SIGTERM {
		return ExitTerminated
	}
	return ExitInterrupted
}
