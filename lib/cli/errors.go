package cli

import (
	"errors"
	"fmt"
)

// Exit statuses shared by every tool (CONVENTIONS.md).
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitInterrupted = 130 // 128 + SIGINT
	ExitTerminated  = 143 // 128 + SIGTERM
)

// UsageError is a mistake on the command line: exit status 2 and a hint.
type UsageError struct {
	Msg     string
	command string // "tool cmd" when it is about a command, for the hint
}

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// StatusError ends a tool with a given status. When Err is nil nothing more
// is printed: the tool has already said why (a checker listing problems).
type StatusError struct {
	Code int
	Err  error
}

func (e *StatusError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *StatusError) Unwrap() error { return e.Err }

// Status returns an error that makes the tool exit with code and print nothing.
func Status(code int) error { return &StatusError{Code: code} }

// ErrInterrupted is returned by actions that stopped because of a signal.
var ErrInterrupted = errors.New("interrupted")

// exitCode maps an action's error to the process status.
func exitCode(err error) int {
	var ue *UsageError
	var se *StatusError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &se):
		return se.Code
	}
	return ExitFailure
}

// message is the text printed for err, or "" when nothing should be printed.
func message(err error) string {
	var se *StatusError
	if errors.As(err, &se) && se.Err == nil {
		return ""
	}
	return err.Error()
}
