package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ruleCase breaks one rule of baseConfig and names the problem it must
// give: its rule ID, the exact field path, a part of the message, and
// whether it is a warning. A warning case must give no error at all.
type ruleCase struct {
	name    string
	rule    string
	field   string
	msg     string
	warning bool
	edits   []edit
	raw     string                            // the whole document, instead of edits
	setup   func(t *testing.T, bundle string) // adds to the bundle
	host    bool                              // check against fakeHost
}

func e(path, value string) edit { return edit{path, value} }

// userNS adds a new user namespace with mappings for ids 0-65535.
var userNS = []edit{
	e("linux.namespaces[5]", `{"type": "user"}`),
	e("linux.uidMappings", `[{"containerID": 0, "hostID": 100000, "size": 65536}]`),
	e("linux.gidMappings", `[{"containerID": 0, "hostID": 100000, "size": 65536}]`),
}

func with(base []edit, more ...edit) []edit {
	return append(append([]edit(nil), base...), more...)
}

var ruleCases = []ruleCase{
	// A-2 ociVersion
	{name: "version not semver", rule: "A-2", field: "ociVersion", msg: `"bogus" is not a SemVer 2.0.0 version`, edits: []edit{e("ociVersion", `"bogus"`)}},
	{name: "version two parts", rule: "A-2", field: "ociVersion", msg: "want MAJOR.MINOR.PATCH", edits: []edit{e("ociVersion", `"1.0"`)}},
	{name: "version leading zero", rule: "A-2", field: "ociVersion", msg: "leading zero", edits: []edit{e("ociVersion", `"1.01.0"`)}},
	{name: "version major 2", rule: "A-2", field: "ociVersion", msg: "major version 2 is not compatible", edits: []edit{e("ociVersion", `"2.0.0"`)}},
	{name: "version major 0", rule: "A-2", field: "ociVersion", msg: "major version 0", edits: []edit{e("ociVersion", `"0.5.0"`)}},
	{name: "version newer minor", rule: "A-2", field: "ociVersion", msg: "newer than runtime-spec 1.3", warning: true, edits: []edit{e("ociVersion", `"1.4.0"`)}},
	{name: "version missing", rule: "A-2", field: "ociVersion", msg: "missing (required)", edits: []edit{e("ociVersion", "-")}},
	{name: "version a number", rule: "A-2", field: "ociVersion", msg: "want a string, got number", edits: []edit{e("ociVersion", `1`)}},

	// A-3 unknown properties
	{name: "unknown property", rule: "A-3", field: "process.foo", msg: "unknown property", warning: true, edits: []edit{e("process.foo", `1`)}},
	{name: "misspelt readonly", rule: "A-3", field: "root.readOnly", msg: "unknown property", warning: true, edits: []edit{e("root.readOnly", `true`)}},
	{name: "unknown odd key", rule: "A-3", field: `linux["a b"]`, msg: "unknown property", warning: true, edits: []edit{e(`linux["a b"]`, `1`)}},

	// annotations
	{name: "annotation empty key", rule: "A-4", field: `annotations[""]`, msg: "empty key", edits: []edit{e("annotations", `{"": "x"}`)}},
	{name: "annotation reserved", rule: "A-4", field: `annotations["org.opencontainers.foo"]`, msg: "reserved", edits: []edit{e("annotations", `{"org.opencontainers.foo": "x"}`)}},
	{name: "annotation image key", rule: "A-4", field: `annotations["org.opencontainers.image.ref.name"]`, msg: "does not define this image annotation", warning: true, edits: []edit{e("annotations", `{"org.opencontainers.image.ref.name": "x"}`)}},
	{name: "annotation value type", rule: "A-4", field: `annotations["com.example.k"]`, msg: "want a string, got number", edits: []edit{e("annotations", `{"com.example.k": 5}`)}},
	{name: "annotation not reverse domain", rule: "A-53", field: `annotations["mykey"]`, msg: "reverse domain", warning: true, edits: []edit{e("annotations", `{"mykey": ""}`)}},

	// root
	{name: "root missing", rule: "A-5", field: "root", msg: "missing (required)", edits: []edit{e("root", "-")}},
	{name: "root path empty", rule: "A-5", field: "root.path", msg: "must not be empty", edits: []edit{e("root.path", `""`)}},
	{name: "root path missing", rule: "A-5", field: "root.path", msg: "missing (required)", edits: []edit{e("root", `{}`)}},
	{name: "root path absent dir", rule: "A-5", field: "root.path", msg: "no such file or directory", edits: []edit{e("root.path", `"nope/rootfs"`)}},
	{name: "root path a file", rule: "A-5", field: "root.path", msg: "not a directory", edits: []edit{e("root.path", `"config/rootfs"`)},
		setup: func(t *testing.T, b string) { mkfile(t, filepath.Join(b, "config/rootfs"), 0o644) }},
	{name: "root not named rootfs", rule: "A-5", field: "root.path", msg: "the conventional name is rootfs", warning: true, edits: []edit{e("root.path", `"fs"`)},
		setup: func(t *testing.T, b string) { mkfile(t, filepath.Join(b, "fs/bin/sh"), 0o755) }},
	{name: "root readonly type", rule: "A-6", field: "root.readonly", msg: "want a boolean, got string", edits: []edit{e("root.readonly", `"yes"`)}},

	// mounts
	{name: "mount relative destination", rule: "A-7", field: "mounts[0].destination", msg: "deprecated", warning: true, edits: []edit{e("mounts[0].destination", `"proc"`)}},
	{name: "mount no destination", rule: "A-7", field: "mounts[5].destination", msg: "missing (required)", edits: []edit{e("mounts[5]", `{"type": "tmpfs", "source": "tmpfs"}`)}},
	{name: "mount type bind no option", rule: "A-7", field: "mounts[5].type", msg: "bind mount by the option only", warning: true, edits: []edit{e("mounts[5]", `{"destination": "/data", "type": "bind", "source": "/tmp"}`)}},
	{name: "mount option comma", rule: "A-8", field: "mounts[5].options[0]", msg: "holds a comma", warning: true, edits: []edit{e("mounts[5]", `{"destination": "/run", "type": "tmpfs", "options": ["nosuid,nodev"]}`)}},
	{name: "mount option empty", rule: "A-8", field: "mounts[5].options[1]", msg: "empty option", warning: true, edits: []edit{e("mounts[5]", `{"destination": "/run", "type": "tmpfs", "options": ["ro", ""]}`)}},
	{name: "mount options a string", rule: "A-8", field: "mounts[5].options", msg: "want an array, got string", edits: []edit{e("mounts[5]", `{"destination": "/run", "type": "tmpfs", "options": "ro"}`)}},
	{name: "mount uid mappings alone", rule: "A-9", field: "mounts[5]", msg: "uidMappings without gidMappings", edits: with(userNS, e("mounts[5]", `{"destination": "/data", "source": "/tmp", "options": ["rbind", "idmap"], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}`))},
	{name: "mount gid mappings alone", rule: "A-9", field: "mounts[5]", msg: "gidMappings without uidMappings", edits: with(userNS, e("mounts[5]", `{"destination": "/data", "source": "/tmp", "options": ["rbind", "idmap"], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}`))},
	{name: "mount mappings without idmap", rule: "A-9", field: "mounts[5]", msg: "without an idmap or ridmap option", warning: true, edits: with(userNS, e("mounts[5]", `{"destination": "/data", "source": "/tmp", "options": ["rbind"], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}`))},
	{name: "mount idmap without user ns", rule: "A-9", field: "mounts[5]", msg: "needs a user namespace", edits: []edit{e("mounts[5]", `{"destination": "/data", "source": "/tmp", "options": ["rbind", "idmap"]}`)}},
	{name: "mount mapping size zero", rule: "A-9", field: "mounts[5].uidMappings[0].size", msg: "0 maps nothing", edits: with(userNS, e("mounts[5]", `{"destination": "/data", "source": "/tmp", "options": ["rbind", "idmap"], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 0}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}`))},
	{name: "mount mapping field type", rule: "A-9", field: "mounts[5].gidMappings[0].hostID", msg: "want a uint32 (0 to 4294967295), got -1", edits: with(userNS, e("mounts[5]", `{"destination": "/data", "source": "/tmp", "options": ["rbind", "idmap"], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": -1, "size": 1}]}`))},
	{name: "no /dev/shm", rule: "A-10", field: "mounts", msg: "nothing mounted on /dev/shm (the filesystems", warning: true, edits: []edit{e("mounts[3].destination", `"/run"`)}},
	{name: "mount covered later", rule: "A-50", field: "mounts[2]", msg: "/dev/pts is covered by mounts[5] (/dev)", warning: true, edits: []edit{e("mounts[5]", `{"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}`)}},

	// process
	{name: "no process", rule: "A-11", field: "process", msg: "cannot be started", warning: true, edits: []edit{e("process", "-")}},
	{name: "process a string", rule: "A-45", field: "process", msg: "want an object, got string", edits: []edit{e("process", `"sh"`)}},
	{name: "consoleSize without terminal", rule: "A-12", field: "process.consoleSize", msg: "terminal is not true", warning: true, edits: []edit{e("process.consoleSize", `{"height": 25, "width": 80}`)}},
	{name: "consoleSize negative", rule: "A-12", field: "process.consoleSize.height", msg: "want a uint (0 to 18446744073709551615), got -1", edits: []edit{e("process.terminal", `true`), e("process.consoleSize", `{"height": -1, "width": 80}`)}},
	{name: "consoleSize no width", rule: "A-12", field: "process.consoleSize.width", msg: "missing (required)", edits: []edit{e("process.terminal", `true`), e("process.consoleSize", `{"height": 25}`)}},
	{name: "terminal a string", rule: "A-12", field: "process.terminal", msg: "want a boolean, got string", edits: []edit{e("process.terminal", `"yes"`)}},
	{name: "cwd relative", rule: "A-13", field: "process.cwd", msg: `"tmp" is not an absolute path`, edits: []edit{e("process.cwd", `"tmp"`)}},
	{name: "cwd missing", rule: "A-13", field: "process.cwd", msg: "missing (required)", edits: []edit{e("process.cwd", "-")}},
	{name: "env without =", rule: "A-14", field: "process.env[2]", msg: `"FOO": want NAME=VALUE`, edits: []edit{e("process.env[2]", `"FOO"`)}},
	{name: "env empty name", rule: "A-14", field: "process.env[2]", msg: "empty name", edits: []edit{e("process.env[2]", `"=x"`)}},
	{name: "env NUL", rule: "A-14", field: "process.env[2]", msg: "NUL byte", edits: []edit{e("process.env[2]", `"X=a\u0000b"`)}},
	{name: "env odd name", rule: "A-14", field: "process.env[2]", msg: `name "1X": POSIX names`, warning: true, edits: []edit{e("process.env[2]", `"1X=y"`)}},
	{name: "env set twice", rule: "A-14", field: "process.env[2]", msg: "TERM is set again (first at [1])", warning: true, edits: []edit{e("process.env[2]", `"TERM=dumb"`)}},
	{name: "env entry type", rule: "A-14", field: "process.env[2]", msg: "want a string, got boolean", edits: []edit{e("process.env[2]", `true`)}},
	{name: "args empty", rule: "A-15", field: "process.args", msg: "at least one entry", edits: []edit{e("process.args", `[]`)}},
	{name: "args missing", rule: "A-15", field: "process.args", msg: "at least one entry", edits: []edit{e("process.args", "-")}},
	{name: "args[0] empty", rule: "A-15", field: "process.args[0]", msg: "no program to run", edits: []edit{e("process.args", `[""]`)}},
	{name: "args[0] absent", rule: "A-15", field: "process.args[0]", msg: "/bin/nope is not in the rootfs", warning: true, edits: []edit{e("process.args", `["/bin/nope"]`)}},
	{name: "absolute args[0] with a cwd", rule: "A-15", field: "process.args[0]", msg: "/bin/nope is not in the rootfs", warning: true, edits: []edit{e("process.args", `["/bin/nope"]`), e("process.cwd", `"/srv"`)}},
	{name: "args[0] not on PATH", rule: "A-15", field: "process.args[0]", msg: `"nope" is not in the rootfs on PATH=/usr/bin:/bin`, warning: true, edits: []edit{e("process.args", `["nope"]`)}},
	{name: "args[0] a directory", rule: "A-15", field: "process.args[0]", msg: "/bin in the rootfs is a directory", edits: []edit{e("process.args", `["/bin"]`)}},
	{name: "args[0] not executable", rule: "A-15", field: "process.args[0]", msg: "/bin/data in the rootfs is not executable", edits: []edit{e("process.args", `["/bin/data"]`)},
		setup: func(t *testing.T, b string) { mkfile(t, filepath.Join(b, "rootfs/bin/data"), 0o644) }},
	{name: "args[0] link out of root", rule: "A-15", field: "process.args[0]", msg: "/bin/escape is not in the rootfs", warning: true, edits: []edit{e("process.args", `["/bin/escape"]`)},
		setup: func(t *testing.T, b string) {
			symlink(t, "../../../../../../../bin/sh/../../usr/bin/env", filepath.Join(b, "rootfs/bin/escape"))
		}},
	{name: "args[0] link loop", rule: "A-15", field: "process.args[0]", msg: "too many levels of symbolic links", warning: true, edits: []edit{e("process.args", `["/bin/loop"]`)},
		setup: func(t *testing.T, b string) { symlink(t, "loop", filepath.Join(b, "rootfs/bin/loop")) }},
	{name: "uid negative", rule: "A-16", field: "process.user.uid", msg: "want a uint32 (0 to 4294967295), got -1", edits: []edit{e("process.user.uid", `-1`)}},
	{name: "uid (uid_t)-1", rule: "A-16", field: "process.user.uid", msg: "4294967295 is (uid_t)-1", edits: []edit{e("process.user.uid", `4294967295`)}},
	{name: "additional gid (gid_t)-1", rule: "A-16", field: "process.user.additionalGids[1]", msg: "4294967295 is (gid_t)-1", edits: []edit{e("process.user.additionalGids", `[5, 4294967295]`)}},
	{name: "uid a string", rule: "A-16", field: "process.user.uid", msg: "want an integer, got string", edits: []edit{e("process.user.uid", `"0"`)}},
	{name: "gid missing", rule: "A-16", field: "process.user.gid", msg: "missing (required)", edits: []edit{e("process.user.gid", "-")}},
	{name: "umask above 0777", rule: "A-16", field: "process.user.umask", msg: "only the permission bits", warning: true, edits: []edit{e("process.user.umask", `4095`)}},
	{name: "uid not mapped", rule: "A-16", field: "process.user.uid", msg: "70000 is not mapped by linux.uidMappings", edits: with(userNS, e("process.user.uid", `70000`))},
	{name: "additional gid not mapped", rule: "A-16", field: "process.user.additionalGids[1]", msg: "70000 is not mapped", edits: with(userNS, e("process.user.additionalGids", `[5, 70000]`))},
	{name: "rlimit unknown", rule: "A-17", field: "process.rlimits[0].type", msg: `"RLIMIT_FOO" is not a Linux resource limit`, edits: []edit{e("process.rlimits[0].type", `"RLIMIT_FOO"`)}},
	{name: "rlimit pattern", rule: "A-17", field: "process.rlimits[0].type", msg: "does not match ^RLIMIT_[A-Z]+$", edits: []edit{e("process.rlimits[0].type", `"nofile"`)}},
	{name: "rlimit duplicate", rule: "A-17", field: "process.rlimits[1]", msg: `duplicate type "RLIMIT_NOFILE"`, edits: []edit{e("process.rlimits[1]", `{"type": "RLIMIT_NOFILE", "hard": 10, "soft": 10}`)}},
	{name: "rlimit soft above hard", rule: "A-17", field: "process.rlimits[0]", msg: "soft limit 2048 is above the hard limit 1024", edits: []edit{e("process.rlimits[0].soft", `2048`)}},
	{name: "rlimit no soft", rule: "A-17", field: "process.rlimits[0].soft", msg: "missing (required)", edits: []edit{e("process.rlimits[0].soft", "-")}},
	{name: "capability not a name", rule: "A-18", field: "process.capabilities.bounding[1]", msg: `"chown" is not a capability name`, edits: []edit{e("process.capabilities.bounding[1]", `"chown"`)}},
	{name: "capability unknown", rule: "A-18", field: "process.capabilities.bounding[1]", msg: "CAP_FOO is not in capabilities(7)", warning: true, edits: []edit{e("process.capabilities.bounding[1]", `"CAP_FOO"`)}},
	{name: "capability twice", rule: "A-18", field: "process.capabilities.bounding[1]", msg: "CAP_KILL is listed twice", warning: true, edits: []edit{e("process.capabilities.bounding[1]", `"CAP_KILL"`)}},
	{name: "effective not permitted", rule: "A-18", field: "process.capabilities.effective[1]", msg: "CAP_CHOWN is not in permitted", edits: []edit{e("process.capabilities.effective[1]", `"CAP_CHOWN"`)}},
	{name: "ambient not inheritable", rule: "A-18", field: "process.capabilities.ambient[0]", msg: "not both permitted and inheritable", warning: true, edits: []edit{e("process.capabilities.inheritable", `[]`)}},
	{name: "noNewPrivileges a number", rule: "A-19", field: "process.noNewPrivileges", msg: "want a boolean, got number", edits: []edit{e("process.noNewPrivileges", `1`)}},
	{name: "oomScoreAdj range", rule: "A-20", field: "process.oomScoreAdj", msg: "2000 is outside the kernel's range", edits: []edit{e("process.oomScoreAdj", `2000`)}},
	{name: "oomScoreAdj fraction", rule: "A-20", field: "process.oomScoreAdj", msg: "want an integer, got 1.5", edits: []edit{e("process.oomScoreAdj", `1.5`)}},
	{name: "selinux label", rule: "A-21", field: "process.selinuxLabel", msg: "not an SELinux context", edits: []edit{e("process.selinuxLabel", `"unconfined"`)}},
	{name: "apparmor type", rule: "A-21", field: "process.apparmorProfile", msg: "want a string, got array", edits: []edit{e("process.apparmorProfile", `[]`)}},
	{name: "scheduler policy", rule: "A-22", field: "process.scheduler.policy", msg: `"SCHED_FOO" is not one of SCHED_OTHER`, edits: []edit{e("process.scheduler", `{"policy": "SCHED_FOO"}`)}},
	{name: "scheduler no policy", rule: "A-22", field: "process.scheduler.policy", msg: "missing (required)", edits: []edit{e("process.scheduler", `{"nice": 1}`)}},
	{name: "scheduler nice", rule: "A-22", field: "process.scheduler.nice", msg: "40: want -20 to 19", edits: []edit{e("process.scheduler", `{"policy": "SCHED_OTHER", "nice": 40}`)}},
	{name: "scheduler nice int32", rule: "A-22", field: "process.scheduler.nice", msg: "want an int32 (-2147483648 to 2147483647), got 3000000000", edits: []edit{e("process.scheduler", `{"policy": "SCHED_OTHER", "nice": 3000000000}`)}},
	{name: "scheduler fifo priority", rule: "A-22", field: "process.scheduler.priority", msg: "SCHED_FIFO wants 1 to 99", edits: []edit{e("process.scheduler", `{"policy": "SCHED_FIFO"}`)}},
	{name: "scheduler other priority", rule: "A-22", field: "process.scheduler.priority", msg: "SCHED_OTHER wants 0", edits: []edit{e("process.scheduler", `{"policy": "SCHED_OTHER", "priority": 5}`)}},
	{name: "scheduler deadline no runtime", rule: "A-22", field: "process.scheduler.runtime", msg: "SCHED_DEADLINE needs a runtime", edits: []edit{e("process.scheduler", `{"policy": "SCHED_DEADLINE"}`)}},
	{name: "scheduler deadline order", rule: "A-22", field: "process.scheduler.deadline", msg: "500 is below runtime 1000", edits: []edit{e("process.scheduler", `{"policy": "SCHED_DEADLINE", "runtime": 1000, "deadline": 500}`)}},
	{name: "scheduler runtime unused", rule: "A-22", field: "process.scheduler", msg: "SCHED_DEADLINE only", warning: true, edits: []edit{e("process.scheduler", `{"policy": "SCHED_BATCH", "runtime": 1000}`)}},
	{name: "scheduler flag", rule: "A-22", field: "process.scheduler.flags[0]", msg: `"SCHED_FLAG_X" is not one of`, edits: []edit{e("process.scheduler", `{"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_X"]}`)}},
	{name: "ioPriority range", rule: "A-22", field: "process.ioPriority.priority", msg: "9: want 0 (highest) to 7 (lowest)", edits: []edit{e("process.ioPriority", `{"class": "IOPRIO_CLASS_BE", "priority": 9}`)}},
	{name: "ioPriority no class", rule: "A-22", field: "process.ioPriority.class", msg: "missing (required)", edits: []edit{e("process.ioPriority", `{"priority": 4}`)}},
	{name: "cpu affinity range", rule: "A-22", field: "process.execCPUAffinity.initial", msg: "a range goes from low to high", edits: []edit{e("process.execCPUAffinity", `{"initial": "3-1"}`)}},
	{name: "cpu affinity pattern", rule: "A-22", field: "process.execCPUAffinity.final", msg: `"all" does not match`, edits: []edit{e("process.execCPUAffinity", `{"final": "all"}`)}},

	// A-23 hostname and domainname
	{name: "hostname without uts", rule: "A-23", field: "hostname", msg: "without a uts namespace", edits: []edit{e("linux.namespaces[3].type", `"cgroup"`)}},
	{name: "domainname without uts", rule: "A-23", field: "domainname", msg: "change the host's domainname", edits: []edit{e("linux.namespaces[3].type", `"cgroup"`), e("hostname", "-"), e("domainname", `"example.com"`)}},
	{name: "hostname too long", rule: "A-23", field: "hostname", msg: "65 bytes long", edits: []edit{e("hostname", `"`+strings.Repeat("h", 65)+`"`)}},
	{name: "hostname joined uts", rule: "A-23", field: "hostname", msg: "joined at /proc/1/ns/uts", warning: true, edits: []edit{e("linux.namespaces[3].path", `"/proc/1/ns/uts"`)}},

	// A-24 hooks
	{name: "hook createRuntime relative", rule: "A-24", field: "hooks.createRuntime[0].path", msg: `"hook" is not an absolute path`, edits: []edit{e("hooks.createRuntime[0]", `{"path": "hook"}`)}},
	{name: "hook createContainer relative", rule: "A-24", field: "hooks.createContainer[0].path", msg: "not an absolute path", edits: []edit{e("hooks.createContainer[0]", `{"path": "bin/hook"}`)}},
	{name: "hook startContainer relative", rule: "A-24", field: "hooks.startContainer[0].path", msg: "not an absolute path", edits: []edit{e("hooks.startContainer[0]", `{"path": "./hook"}`)}},
	{name: "hook poststop relative", rule: "A-24", field: "hooks.poststop[1].path", msg: "not an absolute path", edits: []edit{e("hooks.poststop", `[{"path": "/bin/true"}, {"path": "true"}]`)}},
	{name: "hook no path", rule: "A-24", field: "hooks.poststart[0].path", msg: "missing (required)", edits: []edit{e("hooks.poststart[0]", `{"args": ["x"]}`)}},
	{name: "hook timeout zero", rule: "A-24", field: "hooks.poststop[0].timeout", msg: "want an integer of at least 1, got 0", edits: []edit{e("hooks.poststop[0]", `{"path": "/bin/true", "timeout": 0}`)}},
	{name: "hook env", rule: "A-24", field: "hooks.poststart[0].env[0]", msg: "want NAME=VALUE", edits: []edit{e("hooks.poststart[0]", `{"path": "/bin/true", "env": ["X"]}`)}},
	{name: "hook prestart deprecated", rule: "A-24", field: "hooks.prestart", msg: "deprecated", warning: true, edits: []edit{e("hooks.prestart[0]", `{"path": "/bin/true"}`)}},
	{name: "hook startContainer not in rootfs", rule: "A-24", field: "hooks.startContainer[0].path", msg: "/sbin/ldconfig is not in the rootfs", warning: true, edits: []edit{e("hooks.startContainer[0]", `{"path": "/sbin/ldconfig"}`)}},
	{name: "hook kind unknown", rule: "A-3", field: "hooks.preStart", msg: "unknown property", warning: true, edits: []edit{e("hooks.preStart", `[]`)}},

	// A-29 namespaces
	{name: "namespace duplicate", rule: "A-29", field: "linux.namespaces[5]", msg: `duplicate type "pid"`, edits: []edit{e("linux.namespaces[5]", `{"type": "pid"}`)}},
	{name: "namespace type enum", rule: "A-29", field: "linux.namespaces[0].type", msg: `"pidns" is not one of pid, network, mount, ipc, uts, user, cgroup, time`, edits: []edit{e("linux.namespaces[0].type", `"pidns"`)}},
	{name: "namespace type number", rule: "A-29", field: "linux.namespaces[2].type", msg: "want a string, got number", edits: []edit{e("linux.namespaces[2].type", `5`)}},
	{name: "namespace path relative", rule: "A-29", field: "linux.namespaces[1].path", msg: `"net" is not an absolute path`, edits: []edit{e("linux.namespaces[1].path", `"net"`)}},
	{name: "namespace no type", rule: "A-29", field: "linux.namespaces[1].type", msg: "missing (required)", edits: []edit{e("linux.namespaces[1]", `{"path": "/proc/1/ns/net"}`)}},

	// A-30 user namespace mappings
	{name: "mappings without user ns", rule: "A-30", field: "linux.uidMappings", msg: "mappings without a user namespace", edits: []edit{e("linux.uidMappings", `[{"containerID": 0, "hostID": 1000, "size": 1}]`)}},
	{name: "user ns without mappings", rule: "A-30", field: "linux.gidMappings", msg: "required with a new user namespace", edits: []edit{e("linux.namespaces[5]", `{"type": "user"}`), e("linux.uidMappings", `[{"containerID": 0, "hostID": 1000, "size": 1}]`)}},
	{name: "joined user ns mappings", rule: "A-30", field: "linux.uidMappings", msg: "has its own mappings", warning: true, edits: with(userNS, e("linux.namespaces[5].path", `"/proc/1/ns/user"`))},
	{name: "mappings overlap", rule: "A-30", field: "linux.uidMappings[1]", msg: "overlaps the range of entry 0", edits: with(userNS, e("linux.uidMappings[1]", `{"containerID": 65535, "hostID": 300000, "size": 10}`))},
	{name: "mappings host overlap", rule: "A-30", field: "linux.gidMappings[1]", msg: "overlaps", edits: with(userNS, e("linux.gidMappings[1]", `{"containerID": 70000, "hostID": 100010, "size": 10}`))},
	{name: "mapping overflow", rule: "A-30", field: "linux.uidMappings[0]", msg: "goes past 4294967295", edits: with(userNS, e("linux.uidMappings[0]", `{"containerID": 4294967295, "hostID": 100000, "size": 2}`))},
	{name: "mapping no size", rule: "A-30", field: "linux.uidMappings[0].size", msg: "missing (required)", edits: with(userNS, e("linux.uidMappings[0].size", "-"))},

	// A-31 time offsets
	{name: "time offset clock", rule: "A-31", field: `linux.timeOffsets["realtime"]`, msg: "only the boottime and monotonic", edits: []edit{e("linux.namespaces[5]", `{"type": "time"}`), e("linux.timeOffsets", `{"realtime": {"secs": 1}}`)}},
	{name: "time offset no time ns", rule: "A-31", field: "linux.timeOffsets", msg: "needs a new time namespace", edits: []edit{e("linux.timeOffsets", `{"monotonic": {"secs": 1}}`)}},
	{name: "time offset nanosecs", rule: "A-31", field: `linux.timeOffsets["boottime"].nanosecs`, msg: "a second or more", edits: []edit{e("linux.namespaces[5]", `{"type": "time"}`), e("linux.timeOffsets", `{"boottime": {"nanosecs": 1000000000}}`)}},

	// A-32 devices
	{name: "device type", rule: "A-32", field: "linux.devices[0].type", msg: `"x" is not one of c, b, u, p`, edits: []edit{e("linux.devices", `[{"type": "x", "path": "/dev/x", "major": 1, "minor": 1}]`)}},
	{name: "device path relative", rule: "A-32", field: "linux.devices[0].path", msg: "not an absolute path", edits: []edit{e("linux.devices", `[{"type": "c", "path": "dev/x", "major": 1, "minor": 1}]`)}},
	{name: "device path duplicate", rule: "A-32", field: "linux.devices[1]", msg: `duplicate path "/dev/./x"`, edits: []edit{e("linux.devices", `[{"type": "c", "path": "/dev/x", "major": 1, "minor": 1}, {"type": "c", "path": "/dev/./x", "major": 1, "minor": 2}]`)}},
	{name: "device no major", rule: "A-32", field: "linux.devices[0].major", msg: "required for type c", edits: []edit{e("linux.devices", `[{"type": "c", "path": "/dev/x", "minor": 1}]`)}},
	{name: "device no minor", rule: "A-32", field: "linux.devices[0].minor", msg: "required for type b", edits: []edit{e("linux.devices", `[{"type": "b", "path": "/dev/x", "major": 8}]`)}},
	{name: "device major negative", rule: "A-32", field: "linux.devices[0].major", msg: "-1: the kernel takes 0 to 4095", edits: []edit{e("linux.devices", `[{"type": "c", "path": "/dev/x", "major": -1, "minor": 1}]`)}},
	{name: "device minor range", rule: "A-32", field: "linux.devices[0].minor", msg: "the kernel takes 0 to 1048575", edits: []edit{e("linux.devices", `[{"type": "c", "path": "/dev/x", "major": 1, "minor": 2000000}]`)}},
	{name: "device file mode", rule: "A-32", field: "linux.devices[0].fileMode", msg: "want a file mode (0 to 511), got 8630", edits: []edit{e("linux.devices", `[{"type": "c", "path": "/dev/x", "major": 1, "minor": 3, "fileMode": 8630}]`)}},
	{name: "device fifo numbers", rule: "A-32", field: "linux.devices[0]", msg: "ignored for a FIFO", warning: true, edits: []edit{e("linux.devices", `[{"type": "p", "path": "/dev/fifo", "major": 1, "minor": 3}]`)}},
	{name: "device numbers twice", rule: "A-32", field: "linux.devices[1]", msg: "same type and numbers (c 1:3) as devices[0]", warning: true, edits: []edit{e("linux.devices", `[{"type": "c", "path": "/dev/a", "major": 1, "minor": 3}, {"type": "u", "path": "/dev/b", "major": 1, "minor": 3}]`)}},
	{name: "device existing file", rule: "A-32", field: "linux.devices[0].path", msg: "the rootfs already has a regular file at /opt/dev/null", edits: []edit{e("linux.devices", `[{"type": "c", "path": "/opt/dev/null", "major": 1, "minor": 3}]`)},
		setup: func(t *testing.T, b string) { mkfile(t, filepath.Join(b, "rootfs/opt/dev/null"), 0o644) }},
	{name: "device existing directory via link", rule: "A-32", field: "linux.devices[0].path", msg: "the rootfs already has a directory at /opt/x/tty", edits: []edit{e("linux.devices", `[{"type": "c", "path": "/opt/x/tty", "major": 5, "minor": 0}]`)},
		setup: func(t *testing.T, b string) {
			mkfile(t, filepath.Join(b, "rootfs/etc/tty/f"), 0o644)
			symlink(t, "/etc", filepath.Join(b, "rootfs/opt/x"))
		}},
	{name: "device uid", rule: "A-32", field: "linux.devices[0].uid", msg: "want a uint32", edits: []edit{e("linux.devices", `[{"type": "c", "path": "/dev/x", "major": 1, "minor": 3, "uid": -5}]`)}},

	// A-33 cgroupsPath
	{name: "cgroupsPath dotdot", rule: "A-33", field: "linux.cgroupsPath", msg: "holds ..", edits: []edit{e("linux.cgroupsPath", `"/a/../../b"`)}},
	{name: "cgroupsPath unclean", rule: "A-33", field: "linux.cgroupsPath", msg: `runtimes read it as "/a/b"`, warning: true, edits: []edit{e("linux.cgroupsPath", `"/a//b/"`)}},
	{name: "cgroupsPath systemd parts", rule: "A-33", field: "linux.cgroupsPath", msg: "the systemd form is slice:prefix:name", edits: []edit{e("linux.cgroupsPath", `"system.slice:foo"`)}},
	{name: "cgroupsPath systemd slice", rule: "A-33", field: "linux.cgroupsPath", msg: `"foo" is not a systemd slice`, edits: []edit{e("linux.cgroupsPath", `"foo:bar:baz"`)}},
	{name: "cgroupsPath type", rule: "A-33", field: "linux.cgroupsPath", msg: "want a string, got object", edits: []edit{e("linux.cgroupsPath", `{}`)}},

	// resources
	{name: "device cgroup type", rule: "A-34", field: "linux.resources.devices[1].type", msg: `"u": want a (all), c or b`, edits: []edit{e("linux.resources.devices[1]", `{"allow": true, "type": "u", "access": "r"}`)}},
	{name: "device cgroup access", rule: "A-34", field: "linux.resources.devices[1].access", msg: `"rwx": want a combination of r, w and m`, edits: []edit{e("linux.resources.devices[1]", `{"allow": true, "type": "c", "access": "rwx"}`)}},
	{name: "device cgroup no allow", rule: "A-34", field: "linux.resources.devices[1].allow", msg: "missing (required)", edits: []edit{e("linux.resources.devices[1]", `{"type": "c", "access": "r"}`)}},
	{name: "device cgroup minor", rule: "A-34", field: "linux.resources.devices[1].minor", msg: "leave it out to mean all", edits: []edit{e("linux.resources.devices[1]", `{"allow": true, "type": "c", "major": 136, "minor": -1, "access": "rwm"}`)}},
	{name: "device cgroup type a numbers", rule: "A-34", field: "linux.resources.devices[1]", msg: "ignored for type a", warning: true, edits: []edit{e("linux.resources.devices[1]", `{"allow": true, "type": "a", "major": 1, "access": "rwm"}`)}},
	{name: "memory below -1", rule: "A-35", field: "linux.resources.memory.limit", msg: "-5: want -1 (unlimited)", edits: []edit{e("linux.resources.memory", `{"limit": -5}`)}},
	{name: "memory swap below limit", rule: "A-35", field: "linux.resources.memory.swap", msg: "1000 is below limit 2000", edits: []edit{e("linux.resources.memory", `{"limit": 2000, "swap": 1000}`)}},
	{name: "memory swappiness", rule: "A-35", field: "linux.resources.memory.swappiness", msg: "200: want 0 to 100", edits: []edit{e("linux.resources.memory", `{"swappiness": 200}`)}},
	{name: "memory kernel", rule: "A-35", field: "linux.resources.memory.kernel", msg: "NOT RECOMMENDED", warning: true, edits: []edit{e("linux.resources.memory", `{"kernel": 1000000}`)}},
	{name: "memory reservation above limit", rule: "A-35", field: "linux.resources.memory.reservation", msg: "never applies", warning: true, edits: []edit{e("linux.resources.memory", `{"limit": 1000, "reservation": 2000}`)}},
	{name: "memory limit type", rule: "A-35", field: "linux.resources.memory.limit", msg: "want an integer, got string", edits: []edit{e("linux.resources.memory", `{"limit": "1G"}`)}},
	{name: "cpu quota tiny", rule: "A-36", field: "linux.resources.cpu.quota", msg: "below the kernel's minimum", edits: []edit{e("linux.resources.cpu", `{"quota": 500}`)}},
	{name: "cpu quota negative", rule: "A-36", field: "linux.resources.cpu.quota", msg: "-2: want -1", edits: []edit{e("linux.resources.cpu", `{"quota": -2}`)}},
	{name: "cpu burst above quota", rule: "A-36", field: "linux.resources.cpu.burst", msg: "30000 is above quota 20000", edits: []edit{e("linux.resources.cpu", `{"quota": 20000, "burst": 30000, "period": 100000}`)}},
	{name: "cpu period", rule: "A-36", field: "linux.resources.cpu.period", msg: "the kernel takes 1000 to 1000000", edits: []edit{e("linux.resources.cpu", `{"period": 100}`)}},
	{name: "cpu realtime", rule: "A-36", field: "linux.resources.cpu.realtimeRuntime", msg: "above realtimePeriod", edits: []edit{e("linux.resources.cpu", `{"realtimeRuntime": 2000, "realtimePeriod": 1000}`)}},
	{name: "cpu list", rule: "A-36", field: "linux.resources.cpu.cpus", msg: `"0-": want a list`, edits: []edit{e("linux.resources.cpu", `{"cpus": "0-"}`)}},
	{name: "cpu idle", rule: "A-36", field: "linux.resources.cpu.idle", msg: "2: want 0 or 1", edits: []edit{e("linux.resources.cpu", `{"idle": 2}`)}},
	{name: "cpu shares negative", rule: "A-36", field: "linux.resources.cpu.shares", msg: "want a uint64", edits: []edit{e("linux.resources.cpu", `{"shares": -1024}`)}},
	{name: "blkio weight", rule: "A-37", field: "linux.resources.blockIO.weight", msg: "5: want 10 to 1000", edits: []edit{e("linux.resources.blockIO", `{"weight": 5}`)}},
	{name: "blkio weight uint16", rule: "A-37", field: "linux.resources.blockIO.weight", msg: "want a uint16 (0 to 65535), got 70000", edits: []edit{e("linux.resources.blockIO", `{"weight": 70000}`)}},
	{name: "blkio weightDevice", rule: "A-37", field: "linux.resources.blockIO.weightDevice[0]", msg: "needs a weight or a leafWeight", edits: []edit{e("linux.resources.blockIO", `{"weightDevice": [{"major": 8, "minor": 0}]}`)}},
	{name: "blkio throttle major", rule: "A-37", field: "linux.resources.blockIO.throttleReadBpsDevice[0].major", msg: "-1 is not a device number", edits: []edit{e("linux.resources.blockIO", `{"throttleReadBpsDevice": [{"major": -1, "minor": 0, "rate": 100}]}`)}},
	{name: "blkio throttle rate", rule: "A-37", field: "linux.resources.blockIO.throttleWriteIOPSDevice[0].rate", msg: "missing (required)", edits: []edit{e("linux.resources.blockIO", `{"throttleWriteIOPSDevice": [{"major": 8, "minor": 0}]}`)}},
	{name: "pids below -1", rule: "A-38", field: "linux.resources.pids.limit", msg: "-2: want -1 (no limit), 0 or more", edits: []edit{e("linux.resources.pids", `{"limit": -2}`)}},
	{name: "pids no limit", rule: "A-38", field: "linux.resources.pids.limit", msg: "missing (required)", edits: []edit{e("linux.resources.pids", `{}`)}},
	{name: "hugepage size", rule: "A-38", field: "linux.resources.hugepageLimits[0].pageSize", msg: `"2M" does not match`, edits: []edit{e("linux.resources.hugepageLimits", `[{"pageSize": "2M", "limit": 0}]`)}},
	{name: "hugepage twice", rule: "A-38", field: "linux.resources.hugepageLimits[1]", msg: "page size 2MB again", edits: []edit{e("linux.resources.hugepageLimits", `[{"pageSize": "2MB", "limit": 0}, {"pageSize": "2MB", "limit": 1}]`)}},
	{name: "network priority name", rule: "A-38", field: "linux.resources.network.priorities[0].name", msg: "not a network interface name", edits: []edit{e("linux.resources.network", `{"priorities": [{"name": "a/b", "priority": 1}]}`)}},
	{name: "network classID", rule: "A-38", field: "linux.resources.network.classID", msg: "want a uint32", edits: []edit{e("linux.resources.network", `{"classID": 5000000000}`)}},
	{name: "rdma empty", rule: "A-38", field: `linux.resources.rdma["mlx5_0"]`, msg: "needs hcaHandles or hcaObjects", edits: []edit{e("linux.resources.rdma", `{"mlx5_0": {}}`)}},
	{name: "unified key", rule: "A-38", field: `linux.resources.unified["../memory.max"]`, msg: "not a cgroup v2 file name", edits: []edit{e("linux.resources.unified", `{"../memory.max": "1"}`)}},

	// A-40 sysctl
	{name: "sysctl net without netns", rule: "A-40", field: `linux.sysctl["net.ipv4.ip_forward"]`, msg: "needs a network namespace", edits: []edit{e("linux.namespaces[1].type", `"cgroup"`), e("linux.sysctl", `{"net.ipv4.ip_forward": "1"}`)}},
	{name: "sysctl mqueue without ipc", rule: "A-40", field: `linux.sysctl["fs/mqueue/msg_max"]`, msg: "needs a ipc namespace", edits: []edit{e("linux.namespaces[2].type", `"cgroup"`), e("linux.sysctl", `{"fs/mqueue/msg_max": "10"}`)}},
	{name: "sysctl mqueue without mount ns", rule: "A-40", field: `linux.sysctl["fs.mqueue.queues_max"]`, msg: "needs ipc and mount namespaces", edits: []edit{e("linux.namespaces[4].type", `"cgroup"`), e("linux.sysctl", `{"fs.mqueue.queues_max": "10"}`)}},
	{name: "sysctl not namespaced", rule: "A-40", field: `linux.sysctl["vm.swappiness"]`, msg: "not namespaced", warning: true, edits: []edit{e("linux.sysctl", `{"vm.swappiness": "10"}`)}},
	{name: "sysctl path escape", rule: "A-40", field: `linux.sysctl["../../etc/passwd"]`, msg: "not a sysctl name", edits: []edit{e("linux.sysctl", `{"../../etc/passwd": "x"}`)}},
	{name: "sysctl value type", rule: "A-40", field: `linux.sysctl["net.core.somaxconn"]`, msg: "want a string, got number", edits: []edit{e("linux.sysctl", `{"net.core.somaxconn": 1024}`)}},

	// A-41 seccomp
	{name: "seccomp default action", rule: "A-41", field: "linux.seccomp.defaultAction", msg: `"SCMP_ACT_DENY" is not one of`, edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_DENY"}`)}},
	{name: "seccomp no default action", rule: "A-41", field: "linux.seccomp.defaultAction", msg: "missing (required)", edits: []edit{e("linux.seccomp", `{"syscalls": []}`)}},
	{name: "seccomp default errno", rule: "A-41", field: "linux.seccomp.defaultErrnoRet", msg: "SCMP_ACT_ALLOW does not return an errno", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1}`)}},
	{name: "seccomp arch", rule: "A-41", field: "linux.seccomp.architectures[0]", msg: `"x86_64" is not one of`, edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["x86_64"]}`)}},
	{name: "seccomp arch twice", rule: "A-41", field: "linux.seccomp.architectures[1]", msg: "listed twice", warning: true, edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86_64"]}`)}},
	{name: "seccomp flag", rule: "A-41", field: "linux.seccomp.flags[0]", msg: "is not one of", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["TSYNC"]}`)}},
	{name: "seccomp names empty", rule: "A-41", field: "linux.seccomp.syscalls[0].names", msg: "want at least 1 entry, got 0", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]}`)}},
	{name: "seccomp name empty", rule: "A-41", field: "linux.seccomp.syscalls[0].names[0]", msg: "must not be empty", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [""], "action": "SCMP_ACT_ERRNO"}]}`)}},
	{name: "seccomp errnoRet", rule: "A-41", field: "linux.seccomp.syscalls[0].errnoRet", msg: "SCMP_ACT_KILL does not return an errno", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}`)}},
	{name: "seccomp arg index", rule: "A-41", field: "linux.seccomp.syscalls[0].args[0].index", msg: "at most six arguments", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["clone"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]}`)}},
	{name: "seccomp arg op", rule: "A-41", field: "linux.seccomp.syscalls[0].args[0].op", msg: `"EQ" is not one of`, edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["clone"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "EQ"}]}]}`)}},
	{name: "seccomp arg value", rule: "A-41", field: "linux.seccomp.syscalls[0].args[0].value", msg: "missing (required)", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["clone"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "op": "SCMP_CMP_EQ"}]}]}`)}},
	{name: "seccomp notify no listener", rule: "A-41", field: "linux.seccomp", msg: "listenerPath is not set", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}]}`)}},
	{name: "seccomp metadata no listener", rule: "A-41", field: "linux.seccomp.listenerMetadata", msg: "set without listenerPath", edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "x"}`)}},
	{name: "seccomp listener unused", rule: "A-41", field: "linux.seccomp.listenerPath", msg: "no rule uses SCMP_ACT_NOTIFY", warning: true, edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/agent.sock"}`)}},
	{name: "seccomp notify default", rule: "A-41", field: "linux.seccomp.defaultAction", msg: "runc refuses it", warning: true, edits: []edit{e("linux.seccomp", `{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/run/agent.sock"}`)}},

	//
	{name: "rootfs propagation", rule: "A-42", field: "linux.rootfsPropagation", msg: `"rshared" is not one of private, shared, slave, unbindable`, edits: []edit{e("linux.rootfsPropagation", `"rshared"`)}},
	{name: "masked path relative", rule: "A-43", field: "linux.maskedPaths[1]", msg: `"proc/keys" is not an absolute path`, edits: []edit{e("linux.maskedPaths[1]", `"proc/keys"`)}},
	{name: "readonly path twice", rule: "A-43", field: "linux.readonlyPaths[1]", msg: "listed twice", warning: true, edits: []edit{e("linux.readonlyPaths[1]", `"/proc/sys/"`)}},
	{name: "mount label", rule: "A-44", field: "linux.mountLabel", msg: "not an SELinux context", edits: []edit{e("linux.mountLabel", `"s0"`)}},
	{name: "personality flag", rule: "A-44", field: "linux.personality.flags[0]", msg: "defines no personality flags", edits: []edit{e("linux.personality", `{"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}`)}},
	{name: "personality domain", rule: "A-44", field: "linux.personality.domain", msg: `"LINUX64" is not one of LINUX, LINUX32`, edits: []edit{e("linux.personality", `{"domain": "LINUX64"}`)}},
	{name: "memory policy bind", rule: "A-44", field: "linux.memoryPolicy.nodes", msg: "MPOL_BIND needs at least one node", edits: []edit{e("linux.memoryPolicy", `{"mode": "MPOL_BIND"}`)}},
	{name: "memory policy default", rule: "A-44", field: "linux.memoryPolicy.nodes", msg: "MPOL_DEFAULT takes no nodes", edits: []edit{e("linux.memoryPolicy", `{"mode": "MPOL_DEFAULT", "nodes": "0"}`)}},
	{name: "memory policy flags", rule: "A-44", field: "linux.memoryPolicy.flags", msg: "exclude each other", edits: []edit{e("linux.memoryPolicy", `{"mode": "MPOL_INTERLEAVE", "nodes": "0-1", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}`)}},
	{name: "memory policy mode", rule: "A-44", field: "linux.memoryPolicy.mode", msg: "missing (required)", edits: []edit{e("linux.memoryPolicy", `{"nodes": "0"}`)}},
	{name: "intelRdt closID", rule: "A-44", field: "linux.intelRdt.closID", msg: "not a directory name", edits: []edit{e("linux.intelRdt", `{"closID": "../x"}`)}},
	{name: "intelRdt memBwSchema", rule: "A-44", field: "linux.intelRdt.memBwSchema", msg: "does not match ^MB:", edits: []edit{e("linux.intelRdt", `{"memBwSchema": "L3:0=ff"}`)}},
	{name: "intelRdt l3CacheSchema", rule: "A-44", field: "linux.intelRdt.l3CacheSchema", msg: "SHOULD start with L3:", warning: true, edits: []edit{e("linux.intelRdt", `{"l3CacheSchema": "MB:0=20"}`)}},
	{name: "intelRdt schemata", rule: "A-44", field: "linux.intelRdt.schemata[0]", msg: "holds a newline", edits: []edit{e("linux.intelRdt", `{"schemata": ["L3:0=ff\nMB:0=20"]}`)}},
	{name: "netDevices name", rule: "A-44", field: `linux.netDevices["eth0"].name`, msg: `"a b" is not a network interface name`, edits: []edit{e("linux.netDevices", `{"eth0": {"name": "a b"}}`)}},
	{name: "netDevices no netns", rule: "A-44", field: "linux.netDevices", msg: "needs a new network namespace", edits: []edit{e("linux.namespaces[1].type", `"cgroup"`), e("linux.netDevices", `{"eth0": {}}`)}},
	{name: "windows section", rule: "A-46", field: "windows", msg: "defined for Windows only", warning: true, edits: []edit{e("windows", `{"layerFolders": []}`)}},
	{name: "commandLine", rule: "A-46", field: "process.commandLine", msg: "defined for Windows only", warning: true, edits: []edit{e("process.commandLine", `"cmd.exe"`)}},

	// A-45 the document
	{name: "not JSON", rule: "A-45", field: "", msg: "not JSON: invalid character", raw: `{"ociVersion": 1.0.0}`},
	{name: "truncated", rule: "A-45", field: "", msg: "not JSON: unexpected end of input", raw: `{"ociVersion": "1.0.0",`},
	{name: "an array", rule: "A-45", field: "", msg: "want an object, got array", raw: `[]`},
	{name: "trailing data", rule: "A-45", field: "", msg: "unexpected data after the object at line 2, column 1", raw: "{}\n{}"},
	{name: "null value", rule: "A-16", field: "process.user", msg: "want an object, got null", edits: []edit{e("process.user", `null`)}},
	{name: "linux a list", rule: "A-45", field: "linux", msg: "want an object, got array", edits: []edit{e("linux", `[]`)}},
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestRules(t *testing.T) {
	for _, tc := range append(append([]ruleCase(nil), ruleCases...), hostCases...) {
		t.Run(tc.name, func(t *testing.T) { runCase(t, tc) })
	}
}

func runCase(t *testing.T, tc ruleCase) {
	bundle := newBundle(t)
	if tc.setup != nil {
		tc.setup(t, bundle)
	}
	data := []byte(tc.raw)
	if tc.raw == "" {
		data = applyEdits(t, tc.edits)
	}
	opts := Options{Bundle: bundle}
	if tc.host {
		opts.Host = fakeHost(t)
	}
	ps := Config(data, opts)
	if !hasProblem(ps, tc) {
		t.Fatalf("want %s %q: %q (warning %v), got:\n%s", tc.rule, tc.field, tc.msg, tc.warning, problemsText(ps))
	}
	if tc.warning && HasErrors(ps) {
		t.Fatalf("a warning case gave errors:\n%s", problemsText(ps))
	}
	if _, ok := rules[tc.rule]; !ok {
		t.Fatalf("rule %s is not in rules", tc.rule)
	}
}

func hasProblem(ps []Problem, tc ruleCase) bool {
	for _, p := range ps {
		if p.Rule == tc.rule && p.Field == tc.field && p.Warning == tc.warning && strings.Contains(p.Message, tc.msg) {
			return true
		}
	}
	return false
}

// TestRuleCoverage: every rule has a case, and every case's problem names
// a rule that exists.
func TestRuleCoverage(t *testing.T) {
	covered := map[string]bool{"A-1": true} // TestBundleConfigFile
	for _, tc := range append(append([]ruleCase(nil), ruleCases...), hostCases...) {
		covered[tc.rule] = true
	}
	for id := range rules {
		if !covered[id] {
			t.Errorf("rule %s (%s) has no case", id, rules[id])
		}
	}
}
