package trust

import (
	"fmt"
	"strings"

	"github.com/intermodal/intermodal/lib/appc"
)

// CheckPrefix says whether p can scope keys: an AC identifier (lowercase
// letters and digits separated by single '-', '.', '_', '~' or '/'), so
// never empty, absolute, or holding "..".
func CheckPrefix(p string) error {
	if !appc.ValidIdentifier(p) || strings.Contains(p, "..") {
		return fmt.Errorf("prefix %q: not a valid AC identifier (like example.com/app)", p)
	}
	return nil
}

// checkName is CheckPrefix for an image name.
func checkName(name string) error {
	if !appc.ValidIdentifier(name) || strings.Contains(name, "..") {
		return fmt.Errorf("image name %q: not a valid AC identifier (like example.com/app)", name)
	}
	return nil
}

// componentPrefixes lists the prefixes that match name, shortest first:
// example.com/app/sub gives example.com, example.com/app and
// example.com/app/sub. Whole components only, so coreos.com/etc is never
// among the prefixes of coreos.com/etcd.
func componentPrefixes(name string) []string {
	var out []string
	for i, c := range name {
		if c == '/' {
			out = append(out, name[:i])
		}
	}
	return append(out, name)
}

// ValidFingerprint reports whether s is a key file name: 40 (v4) or 64
// (v6) lowercase hex digits.
func ValidFingerprint(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// NormalizeFingerprint accepts a fingerprint as people write it (upper or
// lower case, in groups separated by spaces, with or without 0x) and
// returns the lowercase form key files are named by.
func NormalizeFingerprint(s string) (string, error) {
	f := strings.ToLower(strings.Join(strings.Fields(s), ""))
	f = strings.TrimPrefix(f, "0x")
	if !ValidFingerprint(f) {
		return "", fmt.Errorf("fingerprint %q: want 40 or 64 hex digits", s)
	}
	return f, nil
}
