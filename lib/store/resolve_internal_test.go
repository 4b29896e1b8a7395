package store

import (
	"strings"
	"testing"
)

func TestLooksLikeID(t *testing.T) {
	for arg, want := range map[string]bool{
		"ab": true, "sha512-ab": true, "a": false, "sha512-a": false, "sha512-": false,
		"AB": false, "abcg": false, "example.com/a": false, strings.Repeat("a", 128): true,
		strings.Repeat("a", 129): false, "sha512-" + strings.Repeat("f", 128): true,
	} {
		if got := looksLikeID(arg); got != want {
			t.Errorf("looksLikeID(%q) = %v", arg, got)
		}
	}
}
