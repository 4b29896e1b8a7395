// Package testenv is the one place tests decide what a missing peer program,
// privilege or kernel feature means: a skip with the reason on a developer's
// machine, a failure in CI, where INTERMODAL_REQUIRE_ALL=1 says everything
// must be there. Only tests import it.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// RequireAll reports whether INTERMODAL_REQUIRE_ALL=1 turns skips into
// failures.
func RequireAll() bool { return os.Getenv("INTERMODAL_REQUIRE_ALL") == "1" }

// Require skips t, saying why, unless ok; under RequireAll it fails instead.
func Require(t testing.TB, ok bool, reason string) {
	t.Helper()
	if ok {
		return
	}
	if RequireAll() {
		t.Fatalf("INTERMODAL_REQUIRE_ALL=1 but %s", reason)
	}
	t.Skip(reason)
}

// LookPath returns the path of a program the test needs, or skips (fails
// under RequireAll) when it is not installed.
func LookPath(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	Require(t, err == nil, name+" is not installed")
	return p
}
