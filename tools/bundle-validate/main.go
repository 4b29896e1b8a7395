// Command bundle-validate checks OCI runtime bundles against the runtime
// spec, and, when asked, against this host.
//
// Synopsis:
//
//	bundle-validate [--host-specific] [--json] [-q] [-v] [BUNDLE|-]...
//
// Each BUNDLE is a directory holding config.json (default: the current
// directory); "-" reads a config.json from standard input, whose root
// filesystem is then not looked for. The config is checked against the
// runtime-spec 1.3 for Linux: first its structure, every field's JSON type,
// REQUIRED fields, enumerations, ranges and patterns, written from the spec
// (a wrong type names its field, never a decoding error, and nothing is
// downloaded); then the rules the structure cannot say: ociVersion is SemVer
// with major 1, namespaces appear once, ID mappings go with a user
// namespace, paths are absolute, capabilities, rlimits, seccomp, devices
// (minor 0 allowed), cgroups and sysctls are sound, and all six kinds of
// hooks are checked. With a bundle, root.path must be a directory (relative
// to the bundle or absolute, anywhere), args[0] must be found on PATH in the
// rootfs and be executable, and device nodes already there must match.
//
// --host-specific also checks this machine: capabilities the kernel knows
// (cap_last_cap), mount types in /proc/filesystems and bind sources,
// namespace kinds and that a namespace path is a namespace of its type,
// runtime-namespace hooks present and executable, sysctls, cgroup
// controllers in v1 or v2 hierarchies, huge page sizes, interfaces and
// security modules.
//
// Each problem is one line on standard output:
// "BUNDLE/config.json: FIELD: MESSAGE", with "warning: " after the file for
// a warning (a SHOULD, or a value runtimes ignore or work around, such as an
// unknown property). --json prints one JSON array of {file, field, message,
// warning} instead; -q leaves warnings out.
//
// Exit status: 0 if every config is valid (warnings allowed), 1 if any has
// an error or cannot be read, 2 on a usage error.
package main

import (
	"os"

	"github.com/intermodal/intermodal/lib/cli"
	ucli "github.com/urfave/cli/v2"
)

func main() { os.Exit(cli.Main(app())) }

func app() *ucli.App {
	a := cli.New("bundle-validate", "check OCI runtime bundles against the runtime spec, and optionally against this host")
	a.ArgsUsage = "[BUNDLE|-]..."
	a.Description = "Each BUNDLE is a directory holding config.json (default: the current directory); - reads a config.json from standard input, and its root filesystem is then not looked for.\n\n" +
		"The config is checked against the runtime-spec 1.3 for Linux. First its structure: every field's JSON type, REQUIRED fields, enumerations, ranges and patterns, described from the spec itself, so a wrong type names its field rather than failing to decode, and nothing is downloaded. Then the rules the structure cannot express: ociVersion is SemVer with major version 1 (a newer minor is a warning), namespace types appear once, ID mappings go with a user namespace, paths are absolute, capabilities, rlimits, seccomp, devices (minor 0 is a real device), cgroup settings and sysctls are sound, and all six kinds of hooks are checked. Unknown properties are warnings, as runtimes must ignore them.\n\n" +
		"With a bundle, root.path must name a directory, relative to the bundle or absolute and anywhere; inside the root filesystem, resolved without ever leaving it, args[0] must be found on PATH and be executable, and a device node already at a device's path must be that device.\n\n" +
		"With --host-specific it also checks this machine: capabilities the kernel knows (cap_last_cap), mount types in /proc/filesystems and bind sources that exist, namespace kinds the kernel has and namespace paths that are namespaces of their type, hooks that run in the runtime namespace present and executable, sysctls, cgroup controllers in v1 or v2 hierarchies (a hybrid host has both), huge page sizes, blkio leaf weights, network interfaces, AppArmor, SELinux and resctrl.\n\n" +
		"Each problem is one line on standard output: BUNDLE/config.json: FIELD: MESSAGE, with warning: after the file name for a warning (a SHOULD, or a value runtimes ignore or work around). Warnings do not make a config invalid."
	a.Flags = append(a.Flags, flags...)
	a.Action = run
	a.Metadata[cli.MetaExamples] = "bundle-validate ./bundle\n\nrunc spec && bundle-validate\n\nbundle-validate --host-specific --json ./bundle\n\naci-bundle app.aci ./b && bundle-validate -q ./b && runc run -b ./b app\n\njq '.hostname = \"x\"' b/config.json | bundle-validate -"
	a.Metadata[cli.MetaSeeAlso] = "aci-bundle(1), runtime-exec(1), runc(8), crun(1)"
	a.Metadata[cli.MetaExit] = "0  every config is valid (warnings allowed).\n1  a config has an error, or a bundle or config cannot be read.\n2  usage error.\n130, 143  interrupted by SIGINT or SIGTERM."
	return a
}
