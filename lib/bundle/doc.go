// Package bundle owns OCI runtime bundles made from appc images: rendering
// an image and its dependencies into a root filesystem, translating the
// image's app into config.json, and writing the whole bundle directory so
// that it appears complete or not at all.
//
// A bundle written by Write is a directory holding:
//
//	config.json   the OCI runtime configuration (ociVersion 1.0.2; 1.1.0
//	              when it has a seccomp filter)
//	rootfs/       the rendered root filesystem: dependencies, then the image
//	manifest      the image manifest, byte for byte as in the image
//	image-id      the image ID, "sha512-" and 128 hex digits, and a newline
//	image.tsm     tar-split metadata of the image's own tar
//
// manifest and image.tsm sit where `aci-id --rootfs DIR/rootfs --tar-split
// DIR/image.tsm` looks for them, so the rendered tree can be proven to hold
// the image's own files unchanged (for an image without dependencies, that
// the tree is the image). A pathWhitelist that leaves out some of the
// image's own files makes that proof fail, as it should.
//
// Rendering follows appc DEP-3: dependencies depth first in list order, the
// image last, later layers replacing earlier paths (symlinks are replaced,
// never followed: lib/extract), and every layer filtered by its own
// pathWhitelist and those of the images that depend on it. A whitelist keeps
// the paths it lists, matched exactly as the reference renderer matches
// them, and the directories above them, with the metadata their image gave
// them; everything else goes, directories included, as the spec says
// ("remove every path not in it"), where rkt kept an image's own
// directories. Decompression runs
// on its own goroutine and every decompressed chunk is handed, without
// copying, to the extractor, to the image ID hash, to the layout checks and
// to the tar-split recorder, so an image is read once. Everything is
// extracted into a hidden directory beside the bundle: an image the checks
// find invalid, or that does not hash to the ID it is known by, is
// discarded with all that came out of it, and nothing reaches the bundle.
//
// The translation follows appc.md §D: exec resolved like execvp inside the
// rootfs, the required environment, user and group from the image's own
// passwd and group files (bounded, never through a symlink out of the
// rootfs), the working directory checked, isolators mapped to capabilities,
// resources, sysctls, seccomp and the like; whatever cannot be mapped is
// reported through Options.Warn, never dropped silently. Namespaces, mounts,
// masked and read-only paths are those `runc spec` writes.
//
// It does not fetch images (lib/fetch), extract tar streams (lib/extract),
// validate archives or manifests (lib/aci, lib/appc) or run containers.
package bundle
