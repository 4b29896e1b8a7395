package trust

import (
	"os"
	"path/filepath"
)

// Default directories and the environment variables that override them.
const (
	// RootLocalDir is the local directory when running as root.
	RootLocalDir = "/etc/intermodal/trustedkeys"
	// SystemVendorDir holds the keys a distribution ships, read-only.
	SystemVendorDir = "/usr/share/intermodal/trustedkeys"
	// EnvTrustDir overrides the local directory.
	EnvTrustDir = "INTERMODAL_TRUST_DIR"
	// EnvVendorTrustDir overrides the vendor directory; set but empty, it
	// turns vendor keys off.
	EnvVendorTrustDir = "INTERMODAL_VENDOR_TRUST_DIR"
)

// The two scopes inside a trust directory, as rkt names them.
const (
	rootDir   = "root.d"
	prefixDir = "prefix.d"
)

// DefaultLocalDir is the writable trust directory: $INTERMODAL_TRUST_DIR,
// else /etc/intermodal/trustedkeys as root, else
// $XDG_CONFIG_HOME/intermodal/trustedkeys ($HOME/.config when unset). It
// returns "" when none of them can be worked out (no HOME).
func DefaultLocalDir() string {
	if d := os.Getenv(EnvTrustDir); d != "" {
		return d
	}
	if os.Geteuid() == 0 {
		return RootLocalDir
	}
	conf, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(conf, "intermodal", "trustedkeys")
}

// DefaultVendorDir is the read-only trust directory of shipped keys:
// $INTERMODAL_VENDOR_TRUST_DIR when set (empty means none), else
// /usr/share/intermodal/trustedkeys. A missing directory is simply empty.
func DefaultVendorDir() string {
	if d, ok := os.LookupEnv(EnvVendorTrustDir); ok {
		return d
	}
	return SystemVendorDir
}

// Store is a local trust directory plus an optional vendor one.
type Store struct {
	// Local is the writable directory: Add and Remove change only it.
	Local string
	// Vendor is the read-only directory; "" means none.
	Vendor string
}

// DefaultStore is the store of the default directories.
func DefaultStore() *Store {
	return &Store{Local: DefaultLocalDir(), Vendor: DefaultVendorDir()}
}

// scopeDir is the directory of a prefix ("" = root) inside base.
func scopeDir(base, prefix string) string {
	if prefix == "" {
		return filepath.Join(base, rootDir)
	}
	return filepath.Join(base, prefixDir, filepath.FromSlash(prefix))
}
