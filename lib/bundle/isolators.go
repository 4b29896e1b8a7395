package bundle

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/intermodal/intermodal/lib/appc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// CPU mapping (appc.md §D.2): a limit of L cores is a CFS quota of L
// periods of 100 ms; a request is a weight, 1024 per core, within the
// kernel's bounds. The kernel refuses quotas under 1 ms.
const (
	cpuPeriod   = 100000
	minCPUQuota = 1000
	minShares   = 2
	maxShares   = 262144
)

// isolators maps the app's isolators onto the spec, telling the user
// (appc ISO-G1) what was applied, changed or ignored. Capabilities are
// settled after the loop, since retain and remove sets both start from the
// default set.
type isolators struct {
	spec  *specs.Spec
	notes *notes
	// rootless: no network namespace, so no net.* sysctls.
	rootless bool
	caps     []string
	seccomp  *appc.Isolator
	lastCPU  int // index of the resource/cpu applied, for "overridden" notes
	lastMem  int
	shares   *uint64 // os/linux/cpu-shares, which beats a resource/cpu request
}

func (x *isolators) apply(list []appc.Isolator) {
	x.caps = appc.DefaultCapabilities()
	x.lastCPU, x.lastMem = -1, -1
	for i, iso := range list {
		x.one(i, iso)
	}
	x.spec.Process.Capabilities = capSets(x.caps)
	if x.shares != nil {
		r := x.resources()
		if r.CPU == nil {
			r.CPU = &specs.LinuxCPU{}
		}
		r.CPU.Shares = x.shares
	}
	if x.seccomp != nil {
		x.applySeccomp(*x.seccomp)
	}
}

func (x *isolators) one(i int, iso appc.Isolator) {
	var err error
	switch iso.Name {
	case appc.ResourceCPU:
		err = x.cpu(i, iso)
	case appc.ResourceMemory:
		err = x.memory(i, iso)
	case appc.LinuxCPUShares:
		err = x.cpuShares(iso)
	case appc.LinuxCapabilitiesRetainSet, appc.LinuxCapabilitiesRemoveSet:
		err = x.capabilities(iso)
	case appc.LinuxNoNewPrivileges:
		err = x.noNewPrivileges(iso)
	case appc.LinuxSeccompRemoveSet, appc.LinuxSeccompRetainSet:
		isoCopy := iso
		x.seccomp = &isoCopy
	case appc.LinuxOOMScoreAdj:
		err = x.oomScoreAdj(iso)
	case appc.LinuxSELinuxContext:
		err = x.selinux(iso)
	case appc.LinuxAppArmorProfile:
		err = x.apparmor(iso)
	case appc.UnixSysctl:
		err = x.sysctl(iso)
	case appc.ResourceBlockBandwidth, appc.ResourceBlockIOPS:
		x.notes.ignored(iso.Name, "OCI limits block I/O per device (major:minor), not for all devices at once")
	case appc.ResourceNetworkBandwidth:
		x.notes.ignored(iso.Name, "OCI has no network shaping")
	default:
		x.notes.ignored(iso.Name, "unknown isolator")
	}
	if err != nil {
		x.notes.ignored(iso.Name, err.Error())
	}
}

func decode(iso appc.Isolator, v any) error {
	if err := json.Unmarshal(iso.Value, v); err != nil {
		return fmt.Errorf("bad value: %w", err)
	}
	return nil
}

// requestLimit is the value of resource/cpu and resource/memory.
type requestLimit struct {
	Request *string `json:"request"`
	Limit   *string `json:"limit"`
}

func (x *isolators) resources() *specs.LinuxResources {
	if x.spec.Linux.Resources == nil {
		x.spec.Linux.Resources = &specs.LinuxResources{}
	}
	return x.spec.Linux.Resources
}

func (x *isolators) cpu(i int, iso appc.Isolator) error {
	var v requestLimit
	if err := decode(iso, &v); err != nil {
		return err
	}
	if v.Request == nil {
		v.Request = v.Limit // appc ISO-G4
	}
	cpu := &specs.LinuxCPU{}
	if v.Limit != nil {
		milli, err := appc.ParseMilliQuantity(*v.Limit)
		if err != nil {
			return err
		}
		quota, period := cpuQuota(milli)
		switch {
		case quota < 0:
			x.notes.modified(iso.Name, fmt.Sprintf("limit %s is more than any machine has: no CPU quota written", *v.Limit))
		case quota != milli*cpuPeriod/1000:
			x.notes.modified(iso.Name, fmt.Sprintf("limit %s is below the kernel's 1 ms CFS quota: raised to %d µs per %d µs", *v.Limit, quota, period))
		}
		if quota >= 0 {
			cpu.Quota, cpu.Period = &quota, &period
		}
	}
	if v.Request != nil {
		milli, err := appc.ParseMilliQuantity(*v.Request)
		if err != nil {
			return err
		}
		shares := cpuShares(milli)
		cpu.Shares = &shares
	}
	if x.lastCPU >= 0 {
		x.notes.ignored(iso.Name, fmt.Sprintf("isolators[%d] is overridden by isolators[%d]", x.lastCPU, i))
	}
	x.lastCPU = i
	x.resources().CPU = cpu
	x.notes.applied(iso.Name, "linux.resources.cpu")
	return nil
}

// maxCPUMilli is a million cores: more is no limit at all, and keeps the
// arithmetic below far from overflowing.
const maxCPUMilli = 1_000_000_000

// cpuQuota is the CFS quota for milli thousandths of a core, at least the
// kernel's minimum; -1 when the limit is beyond any machine.
func cpuQuota(milli int64) (int64, uint64) {
	if milli > maxCPUMilli {
		return -1, cpuPeriod
	}
	quota := milli * cpuPeriod / 1000
	if quota < minCPUQuota {
		quota = minCPUQuota
	}
	return quota, cpuPeriod
}

func cpuShares(milli int64) uint64 {
	if milli > maxCPUMilli {
		return maxShares
	}
	s := milli * 1024 / 1000
	switch {
	case s < minShares:
		return minShares
	case s > maxShares:
		return maxShares
	}
	return uint64(s)
}

func (x *isolators) cpuShares(iso appc.Isolator) error {
	var n int64
	if err := decode(iso, &n); err != nil {
		return err
	}
	if n < minShares || n > maxShares {
		return fmt.Errorf("%d is outside %d..%d", n, minShares, maxShares)
	}
	s := uint64(n)
	x.shares = &s
	x.notes.applied(iso.Name, "linux.resources.cpu.shares")
	return nil
}

func (x *isolators) memory(i int, iso appc.Isolator) error {
	var v requestLimit
	if err := decode(iso, &v); err != nil {
		return err
	}
	if v.Request == nil {
		v.Request = v.Limit // appc ISO-G4
	}
	mem := &specs.LinuxMemory{}
	for _, q := range []struct {
		s   *string
		dst **int64
	}{{v.Limit, &mem.Limit}, {v.Request, &mem.Reservation}} {
		if q.s == nil {
			continue
		}
		n, err := appc.ParseQuantity(*q.s)
		if err != nil {
			return err
		}
		*q.dst = &n
	}
	if x.lastMem >= 0 {
		x.notes.ignored(iso.Name, fmt.Sprintf("isolators[%d] is overridden by isolators[%d]", x.lastMem, i))
	}
	x.lastMem = i
	x.resources().Memory = mem
	x.notes.applied(iso.Name, "linux.resources.memory")
	return nil
}

type capSet struct {
	Set []string `json:"set"`
}

func (x *isolators) capabilities(iso appc.Isolator) error {
	var v capSet
	if err := decode(iso, &v); err != nil {
		return err
	}
	for _, c := range v.Set {
		if !appc.ValidCapability(c) {
			return fmt.Errorf("unknown capability %q", c)
		}
	}
	if iso.Name == appc.LinuxCapabilitiesRetainSet {
		x.caps = dedupe(v.Set)
	} else {
		x.caps = without(appc.DefaultCapabilities(), v.Set)
	}
	x.notes.applied(iso.Name, "process.capabilities")
	return nil
}

// capSets gives the app caps as its bounding set and, for a root app, its
// effective and permitted sets. Inheritable and ambient stay empty, as in
// rkt: a non-root app gains capabilities only from file capabilities,
// never from the runtime (CVE-2022-29162).
func capSets(caps []string) *specs.LinuxCapabilities {
	c := func() []string { return append([]string{}, caps...) }
	return &specs.LinuxCapabilities{Bounding: c(), Effective: c(), Permitted: c()}
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func without(list, drop []string) []string {
	gone := map[string]bool{}
	for _, s := range drop {
		gone[s] = true
	}
	out := []string{}
	for _, s := range list {
		if !gone[s] {
			out = append(out, s)
		}
	}
	return out
}

func (x *isolators) noNewPrivileges(iso appc.Isolator) error {
	var b bool
	if err := decode(iso, &b); err != nil {
		return err
	}
	x.spec.Process.NoNewPrivileges = x.spec.Process.NoNewPrivileges || b
	x.notes.applied(iso.Name, "process.noNewPrivileges")
	return nil
}

func (x *isolators) oomScoreAdj(iso appc.Isolator) error {
	var n int
	if err := decode(iso, &n); err != nil {
		return err
	}
	if n < -1000 || n > 1000 {
		return fmt.Errorf("%d is outside -1000..1000", n)
	}
	x.spec.Process.OOMScoreAdj = &n
	x.notes.applied(iso.Name, "process.oomScoreAdj")
	return nil
}

func (x *isolators) selinux(iso appc.Isolator) error {
	var v struct{ User, Role, Type, Level string }
	if err := decode(iso, &v); err != nil {
		return err
	}
	if v.User == "" || v.Role == "" || v.Type == "" || v.Level == "" {
		return fmt.Errorf("user, role, type and level are all required")
	}
	x.spec.Process.SelinuxLabel = strings.Join([]string{v.User, v.Role, v.Type, v.Level}, ":")
	x.notes.applied(iso.Name, "process.selinuxLabel")
	return nil
}

func (x *isolators) apparmor(iso appc.Isolator) error {
	var v struct{ Profile string }
	if err := decode(iso, &v); err != nil {
		return err
	}
	if v.Profile == "" {
		return fmt.Errorf("no profile")
	}
	x.spec.Process.ApparmorProfile = v.Profile
	x.notes.applied(iso.Name, "process.apparmorProfile")
	return nil
}

// sysctl keeps the keys the container's own namespaces hold, which a
// runtime can set without touching the host (appc ISO-14: filter or
// refuse; the others are reported one by one).
func (x *isolators) sysctl(iso appc.Isolator) error {
	var v map[string]string
	if err := decode(iso, &v); err != nil {
		return err
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if why := x.sysctlRefused(k); why != "" {
			x.notes.ignored(iso.Name+" "+k, why)
			continue
		}
		if x.spec.Linux.Sysctl == nil {
			x.spec.Linux.Sysctl = map[string]string{}
		}
		x.spec.Linux.Sysctl[k] = v[k]
	}
	if len(x.spec.Linux.Sysctl) > 0 {
		x.notes.applied(iso.Name, "linux.sysctl")
	}
	return nil
}

func (x *isolators) sysctlRefused(key string) string {
	// A name is dot-separated words: never a path (runc turns dots into
	// slashes under /proc/sys), never an empty or ".." part.
	for _, part := range strings.Split(key, ".") {
		if part == "" || strings.ContainsFunc(part, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
		}) {
			return "not a sysctl name"
		}
	}
	switch {
	case strings.HasPrefix(key, "net."):
		if x.rootless {
			return "a rootless container has no network namespace of its own"
		}
		return ""
	case strings.HasPrefix(key, "fs.mqueue."), key == "kernel.sem",
		strings.HasPrefix(key, "kernel.shm"), strings.HasPrefix(key, "kernel.msg"):
		return ""
	}
	return "not namespaced: setting it would change the host"
}
