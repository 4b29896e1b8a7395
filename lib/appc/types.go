package appc

import "regexp"

// ACVersion is the version of the appc spec this package implements and
// writes into new manifests.
const ACVersion = "0.8.11"

// The appc kinds; an image manifest must use ImageManifestKind.
const (
	ImageManifestKind = "ImageManifest"
	PodManifestKind   = "PodManifest"
)

// The patterns of appc types.md, anchored. RE2 guarantees linear time, so
// they are safe on hostile input.
var (
	identifierRE = regexp.MustCompile(`^[a-z0-9]+([-._~/][a-z0-9]+)*$`)
	nameRE       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	imageIDRE    = regexp.MustCompile(`^sha512-[0-9a-f]{128}$`)
	envNameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z_0-9.-]*$`)
)

// ValidIdentifier reports whether s is an AC Identifier: lowercase letters
// and digits, separated by single '-', '.', '_', '~' or '/' characters. It
// is the type of image names, label and annotation names and isolator
// names. This is the spec's regular expression, which is stricter than
// some of its prose examples ("example.com/~user" has two separators in a
// row) and than the reference code (which allows "a//b").
func ValidIdentifier(s string) bool {
	return identifierRE.MatchString(s)
}

// ValidName reports whether s is an AC Name: lowercase letters and digits
// separated by single dashes. It is the type of mount point and port names.
func ValidName(s string) bool {
	return nameRE.MatchString(s)
}

// ValidImageID reports whether s is a full image ID: "sha512-" followed by
// 128 lowercase hex digits. Shortened IDs are lookup keys, not image IDs.
func ValidImageID(s string) bool {
	return imageIDRE.MatchString(s)
}

// ValidEnvName reports whether s may name an environment variable in an
// app: POSIX letters, digits and underscores, plus '.' and '-' after the
// first character.
func ValidEnvName(s string) bool {
	return envNameRE.MatchString(s)
}

const (
	identifierRule = "must be an AC Identifier (lowercase letters and digits, separated by single -._~/)"
	nameRule       = "must be an AC Name (lowercase letters and digits, separated by single dashes)"
	imageIDRule    = `must be an image ID ("sha512-" and 128 lowercase hex digits)`
)
