package appc

import "encoding/json"

// Isolator is one isolation step for an app. Value is kept as JSON because
// its shape depends on Name; ParseManifest has checked it for every name in
// KnownIsolators.
type Isolator struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// The isolator names appc defines (0.8.11 plus apparmor-profile from the
// spec's master branch).
const (
	ResourceCPU                = "resource/cpu"
	ResourceMemory             = "resource/memory"
	ResourceBlockBandwidth     = "resource/block-bandwidth"
	ResourceBlockIOPS          = "resource/block-iops"
	ResourceNetworkBandwidth   = "resource/network-bandwidth"
	LinuxCapabilitiesRetainSet = "os/linux/capabilities-retain-set"
	LinuxCapabilitiesRemoveSet = "os/linux/capabilities-remove-set"
	LinuxNoNewPrivileges       = "os/linux/no-new-privileges"
	LinuxSeccompRemoveSet      = "os/linux/seccomp-remove-set"
	LinuxSeccompRetainSet      = "os/linux/seccomp-retain-set"
	LinuxSELinuxContext        = "os/linux/selinux-context"
	LinuxOOMScoreAdj           = "os/linux/oom-score-adj"
	LinuxCPUShares             = "os/linux/cpu-shares"
	UnixSysctl                 = "os/unix/sysctl"
	LinuxAppArmorProfile       = "os/linux/apparmor-profile"
)

// isolatorCheck checks the value of one kind of isolator.
type isolatorCheck func(c *checker, v *jsonValue, path string)

var isolatorChecks = map[string]isolatorCheck{
	ResourceCPU:                (*checker).checkCPU,
	ResourceMemory:             (*checker).checkMemory,
	ResourceBlockBandwidth:     (*checker).checkDefaultLimit,
	ResourceBlockIOPS:          (*checker).checkDefaultLimit,
	ResourceNetworkBandwidth:   (*checker).checkDefaultLimit,
	LinuxCapabilitiesRetainSet: (*checker).checkCapabilitySet,
	LinuxCapabilitiesRemoveSet: (*checker).checkCapabilitySet,
	LinuxNoNewPrivileges:       (*checker).checkNoNewPrivileges,
	LinuxSeccompRemoveSet:      (*checker).checkSeccompRemove,
	LinuxSeccompRetainSet:      (*checker).checkSeccompRetain,
	LinuxSELinuxContext:        (*checker).checkSELinux,
	LinuxOOMScoreAdj:           (*checker).checkOOMScoreAdj,
	LinuxCPUShares:             (*checker).checkCPUShares,
	UnixSysctl:                 (*checker).checkSysctl,
	LinuxAppArmorProfile:       (*checker).checkAppArmor,
}

// KnownIsolator reports whether name is an isolator this package knows and
// validates.
func KnownIsolator(name string) bool {
	_, ok := isolatorChecks[name]
	return ok
}

// singleIsolators may appear at most once per app, as the spec says.
var singleIsolators = []string{LinuxSeccompRemoveSet, LinuxSeccompRetainSet,
	LinuxSELinuxContext, LinuxOOMScoreAdj, LinuxCPUShares, UnixSysctl, LinuxAppArmorProfile}

// exclusiveIsolators are pairs that must not be used together.
var exclusiveIsolators = [][2]string{
	{LinuxCapabilitiesRetainSet, LinuxCapabilitiesRemoveSet},
	{LinuxSeccompRetainSet, LinuxSeccompRemoveSet},
}

func (c *checker) checkIsolators(v *jsonValue, path string) []Isolator {
	if v == nil {
		return nil
	}
	var out []Isolator
	seen := map[string][]int{} // name -> indexes in the list
	for i, e := range c.array(v, path, "must be an array of {name, value} objects") {
		if iso, ok := c.checkIsolator(e, indexPath(path, i)); ok {
			out = append(out, iso)
			seen[iso.Name] = append(seen[iso.Name], i)
		}
	}
	c.checkIsolatorCounts(path, seen)
	return out
}

func (c *checker) checkIsolator(v *jsonValue, path string) (Isolator, bool) {
	o := c.object(v, path, "name", "value")
	if o == nil {
		return Isolator{}, false
	}
	name, okName := o.str("name", true)
	if okName && !ValidIdentifier(name) {
		c.errf(o.field("name"), "%s", identifierRule)
		okName = false
	}
	value := o.get("value", true)
	check, known := isolatorChecks[name]
	switch {
	case okName && !known:
		c.warnf(o.field("name"), "unknown isolator (ignored)")
	case okName && value != nil:
		check(c, value, o.field("value"))
	}
	if name == UnixSysctl {
		// The isolator is pod-scoped: in an image's app it is only a hint.
		c.warnf(o.field("name"), "os/unix/sysctl is pod-scoped; an executor may ignore it in an app")
	}
	return Isolator{Name: name, Value: value.raw()}, okName && value != nil
}

// checkIsolatorCounts reports isolators repeated or combined against the
// spec, at the later of the isolators involved.
func (c *checker) checkIsolatorCounts(path string, seen map[string][]int) {
	nameField := func(i int) string { return fieldPath(indexPath(path, i), "name") }
	for _, name := range singleIsolators {
		if at := seen[name]; len(at) > 1 {
			c.errf(nameField(at[1]), "only one %s isolator is allowed per app", name)
		}
	}
	for _, name := range []string{LinuxCapabilitiesRetainSet, LinuxCapabilitiesRemoveSet, LinuxNoNewPrivileges} {
		if at := seen[name]; len(at) > 1 {
			c.warnf(nameField(at[1]), "repeated %s isolator (the spec does not say which applies)", name)
		}
	}
	for _, pair := range exclusiveIsolators {
		a, b := seen[pair[0]], seen[pair[1]]
		if len(a) > 0 && len(b) > 0 {
			other := pair[0]
			if a[0] > b[0] {
				other = pair[1]
			}
			c.errf(nameField(max(a[0], b[0])), "cannot be used together with %s", other)
		}
	}
}
