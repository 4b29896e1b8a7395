package validate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

type semVer struct{ major, minor, patch uint64 }

// parseSemVer parses a SemVer 2.0.0 version: MAJOR.MINOR.PATCH, numbers
// without leading zeros, then an optional -prerelease and +build, each a
// dot-separated list of non-empty [0-9A-Za-z-] identifiers (numeric
// prerelease identifiers without leading zeros). "1.0.2-dev" is valid.
func parseSemVer(s string) (semVer, error) {
	rest, build, hasBuild := strings.Cut(s, "+")
	if hasBuild {
		if err := identifiers(build, false); err != nil {
			return semVer{}, fmt.Errorf("build metadata: %w", err)
		}
	}
	core, pre, hasPre := strings.Cut(rest, "-")
	if hasPre {
		if err := identifiers(pre, true); err != nil {
			return semVer{}, fmt.Errorf("prerelease: %w", err)
		}
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return semVer{}, errors.New("want MAJOR.MINOR.PATCH")
	}
	var nums [3]uint64
	for i, p := range parts {
		n, err := numericID(p)
		if err != nil {
			return semVer{}, err
		}
		nums[i] = n
	}
	return semVer{nums[0], nums[1], nums[2]}, nil
}

func numericID(s string) (uint64, error) {
	if s == "" || !allDigits(s) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%q has a leading zero", s)
	}
	return strconv.ParseUint(s, 10, 64)
}

func identifiers(s string, pre bool) error {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return errors.New("empty identifier")
		}
		for _, r := range id {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return fmt.Errorf("%q holds %q", id, r)
			}
		}
		if pre && allDigits(id) && len(id) > 1 && id[0] == '0' {
			return fmt.Errorf("%q has a leading zero", id)
		}
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
