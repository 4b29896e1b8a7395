package aci_test

import (
	"bytes"
	"github.com/intermodal/intermodal/lib/testenv"
	"os/exec"
	"testing"
)

// filterThrough runs data through an external program, such as "xz -c".
func filterThrough(t testing.TB, data []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(testenv.LookPath(t, name), args...)
	cmd.Stdin = bytes.NewReader(data)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, stderr.Bytes())
	}
	return out.Bytes()
}
