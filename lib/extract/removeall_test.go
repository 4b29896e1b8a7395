package extract

import (
	"os"
	"path/filepath"
	"testing"
)

// RemoveAll empties read-only directories and never follows a symlink
// out of the tree it removes.
func TestRemoveAll(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(base, "tree")
	if err := os.MkdirAll(filepath.Join(tree, "ro/deep"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tree, "ro/deep/f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(tree, "ro/link")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"ro/deep", "ro"} {
		if err := os.Chmod(filepath.Join(tree, d), 0o555); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveAll(tree); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(tree); !os.IsNotExist(err) { //nolint:forbidigo // a test of removal
		t.Fatalf("tree still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "keep")); err != nil {
		t.Fatalf("a file outside the tree went: %v", err)
	}
	if err := RemoveAll(tree); err != nil {
		t.Fatalf("removing what is gone: %v", err)
	}
}
