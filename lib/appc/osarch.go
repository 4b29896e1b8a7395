package appc

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoOSArch is returned by AppcOSArch when a Go platform has no appc
// os/arch label values.
var ErrNoOSArch = errors.New("no appc os/arch for this platform")

// validOSArch is the appc table of os label values and the arch values each
// allows (appc types.ValidOSArch, 0.8.11).
var validOSArch = map[string][]string{
	"linux":   {"amd64", "i386", "aarch64", "aarch64_be", "armv6l", "armv7l", "armv7b", "ppc64", "ppc64le", "s390x"},
	"freebsd": {"amd64", "i386", "arm"},
	"darwin":  {"x86_64", "i386"},
}

// ValidOS reports whether os is an appc os label value.
func ValidOS(os string) bool {
	_, ok := validOSArch[os]
	return ok
}

// ValidOSArch reports whether os and arch are a supported appc combination.
// The values are appc's, not Go's: linux/aarch64, not linux/arm64.
func ValidOSArch(os, arch string) bool {
	for _, a := range validOSArch[os] {
		if a == arch {
			return true
		}
	}
	return false
}

// goArch maps "goos/goarch" to an appc arch where the names differ or where
// only some operating systems have the architecture.
var goArch = map[string]string{
	"linux/amd64":   "amd64",
	"linux/386":     "i386",
	"linux/arm64":   "aarch64",
	"linux/arm64be": "aarch64_be",
	"linux/ppc64":   "ppc64",
	"linux/ppc64le": "ppc64le",
	"linux/s390x":   "s390x",
	"freebsd/amd64": "amd64",
	"freebsd/386":   "i386",
	"freebsd/arm":   "arm",
	"darwin/amd64":  "x86_64",
	"darwin/386":    "i386",
}

// AppcOSArch maps Go's GOOS, GOARCH and GOARM to appc os and arch label
// values: linux/arm64 is aarch64, 386 is i386, darwin/amd64 is x86_64, and
// linux/arm is armv6l or armv7l by GOARM (empty means 6). It returns an
// error wrapping ErrNoOSArch when appc has no name for the platform.
func AppcOSArch(goos, goarch, goarm string) (os, arch string, err error) {
	arch, ok := goArch[goos+"/"+goarch]
	if goos == "linux" && (goarch == "arm" || goarch == "armbe") {
		arch, ok = linuxARM(goarch, goarm)
	}
	if !ok || !ValidOSArch(goos, arch) {
		return "", "", fmt.Errorf("%s/%s (GOARM %q): %w", goos, goarch, goarm, ErrNoOSArch)
	}
	return goos, arch, nil
}

// linuxARM picks the 32-bit ARM name; GOARM may carry a ",softfloat" or
// ",hardfloat" suffix.
func linuxARM(goarch, goarm string) (string, bool) {
	version, _, _ := strings.Cut(goarm, ",")
	switch {
	case goarch == "arm" && (version == "" || version == "6"):
		return "armv6l", true
	case goarch == "arm" && version == "7":
		return "armv7l", true
	case goarch == "armbe" && version == "7":
		return "armv7b", true
	}
	return "", false
}
