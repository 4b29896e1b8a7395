// Command aci-bundle turns an appc image into an OCI runtime bundle.
//
// Synopsis:
//
//	aci-bundle [options] IMAGE DIR [-- ARG...]
//
// IMAGE is an ACI file (any compression), - for standard input, or an image
// in the store (--store, INTERMODAL_STORE) named by an ID prefix or by
// NAME[:VERSION][,LABEL=VALUE...]. aci-bundle renders the image's
// dependencies (from the store, depth first, in the order appc gives) and
// then the image into DIR/rootfs, never creating or following anything out
// of it, applies the pathWhitelists, and translates the image's app into
// DIR/config.json for runc, crun or any OCI runtime. It prints DIR.
//
// The bundle is built in a hidden directory beside DIR and renamed into
// place when complete: a failed or interrupted run leaves no DIR, and an
// existing bundle is replaced, in one step, only with --overwrite. The image
// is read once: decompression, extraction, the image ID hash and the layout
// checks run side by side on the same bytes.
//
// DIR also holds manifest (the image manifest as in the image), image-id
// and image.tsm (tar-split metadata), so that
// aci-id --rootfs DIR/rootfs --tar-split DIR/image.tsm proves the rootfs
// still holds the image's own files (unless its pathWhitelist left some
// out).
//
// config.json follows the image's app: exec resolved like execvp inside the
// rootfs (ARGs after -- replace it; --exec replaces the program), the
// environment appc requires (PATH, AC_APP_NAME, container=intermodal, HOME,
// USER), user and group looked up in the image's own /etc/passwd and
// /etc/group, supplementary groups, the working directory (which must
// exist), and isolators mapped to capabilities, no_new_privs, memory and CPU
// limits, oom_score_adj, sysctls and seccomp. What cannot be mapped is named
// on standard error ("warning: isolator X ignored: why"). Namespaces,
// mounts, devices, masked and read-only paths are those of runc spec.
// --volume binds each of the image's mountPoints to a host path.
//
// Exit status: 0 when the bundle was written; 1 when it could not be; 2 on a
// usage error; 130 or 143 when interrupted (after removing the partial
// bundle).
package main

import (
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func main() { os.Exit(cli.Main(app())) }

func app() *ucli.App {
	a := cli.New("aci-bundle", "turn an appc image into an OCI runtime bundle")
	a.ArgsUsage = "IMAGE DIR [-- ARG...]"
	a.Description = "IMAGE is an ACI file (any compression), - for standard input, or an image in the store (--store) named by an ID prefix or by NAME[:VERSION][,LABEL=VALUE...]. The image's dependencies, from the store, are rendered into DIR/rootfs depth first in appc's order, then the image itself, each layer replacing what earlier ones put at the same path (symlinks are replaced, never followed), and the pathWhitelists are applied. Nothing is ever created or followed outside DIR, whatever the archives hold. The image's app becomes DIR/config.json. DIR is printed.\n\n" +
		"The bundle is built in a hidden directory beside DIR and renamed into place when complete: a failed or interrupted run leaves no DIR. An existing DIR is replaced, in one step, only with --overwrite, and only if it holds a config.json (an empty directory is simply taken). The image is read once: decompression, extraction, the image ID hash and the layout checks run side by side. Stored images must still hash to their ID; files are checked as strictly as aci-validate does.\n\n" +
		"Beside config.json and rootfs, DIR holds manifest (as in the image), image-id, and image.tsm, tar-split metadata of the image's tar, so that aci-id --rootfs DIR/rootfs --tar-split DIR/image.tsm proves the tree still holds the image's own files (for an image without dependencies: that it is the image). A pathWhitelist that leaves out some of the image's own files makes that proof fail.\n\n" +
		"config.json: the program is resolved like execvp inside the rootfs, with the app's PATH, and must be an executable file there, not under /proc, /sys or /dev (ARGs after -- replace the whole exec; --exec replaces the program). The environment is the app's, plus PATH (unless set), AC_APP_NAME, container=intermodal, and HOME, USER and LOGNAME from the user's passwd entry (unless set). user and group are numbers, names in the image's own /etc/passwd and /etc/group (read with size limits, never through a symlink out of the rootfs) or /path (that file's owner). The working directory must exist. Isolators map to capabilities (the 14 appc defaults, or the retain or remove set, as bounding, effective and permitted sets), noNewPrivileges, linux.resources.memory and .cpu, oomScoreAdj, namespaced sysctls (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*), seccomp (a remove-set is denied, a retain-set is all that is allowed besides what runtimes need to start the app), and SELinux and AppArmor labels; each isolator that cannot be mapped is reported on standard error as ignored. Namespaces, mounts, devices, masked and read-only paths are those runc spec writes (runc spec --rootless with --rootless, mapping the app's uid and gid to yours).\n\n" +
		"--volume NAME:HOSTPATH[:ro] binds the mountPoint NAME to HOSTPATH, read-only with :ro or when the mountPoint says so. Every mountPoint needs a volume, and every volume a mountPoint."
	a.Flags = append(a.Flags, flags...)
	a.Action = run
	a.Metadata[cli.MetaExamples] = "aci-bundle app.aci ./bundle && runc run -b ./bundle app1\n\n" +
		"aci-bundle --volume data:/srv/data --volume conf:/etc/app:ro example.com/app:1.0 /run/bundles/app\n\n" +
		"aci-bundle sha512-3a1265 ./bundle -- /bin/sh -c 'id; env'\n\n" +
		"aci-bundle app.aci ./bundle && aci-id --rootfs ./bundle/rootfs --tar-split ./bundle/image.tsm"
	a.Metadata[cli.MetaSeeAlso] = "aci-fetch(1), aci-store(1), aci-id(1), bundle-validate(1), runc(8), crun(1)"
	a.Metadata[cli.MetaExit] = "0  the bundle was written.\n1  the image could not be read, was invalid or did not match its ID, a dependency was missing, or the app could not be translated; DIR is left as it was.\n2  usage error.\n130, 143  interrupted by SIGINT or SIGTERM; the partial bundle is removed."
	return a
}
