package appc

// linuxCapabilities lists the Linux capabilities by number (CAP_CHOWN is 0)
// up to CAP_CHECKPOINT_RESTORE (40), Linux 5.9.
var linuxCapabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// defaultCapabilities is the bounding set an app gets when it has no
// capability isolator (appc ace.md).
var defaultCapabilities = []string{
	"CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
	"CAP_FOWNER", "CAP_KILL", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETFCAP", "CAP_SYS_CHROOT",
}

// LinuxCapabilities returns the names of all Linux capabilities, indexed by
// capability number.
func LinuxCapabilities() []string {
	return append([]string(nil), linuxCapabilities...)
}

// DefaultCapabilities returns the 14 capabilities of the appc default
// bounding set.
func DefaultCapabilities() []string {
	return append([]string(nil), defaultCapabilities...)
}

// ValidCapability reports whether name is a Linux capability name such as
// "CAP_NET_ADMIN" (upper case, with the CAP_ prefix).
func ValidCapability(name string) bool {
	return contains(linuxCapabilities, name)
}
