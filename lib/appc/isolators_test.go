package appc

import (
	"strings"
	"testing"
)

func TestIsolatorsValid(t *testing.T) {
	tests := []struct{ name, in string }{
		{"cpu limit only", isolators(iso(ResourceCPU, `{"limit":"500m"}`))},
		{"cpu request only", isolators(iso(ResourceCPU, `{"request":"1"}`))},
		{"memory equal", isolators(iso(ResourceMemory, `{"request":"128974848","limit":"123Mi"}`))},
		{"caps retain", isolators(iso(LinuxCapabilitiesRetainSet, `{"set":["CAP_NET_BIND_SERVICE"]}`))},
		{"nnp false", isolators(iso(LinuxNoNewPrivileges, `false`))},
		{"seccomp remove empty wildcard", isolators(iso(LinuxSeccompRemoveSet, `{"set":["@appc.io/empty"],"errno":"ENOTSUP"}`))},
		{"seccomp errno missing", isolators(iso(LinuxSeccompRemoveSet, `{"set":["reboot","clock_settime"]}`))},
		{"oom zero", isolators(iso(LinuxOOMScoreAdj, `0`))},
		{"cpu-shares min", isolators(iso(LinuxCPUShares, `2`))},
		{"pairs not repeated", isolators(iso(LinuxCapabilitiesRemoveSet, `{"set":["CAP_MKNOD"]}`), iso(LinuxSeccompRetainSet, `{"set":["read"]}`))},
		{"resources repeated", isolators(iso(ResourceCPU, `{"limit":"1"}`), iso(ResourceCPU, `{"limit":"2"}`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustParse(t, tt.in)
		})
	}
}

func TestRulesIsolators(t *testing.T) {
	const at = "app.isolators[0]"
	one := func(name, value string) string { return isolators(iso(name, value)) }
	caps := `{"set":["CAP_KILL"]}`
	seccomp := `{"set":["reboot"]}`
	runRuleCases(t, []ruleCase{
		{"not a list", app(`,"isolators":{}`), "app.isolators", "must be an array", false},
		{"not an object", isolators(`"resource/cpu"`), at, "must be an object", false},
		{"G26 value missing", isolators(`{"name":"resource/cpu"}`), at + ".value", "is required", false},
		{"G26 value null", one(LinuxNoNewPrivileges, `null`), at + ".value", "is required", false},
		{"G26 unknown isolator without value", isolators(`{"name":"example.com/x"}`), at + ".value", "is required", false},
		{"name missing", isolators(`{"value":true}`), at + ".name", "is required", false},
		{"name not identifier", one("Resource/CPU", `{}`), at + ".name", "must be an AC Identifier", false},
		{"G27 unknown isolator", one("example.com/turbo", `{"x":1}`), at + ".name", "unknown isolator (ignored)", true},
		{"unknown field in value", one(ResourceCPU, `{"limit":"1","max":"2"}`), at + ".value.max", "unknown field (ignored)", true},
		{"cpu value not object", one(ResourceCPU, `"1"`), at + ".value", "must be an object", false},
		{"cpu empty", one(ResourceCPU, `{}`), at + ".value", "must have a limit or a request", false},
		{"cpu request above limit", one(ResourceCPU, `{"request":"1","limit":"500m"}`), at + ".value.request", "must not be greater than the limit", false},
		{"cpu default true", one(ResourceCPU, `{"default":true,"limit":"1"}`), at + ".value.default", "must be false", false},
		{"cpu garbage", one(ResourceCPU, `{"limit":"fast"}`), at + ".value.limit", "must be a quantity", false},
		{"cpu negative", one(ResourceCPU, `{"limit":"-1"}`), at + ".value.limit", "must not be negative", false},
		{"cpu below a millicore", one(ResourceCPU, `{"limit":"0.0001"}`), at + ".value.limit", "not a whole number", false},
		{"cpu number not string", one(ResourceCPU, `{"limit":1}`), at + ".value.limit", "must be a string", false},
		{"memory fraction of a byte", one(ResourceMemory, `{"limit":"0.5"}`), at + ".value.limit", "not a whole number", false},
		{"memory overflow", one(ResourceMemory, `{"limit":"16Ei"}`), at + ".value.limit", "out of range", false},
		{"memory request above limit", one(ResourceMemory, `{"request":"2G","limit":"1Gi"}`), at + ".value.request", "greater than the limit", false},
		{"bandwidth default missing", one(ResourceBlockBandwidth, `{"limit":"2M"}`), at + ".value.default", "is required", false},
		{"bandwidth default false", one(ResourceNetworkBandwidth, `{"default":false,"limit":"1G"}`), at + ".value.default", "must be true", false},
		{"bandwidth default string", one(ResourceBlockBandwidth, `{"default":"true","limit":"1G"}`), at + ".value.default", "must be a boolean", false},
		{"iops request", one(ResourceBlockIOPS, `{"default":true,"limit":"1000","request":"10"}`), at + ".value.request", "is not allowed", false},
		{"iops limit missing", one(ResourceBlockIOPS, `{"default":true}`), at + ".value.limit", "is required", false},
		{"iops limit garbage", one(ResourceBlockIOPS, `{"default":true,"limit":"1x"}`), at + ".value.limit", "unknown suffix", false},
		{"caps set empty", one(LinuxCapabilitiesRetainSet, `{"set":[]}`), at + ".value.set", "must not be empty", false},
		{"caps set missing", one(LinuxCapabilitiesRemoveSet, `{}`), at + ".value.set", "is required", false},
		{"caps set string", one(LinuxCapabilitiesRemoveSet, `{"set":"CAP_KILL"}`), at + ".value.set", "must be an array of strings", false},
		{"G29 unknown capability", one(LinuxCapabilitiesRetainSet, `{"set":["CAP_KILL","NOT_A_CAP"]}`), at + ".value.set[1]", `unknown capability "NOT_A_CAP"`, false},
		{"G29 lowercase capability", one(LinuxCapabilitiesRetainSet, `{"set":["cap_kill"]}`), at + ".value.set[0]", "unknown capability", false},
		{"duplicate capability", one(LinuxCapabilitiesRetainSet, `{"set":["CAP_KILL","CAP_KILL"]}`), at + ".value.set[1]", "duplicate capability", true},
		{"G28 caps retain and remove", isolators(iso(LinuxCapabilitiesRetainSet, caps), iso(LinuxCapabilitiesRemoveSet, caps)), "app.isolators[1].name", "cannot be used together with " + LinuxCapabilitiesRetainSet, false},
		{"G28 caps remove then retain", isolators(iso(LinuxCapabilitiesRemoveSet, caps), iso(ResourceCPU, `{"limit":"1"}`), iso(LinuxCapabilitiesRetainSet, caps)), "app.isolators[2].name", "cannot be used together with " + LinuxCapabilitiesRemoveSet, false},
		{"repeated caps", isolators(iso(LinuxCapabilitiesRemoveSet, caps), iso(LinuxCapabilitiesRemoveSet, caps)), "app.isolators[1].name", "repeated", true},
		{"nnp string", one(LinuxNoNewPrivileges, `"true"`), at + ".value", "must be a boolean", false},
		{"seccomp set empty", one(LinuxSeccompRemoveSet, `{"set":[]}`), at + ".value.set", "must not be empty", false},
		{"G29 errno lowercase", one(LinuxSeccompRemoveSet, `{"set":["reboot"],"errno":"eperm"}`), at + ".value.errno", "upper-case errno", false},
		{"errno bare E", one(LinuxSeccompRetainSet, `{"set":["read"],"errno":"E"}`), at + ".value.errno", "upper-case errno", false},
		{"errno not string", one(LinuxSeccompRetainSet, `{"set":["read"],"errno":1}`), at + ".value.errno", "must be a string", false},
		{"syscall name", one(LinuxSeccompRemoveSet, `{"set":["Reboot"]}`), at + ".value.set[0]", "must be a system call name", false},
		{"wrong wildcard", one(LinuxSeccompRemoveSet, `{"set":["@appc.io/all"]}`), at + ".value.set[0]", "only @appc.io/empty", false},
		{"other wildcard", one(LinuxSeccompRetainSet, `{"set":["@rkt/default-whitelist"]}`), at + ".value.set[0]", "implementation-specific", true},
		{"G28 seccomp both", isolators(iso(LinuxSeccompRemoveSet, seccomp), iso(LinuxSeccompRetainSet, seccomp)), "app.isolators[1].name", "cannot be used together", false},
		{"two seccomp remove", isolators(iso(LinuxSeccompRemoveSet, seccomp), iso(LinuxSeccompRemoveSet, seccomp)), "app.isolators[1].name", "only one os/linux/seccomp-remove-set", false},
		{"selinux level missing", one(LinuxSELinuxContext, `{"user":"u","role":"r","type":"t"}`), at + ".value.level", "is required", false},
		{"selinux empty type", one(LinuxSELinuxContext, `{"user":"u","role":"r","type":"","level":"s0"}`), at + ".value.type", "must not be empty", false},
		{"selinux colon", one(LinuxSELinuxContext, `{"user":"u:x","role":"r","type":"t","level":"s0"}`), at + ".value.user", `must not contain ":"`, false},
		{"G28 two selinux", isolators(iso(LinuxSELinuxContext, `{"user":"u","role":"r","type":"t","level":"s0"}`), iso(LinuxSELinuxContext, `{"user":"u","role":"r","type":"t","level":"s0"}`)), "app.isolators[1].name", "only one", false},
		{"oom too high", one(LinuxOOMScoreAdj, `1001`), at + ".value", "must be between -1000 and 1000", false},
		{"oom string", one(LinuxOOMScoreAdj, `"5"`), at + ".value", "must be an integer", false},
		{"two oom", isolators(iso(LinuxOOMScoreAdj, `1`), iso(LinuxOOMScoreAdj, `2`)), "app.isolators[1].name", "only one", false},
		{"cpu-shares too low", one(LinuxCPUShares, `1`), at + ".value", "must be between 2 and 262144", false},
		{"cpu-shares fraction", one(LinuxCPUShares, `2.5`), at + ".value", "must be an integer", false},
		{"two cpu-shares", isolators(iso(LinuxCPUShares, `2`), iso(LinuxCPUShares, `3`)), "app.isolators[1].name", "only one", false},
		{"sysctl in app", one(UnixSysctl, `{"net.ipv4.tcp_mtu_probing":"1"}`), at + ".name", "pod-scoped", true},
		{"sysctl value number", one(UnixSysctl, `{"kernel.x":1}`), at + `.value["kernel.x"]`, "must be a string", false},
		{"sysctl not object", one(UnixSysctl, `[]`), at + ".value", "must be an object of strings", false},
		{"two sysctl", isolators(iso(UnixSysctl, `{}`), iso(UnixSysctl, `{}`)), "app.isolators[1].name", "only one", false},
		{"apparmor empty", one(LinuxAppArmorProfile, `{"profile":""}`), at + ".value.profile", "must not be empty", false},
		{"apparmor missing", one(LinuxAppArmorProfile, `{}`), at + ".value.profile", "is required", false},
		{"two apparmor", isolators(iso(LinuxAppArmorProfile, `{"profile":"a"}`), iso(LinuxAppArmorProfile, `{"profile":"b"}`)), "app.isolators[1].name", "only one", false},
	})
}

func TestIsolatorValueKept(t *testing.T) {
	m := mustParse(t, isolators(iso("os/linux/seccomp-retain-set", "{ \"set\" : [\"read\"], \"errno\":\"\" }")))
	if got := string(m.App.Isolators[0].Value); got != `{"set":["read"],"errno":""}` {
		t.Errorf("raw value = %s", got)
	}
	m, _ = ParseManifest([]byte(isolators(iso("example.com/x", `{"a":"<&>","b":[1.50,null]}`))))
	if got := string(m.App.Isolators[0].Value); got != `{"a":"<&>","b":[1.50,null]}` {
		t.Errorf("raw value of unknown isolator = %s", got)
	}
}

func TestKnownIsolatorsAndCapabilities(t *testing.T) {
	if !KnownIsolator(LinuxAppArmorProfile) || KnownIsolator("resource/gpu") {
		t.Error("KnownIsolator is wrong")
	}
	caps := LinuxCapabilities()
	if len(caps) != 41 || caps[0] != "CAP_CHOWN" || caps[21] != "CAP_SYS_ADMIN" || caps[40] != "CAP_CHECKPOINT_RESTORE" {
		t.Errorf("LinuxCapabilities = %d names", len(caps))
	}
	for _, c := range DefaultCapabilities() {
		if !ValidCapability(c) {
			t.Errorf("default capability %s is not valid", c)
		}
	}
	caps[0] = "changed"
	if LinuxCapabilities()[0] != "CAP_CHOWN" || !strings.HasPrefix(DefaultCapabilities()[0], "CAP_") {
		t.Error("LinuxCapabilities returns shared storage")
	}
}
