package appc

import (
	"errors"
	"strings"
	"testing"
)

func TestValidIdentifier(t *testing.T) {
	tests := map[string]bool{
		"database": true, "example.com/database": true, "example.com/user/app_v1": true,
		// types.md lists this as an example, but its own regexp, which is
		// what we follow, rejects the "/~" pair of separators.
		"example.com/~user/app_v1": false, "example.com/user~x": true,
		"sub-domain.example.com/org/product/release": true, "a": true, "0": true,
		"": false, "A": false, "-a": false, "a-": false, "a//b": false, "a..b": false,
		"a/": false, "/a": false, "a b": false, "a:b": false, "é": false, "a\n": false,
	}
	for s, want := range tests {
		if got := ValidIdentifier(s); got != want {
			t.Errorf("ValidIdentifier(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidName(t *testing.T) {
	tests := map[string]bool{
		"database": true, "product-database-release": true, "a1": true,
		"": false, "a--b": false, "a.b": false, "a_b": false, "-a": false, "a-": false, "Data": false,
	}
	for s, want := range tests {
		if got := ValidName(s); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidImageID(t *testing.T) {
	hex := strings.Repeat("0123456789abcdef", 8)
	tests := map[string]bool{
		"sha512-" + hex: true, "sha512-" + hex[:127]: false, "sha512-" + hex + "0": false,
		"sha512-" + strings.ToUpper(hex): false, "sha256-" + hex[:64]: false,
		"sha512-zz": false, "sha512-": false, "": false, hex: false,
	}
	for s, want := range tests {
		if got := ValidImageID(s); got != want {
			t.Errorf("ValidImageID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidEnvName(t *testing.T) {
	tests := map[string]bool{"PATH": true, "_x": true, "a.b-c": true, "": false, "1A": false, ".a": false, "A=B": false}
	for s, want := range tests {
		if got := ValidEnvName(s); got != want {
			t.Errorf("ValidEnvName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidOSArch(t *testing.T) {
	tests := []struct {
		os, arch string
		want     bool
	}{
		{"linux", "amd64", true}, {"linux", "i386", true}, {"linux", "aarch64", true},
		{"linux", "aarch64_be", true}, {"linux", "armv6l", true}, {"linux", "armv7l", true},
		{"linux", "armv7b", true}, {"linux", "ppc64", true}, {"linux", "ppc64le", true},
		{"linux", "s390x", true}, {"freebsd", "amd64", true}, {"freebsd", "i386", true},
		{"freebsd", "arm", true}, {"darwin", "x86_64", true}, {"darwin", "i386", true},
		{"linux", "x86_64", false}, {"linux", "arm64", false}, {"linux", "386", false},
		{"darwin", "amd64", false}, {"windows", "amd64", false}, {"", "", false}, {"Linux", "amd64", false},
	}
	for _, tt := range tests {
		if got := ValidOSArch(tt.os, tt.arch); got != tt.want {
			t.Errorf("ValidOSArch(%q, %q) = %v", tt.os, tt.arch, got)
		}
	}
}

func TestAppcOSArch(t *testing.T) {
	tests := []struct{ goos, goarch, goarm, os, arch string }{
		{"linux", "amd64", "", "linux", "amd64"},
		{"linux", "386", "", "linux", "i386"},
		{"linux", "arm64", "", "linux", "aarch64"},
		{"linux", "arm", "", "linux", "armv6l"},
		{"linux", "arm", "6", "linux", "armv6l"},
		{"linux", "arm", "7", "linux", "armv7l"},
		{"linux", "arm", "7,hardfloat", "linux", "armv7l"},
		{"linux", "ppc64", "", "linux", "ppc64"},
		{"linux", "ppc64le", "", "linux", "ppc64le"},
		{"linux", "s390x", "", "linux", "s390x"},
		{"freebsd", "amd64", "", "freebsd", "amd64"},
		{"freebsd", "386", "", "freebsd", "i386"},
		{"freebsd", "arm", "", "freebsd", "arm"},
		{"darwin", "amd64", "", "darwin", "x86_64"},
		{"darwin", "386", "", "darwin", "i386"},
	}
	for _, tt := range tests {
		os, arch, err := AppcOSArch(tt.goos, tt.goarch, tt.goarm)
		if err != nil || os != tt.os || arch != tt.arch {
			t.Errorf("AppcOSArch(%s, %s, %q) = %s, %s, %v; want %s/%s", tt.goos, tt.goarch, tt.goarm, os, arch, err, tt.os, tt.arch)
		}
	}
	for _, bad := range [][3]string{{"linux", "arm", "5"}, {"darwin", "arm64", ""}, {"windows", "amd64", ""}, {"linux", "riscv64", ""}, {"", "", ""}} {
		if _, _, err := AppcOSArch(bad[0], bad[1], bad[2]); !errors.Is(err, ErrNoOSArch) {
			t.Errorf("AppcOSArch(%v): err = %v, want ErrNoOSArch", bad, err)
		}
	}
}

func TestProblemString(t *testing.T) {
	ps := Problems{
		{Field: "app.exec[0]", Msg: "must be an absolute path"},
		{Msg: "manifest is not valid UTF-8"},
		{Field: "x", Msg: "unknown field (ignored)", Warning: true},
	}
	if got := ps[0].String(); got != "app.exec[0]: must be an absolute path" {
		t.Errorf("String = %q", got)
	}
	if got := ps[2].String(); got != "x: unknown field (ignored)" {
		t.Errorf("warning String = %q", got)
	}
	if ps[1].String() != "manifest is not valid UTF-8" || !ps.HasErrors() || ps[2:].HasErrors() {
		t.Error("whole-document String or HasErrors is wrong")
	}
	if len(ps.Errors()) != 2 || len(ps.Warnings()) != 1 || ps.Warnings()[0].Field != "x" {
		t.Errorf("Errors/Warnings split wrongly: %v / %v", ps.Errors(), ps.Warnings())
	}
	if got := ps.String(); !strings.Contains(got, "\nwarning: x: unknown") {
		t.Errorf("Problems.String = %q", got)
	}
}
