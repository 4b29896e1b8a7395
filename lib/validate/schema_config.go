package validate

import "math"

// The structure of config.json, written from the runtime-spec's field lists
// (config.md, config-linux.md, version 1.3): each field's JSON type, whether
// it is REQUIRED, its enumeration, range or pattern. Where the prose and the
// project's JSON schema differ, the prose wins (process.user.uid and gid and
// ioPriority.priority are REQUIRED there). Fields are walked in the order listed here, so
// the order of problems does not depend on map iteration. Violations are rule A-45 (the
// schema) unless a node names its own rule.
var configSchema = obj(
	req("ociVersion", str().r("A-2")),
	req("root", rootSchema().r("A-5")),
	opt("mounts", arr(mountSchema())),
	opt("process", processSchema()),
	opt("hostname", str().r("A-23")),
	opt("domainname", str().r("A-23")),
	opt("hooks", hooksSchema()),
	opt("annotations", mapOf(str()).r("A-4")),
	opt("linux", linuxSchema()),
	opt("windows", anyObject().only("Windows")),
	opt("solaris", anyObject().only("Solaris")),
	opt("zos", anyObject().only("z/OS")),
	opt("freebsd", anyObject().only("FreeBSD")),
	// vm runs a Linux config in a virtual machine: known, not looked into.
	opt("vm", anyObject()),
)

func rootSchema() *node {
	return obj(
		req("path", str().must().r("A-5")),
		opt("readonly", boolean().r("A-6")),
	)
}

func mountSchema() *node {
	return obj(
		req("destination", str().must().r("A-7")),
		opt("source", str()),
		opt("options", strs().r("A-8")),
		opt("type", str()),
		opt("uidMappings", arr(idMapping()).r("A-9")),
		opt("gidMappings", arr(idMapping()).r("A-9")),
	)
}

func idMapping() *node {
	return obj(req("containerID", u32()), req("hostID", u32()), req("size", u32()))
}

func processSchema() *node {
	return obj(
		opt("terminal", boolean().r("A-12")),
		opt("consoleSize", obj(req("height", uint64Named("uint")), req("width", uint64Named("uint"))).r("A-12")),
		opt("user", userSchema()),
		opt("args", strs().r("A-15")),
		opt("commandLine", str().only("Windows")),
		opt("env", strs().r("A-14")),
		req("cwd", str().must().r("A-13")),
		opt("capabilities", capsSchema()),
		opt("rlimits", arr(rlimitSchema())),
		opt("noNewPrivileges", boolean().r("A-19")),
		opt("apparmorProfile", str().r("A-21")),
		opt("oomScoreAdj", integer("int", math.MinInt64, math.MaxInt64).r("A-20")),
		opt("scheduler", schedulerSchema()),
		opt("selinuxLabel", str().r("A-21")),
		opt("ioPriority", obj(
			req("class", enum("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE")),
			req("priority", i32()),
		).r("A-22")),
		opt("execCPUAffinity", obj(
			opt("initial", pattern(`^[0-9, -]*$`)),
			opt("final", pattern(`^[0-9, -]*$`)),
		).r("A-22")),
	)
}

func uint64Named(name string) *node { return integer(name, 0, math.MaxUint64) }

func userSchema() *node {
	return obj(
		req("uid", u32()),
		req("gid", u32()),
		opt("umask", u32()),
		opt("additionalGids", arr(u32())),
		opt("username", str().only("Windows")),
	).r("A-16")
}

func capsSchema() *node {
	return obj(
		opt("effective", strs()), opt("bounding", strs()), opt("inheritable", strs()),
		opt("permitted", strs()), opt("ambient", strs()),
	).r("A-18")
}

func rlimitSchema() *node {
	return obj(
		req("type", pattern(`^RLIMIT_[A-Z]+$`)),
		req("soft", u64()),
		req("hard", u64()),
	).r("A-17")
}

func schedulerSchema() *node {
	return obj(
		req("policy", enum("SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
			"SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE")),
		opt("nice", i32()),
		opt("priority", i32()),
		opt("flags", arr(enum("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
			"SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
			"SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"))),
		opt("runtime", u64()),
		opt("deadline", u64()),
		opt("period", u64()),
	).r("A-22")
}

// hookKinds are the hook lists in the order the lifecycle runs them.
var hookKinds = []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}

func hooksSchema() *node {
	n := obj()
	for _, k := range hookKinds {
		n.props = append(n.props, opt(k, arr(hookSchema())))
	}
	return n.r("A-24")
}

func hookSchema() *node {
	return obj(
		req("path", str().must()),
		opt("args", strs()),
		opt("env", strs()),
		opt("timeout", integer("", 1, math.MaxInt64)),
	)
}
