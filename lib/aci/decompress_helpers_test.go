package aci_test

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// toolOrSkip returns the path of an external program a test needs, or
// skips the test with the reason. CI sets INTERMODAL_REQUIRE_ALL=1 so that
// a missing program fails instead of silently shrinking coverage.
func toolOrSkip(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("INTERMODAL_REQUIRE_ALL") == "1" {
		t.Fatalf("%s not found and INTERMODAL_REQUIRE_ALL=1: %v", name, err)
	}
	t.Skipf("%s not found: %v", name, err)
	return ""
}

// filterThrough runs data through an external program, such as "xz -c".
func filterThrough(t testing.TB, data []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(toolOrSkip(t, name), args...)
	cmd.Stdin = bytes.NewReader(data)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, stderr.Bytes())
	}
	return out.Bytes()
}
