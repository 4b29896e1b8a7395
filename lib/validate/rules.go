package validate

// rules lists the checks by the ID of the requirement they come from in
// section A of specs/oci-runtime.md, with what is checked. Every Problem
// carries one of these IDs, and the tests have a case for each.
//
// Not checks, because they describe what a runtime does, not what a config
// holds: A-25 to A-28 (hook timing, stdin, failures, execution), A-39
// (refusing a frozen or busy cgroup at create). describe
// oci-runtime-tool; what they check is here under the spec's own IDs,
// without the tool's quirks, and A-56's additions likewise.
var rules = map[string]string{
	"A-1":  "config.json, a regular file under exactly that name, at the root of the bundle",
	"A-2":  "ociVersion REQUIRED, SemVer 2.0.0, major 1; a minor newer than 1.3 is a warning",
	"A-3":  "unknown properties are warnings, as runtimes ignore them",
	"A-4":  "annotations: string values, non-empty keys, org.opencontainers reserved to the listed keys",
	"A-5":  "root REQUIRED, root.path REQUIRED and a directory (relative to the bundle or absolute); rootfs SHOULD be its name",
	"A-6":  "root.readonly is a boolean",
	"A-7":  "mounts: destination REQUIRED and SHOULD be absolute; type bind without a bind option; with --host-specific, types in /proc/filesystems and bind sources that exist",
	"A-8":  "mount options: strings, none empty or holding a comma",
	"A-9":  "per-mount uidMappings and gidMappings together, with idmap or ridmap; idmap without mappings needs a user namespace; valid ranges",
	"A-10": "/proc, /sys, /dev/pts and /dev/shm SHOULD be mounted",
	"A-11": "a config without process cannot be started",
	"A-12": "terminal is a boolean; consoleSize {height, width} is ignored without terminal",
	"A-13": "process.cwd REQUIRED and absolute",
	"A-14": "process.env entries are NAME=VALUE (POSIX names; NUL never; repeats warned)",
	"A-15": "process.args has at least one entry; args[0] found on PATH in the rootfs and executable",
	"A-16": "process.user uid and gid REQUIRED uint32; umask; ids mapped in a new user namespace",
	"A-17": "rlimits: known RLIMIT_ types, no type twice, soft <= hard; with --host-specific, raising a hard limit needs CAP_SYS_RESOURCE",
	"A-18": "capabilities: CAP_ names, known to capabilities(7) and to the kernel; effective within permitted; ambient within permitted and inheritable",
	"A-19": "noNewPrivileges is a boolean",
	"A-20": "oomScoreAdj from -1000 to 1000; with --host-specific, lowering it needs CAP_SYS_RESOURCE",
	"A-21": "apparmorProfile and selinuxLabel: SELinux context syntax; with --host-specific, the security module is enabled",
	"A-22": "scheduler, ioPriority and execCPUAffinity: enumerations and the ranges the kernel takes",
	"A-23": "hostname and domainname need a uts namespace and fit in 64 bytes",
	"A-24": "hooks: path REQUIRED and absolute for all six kinds, env NAME=VALUE, timeout >= 1, prestart deprecated; hook programs exist",
	"A-29": "namespaces: known types, absolute paths, no type twice; with --host-specific, the kernel has the type and a path is a namespace of it",
	"A-30": "uidMappings and gidMappings need a user namespace, and a new one needs both; ranges not empty, overflowing or overlapping",
	"A-31": "timeOffsets: boottime and monotonic only, nanosecs below a second, a new time namespace",
	"A-32": "devices: type c, b, u or p, absolute unique paths, major and minor for c, b and u within the kernel's range (0 allowed), file mode 0 to 0777, existing nodes match",
	"A-33": "cgroupsPath: a path without .., or the systemd slice:prefix:name form",
	"A-34": "resources.devices: allow REQUIRED, type a, c or b, access within rwm",
	"A-35": "memory: -1 or bytes, swap not below limit, swappiness 0 to 100, kernel limits NOT RECOMMENDED",
	"A-36": "cpu: quota no smaller than burst, kernel ranges for period and quota, realtime runtime within its period, cpu lists, idle 0 or 1",
	"A-37": "blockIO: weights 10 to 1000, weightDevice with a weight or leafWeight, device numbers; with --host-specific, leaf weights exist",
	"A-38": "pids (0 allowed), hugepageLimits, network, rdma and unified; with --host-specific, controllers, page sizes and interfaces exist",
	"A-40": "sysctl: names under /proc/sys, the namespace they need; not namespaced is a warning",
	"A-41": "seccomp: actions, architectures, flags, operators; errno only with ERRNO and TRACE; notify needs listenerPath; listenerMetadata needs listenerPath",
	"A-42": "rootfsPropagation is shared, slave, private or unbindable",
	"A-43": "maskedPaths and readonlyPaths are absolute",
	"A-44": "mountLabel, personality, memoryPolicy, intelRdt and netDevices",
	"A-45": "the document is one JSON object, with each field of the spec's type",
	"A-46": "fields for other platforms are ignored on Linux",
	"A-50": "a mount covered by a later one",
	"A-53": "annotation keys SHOULD use reverse domain notation",
}
