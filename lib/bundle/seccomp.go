package bundle

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/intermodal/intermodal/lib/appc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The wildcards appc defines for the seccomp isolators.
const (
	seccompAll   = "@appc.io/all"   // retain-set: no filtering
	seccompEmpty = "@appc.io/empty" // remove-set: nothing removed
)

// lifecycleSyscalls stay allowed under a retain-set (appc ISO-10: "plus a
// minimal implementation whitelist"): what a runtime does between loading
// the filter, which noNewPrivileges makes the last step before exec, and
// the exec itself. runc, written in Go, closes inherited descriptors by
// reading /proc/self/fd, waits on its exec FIFO and keeps its Go runtime
// alive meanwhile; crun needs only execve. Measured with runc 1.1 and crun
// 1.8: dropping any of openat, close, fstatfs, getdents64, write or execve
// stops runc.
var lifecycleSyscalls = []string{
	"execve", "execveat", "exit", "exit_group", "rt_sigreturn",
	"openat", "close", "close_range", "read", "write", "fstat", "newfstatat",
	"fstatfs", "getdents64", "fcntl",
	"futex", "nanosleep", "sched_yield", "rt_sigprocmask", "rt_sigaction",
	"sigaltstack", "mmap", "munmap", "madvise", "mprotect", "epoll_pwait",
	"epoll_ctl", "getpid", "gettid", "tgkill", "clone",
}

type seccompValue struct {
	Set   []string `json:"set"`
	Errno string   `json:"errno"`
}

// applySeccomp maps seccomp-remove-set and seccomp-retain-set (appc.md
// §D.2): a remove-set allows everything but its calls, a retain-set denies
// everything but its calls and the lifecycle ones. Denied calls fail with
// the isolator's errno, or kill the process (SIGSYS) when it has none.
func (x *isolators) applySeccomp(iso appc.Isolator) {
	var v seccompValue
	if err := decode(iso, &v); err != nil {
		x.notes.ignored(iso.Name, err.Error())
		return
	}
	retain := iso.Name == appc.LinuxSeccompRetainSet
	names, wild := x.syscallNames(iso.Name, v.Set, retain)
	switch {
	case retain && wild, !retain && len(names) == 0:
		x.notes.applied(iso.Name, "no filter (the set allows every system call)")
		return
	}
	action, errnoRet := x.denyAction(iso.Name, v.Errno)
	sc := &specs.LinuxSeccomp{}
	if retain {
		sc.DefaultAction, sc.DefaultErrnoRet = action, errnoRet
		sc.Syscalls = []specs.LinuxSyscall{{Names: union(names, lifecycleSyscalls), Action: specs.ActAllow}}
		x.forceNoNewPrivileges(iso.Name)
	} else {
		sc.DefaultAction = specs.ActAllow
		sc.Syscalls = []specs.LinuxSyscall{{Names: names, Action: action, ErrnoRet: errnoRet}}
	}
	x.spec.Linux.Seccomp = sc
	x.spec.Version = OCIVersionSeccomp // errnoRet, SCMP_ACT_KILL_PROCESS
	x.notes.applied(iso.Name, "linux.seccomp")
}

// syscallNames drops the isolator's wildcard (reporting whether it was
// there) and wildcards of other implementations, which mean nothing here.
func (x *isolators) syscallNames(name string, set []string, retain bool) ([]string, bool) {
	wildcard := seccompEmpty
	if retain {
		wildcard = seccompAll
	}
	var out []string
	found := false
	for _, s := range set {
		switch {
		case s == wildcard:
			found = true
		case strings.HasPrefix(s, "@"):
			x.notes.modified(name, fmt.Sprintf("wildcard %q is not one this implementation defines: left out", s))
		default:
			out = append(out, s)
		}
	}
	return dedupe(out), found
}

// denyAction is what a filtered call does: fail with errno, or kill.
func (x *isolators) denyAction(name, errno string) (specs.LinuxSeccompAction, *uint) {
	if errno == "" {
		return specs.ActKillProcess, nil
	}
	n, ok := errnoValue(errno)
	if !ok {
		x.notes.modified(name, fmt.Sprintf("errno %q is unknown here: denied calls kill the process instead", errno))
		return specs.ActKillProcess, nil
	}
	return specs.ActErrno, &n
}

func (x *isolators) forceNoNewPrivileges(name string) {
	if !x.spec.Process.NoNewPrivileges {
		x.spec.Process.NoNewPrivileges = true
		x.notes.modified(name, "noNewPrivileges turned on, so the runtime loads the filter last, just before exec")
	}
}

// union is a followed by what b adds, sorted for stable output.
func union(a, b []string) []string {
	out := dedupe(append(append([]string{}, a...), b...))
	sort.Strings(out)
	return out
}

var errnoNames = sync.OnceValue(func() map[string]uint {
	m := map[string]uint{}
	for e := syscall.Errno(1); e < 4096; e++ {
		if name := unix.ErrnoName(e); name != "" {
			m[name] = uint(e)
		}
	}
	// Aliases the table names by their other spelling.
	for alias, name := range map[string]string{"EWOULDBLOCK": "EAGAIN", "EOPNOTSUPP": "ENOTSUP", "EDEADLOCK": "EDEADLK"} {
		if n, ok := m[name]; ok {
			m[alias] = n
		}
	}
	return m
})

// errnoValue maps an errno name such as "EPERM" to its number on this
// architecture.
func errnoValue(name string) (uint, bool) {
	n, ok := errnoNames()[name]
	return n, ok
}
