package aci

import (
	"github.com/intermodal/intermodal/lib/testenv"
	"os/exec"
	"strings"
	"testing"
)

// TestPackOrderMatchesGNUTar: rootfs entries come in the order of GNU tar
// --sort=name, depth first with each directory's names sorted bytewise.
func TestPackOrderMatchesGNUTar(t *testing.T) {
	gnu, err := exec.Command("tar", "--version").Output()
	testenv.Require(t, err == nil && strings.Contains(string(gnu), "GNU tar"), "GNU tar is not installed")
	dir := t.TempDir()
	data, _ := pkPack(t, pkBuild(t, dir, pkTree()), PackOptions{})
	hdrs, _ := pkHeaders(t, data)
	var ours []string
	for _, h := range hdrs[1:] {
		ours = append(ours, h.Name)
	}
	out, err := exec.Command("tar", "-C", dir, "--sort=name", "-cf", "-", "rootfs").Output()
	if err != nil {
		t.Fatal(err)
	}
	theirs, _ := pkHeaders(t, out)
	for i, h := range theirs {
		if i >= len(ours) || ours[i] != h.Name {
			t.Fatalf("entry %d: GNU tar has %q, we have %q", i, h.Name, ours[min(i, len(ours)-1)])
		}
	}
	if len(ours) != len(theirs) {
		t.Errorf("%d entries, GNU tar has %d", len(ours), len(theirs))
	}
}
