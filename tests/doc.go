// Package tests holds the end-to-end tests: testscript files under
// testdata/script that run the built binaries (bin/, or $INTERMODAL_BIN) in
// shell-like pipelines and against real peers (actool, GNU tar, gzip, gpg).
// make test builds the binaries first.
package tests
