// Command aci-pack builds a deterministic appc image (ACI) from a directory.
//
// Synopsis:
//
//	aci-pack [options] IMAGE_DIR
//	aci-pack [options] --manifest FILE --rootfs DIR
//	tar -C DIR -c . | aci-pack [options] --manifest FILE
//
// The input is an image directory (DIR/manifest and DIR/rootfs/), a manifest
// and a rootfs given apart, or a manifest and a rootfs tar stream on
// standard input. The manifest is validated first, strictly; an invalid
// image is never packed. The ACI goes to standard output (never to a
// terminal) or, atomically, to -o FILE.
//
// Output is deterministic: "manifest" first, an explicit "rootfs" entry,
// then entries sorted by name; numeric owners with empty user and group
// names; whole-second times, clamped to SOURCE_DATE_EPOCH when it is set
// (the manifest's time too); gzip without name or time. Two packs of the
// same input are byte-identical under any umask. Modes, setuid bits, xattrs,
// hardlinks, symlinks, device nodes and FIFOs are kept; sockets are skipped
// with a warning. Compression is parallel on all cores.
//
// --id-file writes the image ID computed while packing; --tar-split writes
// tar-split metadata so aci-id --rootfs can re-identify an unpacked tree.
package main

import (
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func main() { os.Exit(cli.Main(app())) }

func app() *ucli.App {
	a := cli.New("aci-pack", "build a deterministic appc image (ACI) from a directory")
	a.ArgsUsage = "[IMAGE_DIR]"
	a.Description = "The input is an image directory (IMAGE_DIR/manifest and IMAGE_DIR/rootfs/), or --manifest with --rootfs, or --manifest with a rootfs tar stream on standard input (tar -C DIR -c . | aci-pack --manifest M). The manifest is validated first, strictly, and an invalid image is never packed. The ACI goes to standard output, never to a terminal, or atomically to -o FILE.\n\n" +
		"Output is deterministic: manifest first, an explicit rootfs entry, then entries sorted by name; numeric owners with empty user and group names; whole-second times clamped to SOURCE_DATE_EPOCH when it is set (the manifest's too); gzip without a name or time. Two packs of the same input are byte-identical on any machine and under any umask. With a tar stream on standard input, entries keep the stream's order.\n\n" +
		"Modes, setuid bits, xattrs, hardlinks, symlinks, device nodes and FIFOs are kept; sockets are skipped with a warning. Compression runs in parallel on all cores.\n\n" +
		"--id-file writes the image ID computed while packing, with no second pass; --tar-split writes tar-split metadata so that aci-id --rootfs can prove an unpacked tree is still this image."
	a.Flags = append(a.Flags, flags...)
	a.Action = run
	a.Metadata[cli.MetaExamples] = "aci-pack -o app.aci ./app\n\nSOURCE_DATE_EPOCH=$(git log -1 --format=%ct) aci-pack --id-file app.aci.id -o app.aci ./app\n\ntar -C build -c . | aci-pack --manifest manifest.json --compression xz > app.aci\n\naci-pack ./app | ssh host 'cat > app.aci'"
	a.Metadata[cli.MetaSeeAlso] = "aci-validate(1), aci-id(1), actool(1), gpg(1)"
	return a
}
