package validate

// The structure of the linux object (config-linux.md, version 1.3).
func linuxSchema() *node {
	return obj(
		opt("namespaces", arr(obj(
			req("type", enum(namespaceTypes...)),
			opt("path", str()),
		)).r("A-29")),
		opt("uidMappings", arr(idMapping()).r("A-30")),
		opt("gidMappings", arr(idMapping()).r("A-30")),
		opt("timeOffsets", mapOf(obj(opt("secs", i64()), opt("nanosecs", u32()))).r("A-31")),
		opt("devices", arr(deviceSchema()).r("A-32")),
		opt("netDevices", mapOf(obj(opt("name", str()))).r("A-44")),
		opt("cgroupsPath", str().r("A-33")),
		opt("resources", resourcesSchema()),
		opt("intelRdt", intelRdtSchema()),
		opt("sysctl", mapOf(str()).r("A-40")),
		opt("seccomp", seccompSchema()),
		opt("rootfsPropagation", enum("private", "shared", "slave", "unbindable").r("A-42")),
		opt("maskedPaths", strs().r("A-43")),
		opt("readonlyPaths", strs().r("A-43")),
		opt("mountLabel", str().r("A-44")),
		opt("personality", obj(
			req("domain", enum("LINUX", "LINUX32")),
			opt("flags", strs()),
		).r("A-44")),
		opt("memoryPolicy", obj(
			req("mode", enum("MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
				"MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL")),
			opt("nodes", str()),
			opt("flags", arr(enum("MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"))),
		).r("A-44")),
	)
}

var namespaceTypes = []string{"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"}

func deviceSchema() *node {
	return obj(
		req("type", enum("c", "b", "u", "p")),
		req("path", str().must()),
		opt("major", i64()),
		opt("minor", i64()),
		// Decimal permission bits, as the schema's FileMode (0 to 0777).
		opt("fileMode", integer("file mode", 0, 0o777)),
		opt("uid", u32()),
		opt("gid", u32()),
	)
}

func resourcesSchema() *node {
	return obj(
		opt("devices", arr(obj(
			req("allow", boolean()),
			opt("type", str()),
			opt("major", i64()),
			opt("minor", i64()),
			opt("access", str()),
		)).r("A-34")),
		opt("memory", memorySchema()),
		opt("cpu", cpuSchema()),
		opt("pids", obj(req("limit", i64())).r("A-38")),
		opt("blockIO", blockIOSchema()),
		opt("hugepageLimits", arr(obj(
			req("pageSize", pattern(`^[1-9][0-9]*[KMG]B$`)),
			req("limit", u64()),
		)).r("A-38")),
		opt("network", obj(
			opt("classID", u32()),
			opt("priorities", arr(obj(req("name", str().must()), req("priority", u32())))),
		).r("A-38")),
		opt("rdma", mapOf(obj(opt("hcaHandles", u32()), opt("hcaObjects", u32()))).r("A-38")),
		opt("unified", mapOf(str()).r("A-38")),
	)
}

func memorySchema() *node {
	return obj(
		opt("limit", i64()), opt("reservation", i64()), opt("swap", i64()),
		opt("kernel", i64()), opt("kernelTCP", i64()),
		opt("swappiness", u64()),
		opt("disableOOMKiller", boolean()), opt("useHierarchy", boolean()),
		opt("checkBeforeUpdate", boolean()),
	).r("A-35")
}

func cpuSchema() *node {
	return obj(
		opt("shares", u64()), opt("quota", i64()), opt("burst", u64()), opt("period", u64()),
		opt("realtimeRuntime", i64()), opt("realtimePeriod", u64()),
		opt("cpus", str()), opt("mems", str()), opt("idle", i64()),
	).r("A-36")
}

func blockIOSchema() *node {
	throttle := func() *node {
		return arr(obj(req("major", i64()), req("minor", i64()), req("rate", u64())))
	}
	return obj(
		opt("weight", u16()),
		opt("leafWeight", u16()),
		opt("weightDevice", arr(obj(
			req("major", i64()), req("minor", i64()),
			opt("weight", u16()), opt("leafWeight", u16()),
		))),
		opt("throttleReadBpsDevice", throttle()),
		opt("throttleWriteBpsDevice", throttle()),
		opt("throttleReadIOPSDevice", throttle()),
		opt("throttleWriteIOPSDevice", throttle()),
	).r("A-37")
}

func intelRdtSchema() *node {
	return obj(
		opt("closID", str()),
		opt("l3CacheSchema", str()),
		opt("memBwSchema", pattern(`^MB:[^\n]*$`)),
		opt("schemata", strs()),
		opt("enableMonitoring", boolean()),
	).r("A-44")
}

var seccompActions = []string{"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	"SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"}

func seccompSchema() *node {
	return obj(
		req("defaultAction", enum(seccompActions...)),
		opt("defaultErrnoRet", u32()),
		opt("architectures", arr(enum("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
			"SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
			"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
			"SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
			"SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
			"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB"))),
		opt("flags", arr(enum("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
			"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))),
		opt("listenerPath", str()),
		opt("listenerMetadata", str()),
		opt("syscalls", arr(obj(
			req("names", arr(str().must()).atLeast(1)),
			req("action", enum(seccompActions...)),
			opt("errnoRet", u32()),
			opt("args", arr(obj(
				req("index", u32()),
				req("value", u64()),
				opt("valueTwo", u64()),
				req("op", enum("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
					"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ")),
			))),
		))),
	).r("A-41")
}
