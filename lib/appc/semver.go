package appc

import (
	"errors"
	"strconv"
	"strings"
)

// semVer is a parsed SemVer 2.0.0 version. Build metadata is checked and
// dropped: it has no precedence.
type semVer struct {
	major, minor, patch uint64
	pre                 []string
}

// parseSemVer parses s strictly by SemVer 2.0.0: no "v" prefix, exactly
// three numeric parts without leading zeros, and well-formed pre-release
// and build identifiers.
func parseSemVer(s string) (semVer, error) {
	var v semVer
	rest, build, hasBuild := strings.Cut(s, "+")
	if hasBuild {
		if err := checkIdentifiers(build, false); err != nil {
			return v, errors.New("bad build metadata: " + err.Error())
		}
	}
	core, pre, hasPre := strings.Cut(rest, "-")
	if hasPre {
		if err := checkIdentifiers(pre, true); err != nil {
			return v, errors.New("bad pre-release: " + err.Error())
		}
		v.pre = strings.Split(pre, ".")
	}
	return v, v.parseCore(core)
}

func (v *semVer) parseCore(core string) error {
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return errors.New("must have three parts, MAJOR.MINOR.PATCH")
	}
	nums := []*uint64{&v.major, &v.minor, &v.patch}
	for i, p := range parts {
		n, err := parseNumericID(p)
		if err != nil {
			return err
		}
		*nums[i] = n
	}
	return nil
}

// parseNumericID parses a version number: digits only, no leading zero.
func parseNumericID(s string) (uint64, error) {
	if s == "" || !allDigits(s) {
		return 0, errors.New("version numbers must be decimal digits")
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, errors.New("version numbers must not have leading zeros")
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, errors.New("version number out of range")
	}
	return n, nil
}

// checkIdentifiers checks dot-separated pre-release or build identifiers.
// Numeric pre-release identifiers must not have leading zeros.
func checkIdentifiers(s string, pre bool) error {
	for _, id := range strings.Split(s, ".") {
		if id == "" || strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") != "" {
			return errors.New("identifiers must be non-empty [0-9A-Za-z-]")
		}
		if pre && allDigits(id) && len(id) > 1 && id[0] == '0' {
			return errors.New("numeric identifiers must not have leading zeros")
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

func (v semVer) isZero() bool {
	return v.major == 0 && v.minor == 0 && v.patch == 0
}

// newerCore reports whether v's MAJOR.MINOR.PATCH is above w's. A
// pre-release of a newer core still counts as newer.
func (v semVer) newerCore(w semVer) bool {
	if v.major != w.major {
		return v.major > w.major
	}
	if v.minor != w.minor {
		return v.minor > w.minor
	}
	return v.patch > w.patch
}

// supportedVersion is ACVersion, parsed.
var supportedVersion = semVer{major: 0, minor: 8, patch: 11}
