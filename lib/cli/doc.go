// Package cli is the one way every intermodal tool is built on urfave/cli/v2.
//
// It owns what CONVENTIONS.md asks of every binary: exit statuses mapped in
// main only (0, 1, 2 for usage errors, 130/143 after SIGINT/SIGTERM), one-line
// errors prefixed with the tool's name, "-" for stdin and stdout, refusing to
// write an image to a terminal, atomic output files that are removed on error
// and on a signal, progress on a terminal only, --version, and man pages and
// shell completion generated from the same definitions as --help.
//
// It does not own what any tool does: actions live in the tools and the
// libraries they call. Only tools import this package.
package cli
