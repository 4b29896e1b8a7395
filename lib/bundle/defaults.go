package bundle

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The ociVersion written is the oldest runtime-spec release with every
// field and value the config uses: OCIVersion, or OCIVersionSeccomp when
// a seccomp filter needs errnoRet or SCMP_ACT_KILL_PROCESS (added in
// 1.1.0). crun 1.8 refuses any 1.x newer than 1.1.
const (
	OCIVersion        = "1.0.2"
	OCIVersionSeccomp = "1.1.0"
)

// RootfsDir is the root filesystem's directory inside a bundle.
const RootfsDir = "rootfs"

// Platform defaults, as `runc spec` (runc 1.1) writes them; a test compares
// them with the real output. Only the process, the hostname and the root's
// read-only flag differ: those come from the image.
var (
	defaultNamespaces = []specs.LinuxNamespaceType{
		specs.PIDNamespace, specs.NetworkNamespace, specs.IPCNamespace,
		specs.UTSNamespace, specs.MountNamespace,
	}
	defaultMaskedPaths = []string{
		"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		"/proc/sched_debug", "/sys/firmware", "/proc/scsi",
	}
	defaultReadonlyPaths = []string{
		"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
	}
	defaultRlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1024, Soft: 1024}}
)

func defaultMounts(rootless bool) []specs.Mount {
	devpts := []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}
	sys := specs.Mount{Destination: "/sys", Type: "sysfs", Source: "sysfs",
		Options: []string{"nosuid", "noexec", "nodev", "ro"}}
	if rootless {
		// A user namespace cannot mount sysfs without its own network
		// namespace, and has no group 5 to give the ptys.
		devpts = devpts[:len(devpts)-1]
		sys = specs.Mount{Destination: "/sys", Type: "none", Source: "/sys",
			Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}}
	}
	return []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs",
			Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: devpts},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm",
			Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue",
			Options: []string{"nosuid", "noexec", "nodev"}},
		sys,
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup",
			Options: []string{"nosuid", "noexec", "nodev", "relatime", "ro"}},
	}
}

// defaultLinux is the linux section of `runc spec` (or `runc spec
// --rootless`, which trades the network namespace and the device rules
// for a user namespace mapping uid and gid to the caller).
func defaultLinux(rootless bool, uid, gid uint32, inUID, inGID uint32) *specs.Linux {
	l := &specs.Linux{
		MaskedPaths:   append([]string(nil), defaultMaskedPaths...),
		ReadonlyPaths: append([]string(nil), defaultReadonlyPaths...),
	}
	for _, t := range defaultNamespaces {
		if rootless && t == specs.NetworkNamespace {
			continue
		}
		l.Namespaces = append(l.Namespaces, specs.LinuxNamespace{Type: t})
	}
	if !rootless {
		l.Resources = &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}
		return l
	}
	l.Namespaces = append(l.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	l.UIDMappings = []specs.LinuxIDMapping{{ContainerID: inUID, HostID: uid, Size: 1}}
	l.GIDMappings = []specs.LinuxIDMapping{{ContainerID: inGID, HostID: gid, Size: 1}}
	return l
}
