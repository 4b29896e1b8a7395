package appc

import (
	"strings"
	"testing"
)

// ruleCase is one manifest that breaks one rule, with the problem it must
// produce.
type ruleCase struct {
	name    string
	in      string
	field   string
	msg     string
	warning bool
}

func runRuleCases(t *testing.T, tests []ruleCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ps := ParseManifest([]byte(tt.in))
			if m == nil {
				t.Fatalf("m is nil; problems:\n%s", ps)
			}
			if !hasProblem(ps, tt.field, tt.msg, tt.warning) {
				t.Errorf("want %q: %q (warning %v), got:\n%s", tt.field, tt.msg, tt.warning, ps)
			}
			if tt.warning && ps.HasErrors() {
				t.Errorf("want only warnings, got:\n%s", ps)
			}
		})
	}
}

func version(v string) string {
	return strings.Replace(doc(""), `"0.8.11"`, v, 1)
}

func TestRulesDocument(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"duplicate key", `{"acKind":"ImageManifest",` + baseFields + `}`, "acKind", "duplicate key", false},
		{"nested duplicate key", app(`,"user":"1"`), "app.user", "duplicate key", false},
		{"unknown field", doc(`,"extra":1`), "extra", "unknown field (ignored)", true},
		{"unknown field in app", app(`,"Exec":["/x"]`), "app.Exec", "unknown field (ignored)", true},
		{"odd key is quoted", doc(`,"a.b":1`), `["a.b"]`, "unknown field", true},
		{"invalid UTF-8", doc(`,"x":"` + "\xff" + `"`), "", "not valid UTF-8", false},
		{"deep nesting", doc(`,"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100)), "x" + strings.Repeat("[0]", 63), "nested more than 64 levels", false},
		{"G18 acKind missing", `{"acVersion":"0.8.11","name":"a"}`, "acKind", "is required", false},
		{"G18 acKind PodManifest", strings.Replace(doc(""), "ImageManifest", "PodManifest", 1), "acKind", `must be "ImageManifest"`, false},
		{"G18 acKind other", strings.Replace(doc(""), "ImageManifest", "imagemanifest", 1), "acKind", `must be "ImageManifest"`, false},
		{"G18 acKind not a string", strings.Replace(doc(""), `"ImageManifest"`, "1", 1), "acKind", "must be a string", false},
		{"G18 acVersion missing", `{"acKind":"ImageManifest","name":"a"}`, "acVersion", "is required", false},
		{"G18 acVersion 0.0.0", version(`"0.0.0"`), "acVersion", "must not be 0.0.0", false},
		{"G18 acVersion v prefix", version(`"v0.8.11"`), "acVersion", "must be a SemVer 2.0.0 version", false},
		{"G18 acVersion two parts", version(`"0.8"`), "acVersion", "three parts", false},
		{"G18 acVersion leading zero", version(`"0.08.11"`), "acVersion", "leading zeros", false},
		{"G18 acVersion bad prerelease", version(`"0.8.11-01"`), "acVersion", "pre-release", false},
		{"G18 acVersion empty build", version(`"0.8.11+"`), "acVersion", "build metadata", false},
		{"G18 future major", version(`"9.0.0"`), "acVersion", "newer major version than supported 0.8.11", false},
		{"G18 major 1", version(`"1.0.0-rc1"`), "acVersion", "newer major version", false},
		{"newer minor warns", version(`"0.9.0"`), "acVersion", "newer version than supported 0.8.11", true},
		{"newer patch warns", version(`"0.8.12"`), "acVersion", "newer version", true},
		{"G19 name missing", `{"acKind":"ImageManifest","acVersion":"0.8.11"}`, "name", "is required", false},
		{"G19 name uppercase", strings.Replace(doc(""), "example.com/app", "Example.com/app", 1), "name", "must be an AC Identifier", false},
		{"G19 name edge punctuation", strings.Replace(doc(""), "example.com/app", "example.com/app/", 1), "name", "must be an AC Identifier", false},
		{"G19 name leading dash", strings.Replace(doc(""), "example.com/app", "-app", 1), "name", "must be an AC Identifier", false},
		{"G19 name double separators", strings.Replace(doc(""), "example.com/app", "a//b..c", 1), "name", "must be an AC Identifier", false},
		{"G19 name empty", strings.Replace(doc(""), "example.com/app", "", 1), "name", "must be an AC Identifier", false},
	})
}

func TestRulesLabels(t *testing.T) {
	os := `{"name":"os","value":"linux"}`
	runRuleCases(t, []ruleCase{
		{"not an array", labels(`{}`), "labels", "must be an array", false},
		{"element not an object", labels(`["os"]`), "labels[0]", "must be an object", false},
		{"value missing", labels(`[{"name":"os"}]`), "labels[0].value", "is required", false},
		{"value not a string", labels(`[{"name":"version","value":1}]`), "labels[0].value", "must be a string", false},
		{"G20 label called name", labels(`[{"name":"name","value":"x"}]`), "labels[0].name", `"name" is not allowed`, false},
		{"G20 duplicate label", labels(`[` + os + `,` + os + `]`), "labels[1].name", "duplicate label", false},
		{"label name not identifier", labels(`[{"name":"Version","value":"1"}]`), "labels[0].name", "must be an AC Identifier", false},
		{"G20 os windows", labels(`[{"name":"os","value":"windows"}]`), "labels[0].value", `unknown os "windows"`, false},
		{"G20 linux x86_64", labels(`[` + os + `,{"name":"arch","value":"x86_64"}]`), "labels[1].value", `unsupported arch "x86_64" for os "linux"`, false},
		{"G20 linux arm64", labels(`[` + os + `,{"name":"arch","value":"arm64"}]`), "labels[1].value", `appc calls it "aarch64"`, false},
		{"G20 linux 386", labels(`[{"name":"arch","value":"386"},` + os + `]`), "labels[0].value", `appc calls it "i386"`, false},
		{"G20 darwin amd64", labels(`[{"name":"os","value":"darwin"},{"name":"arch","value":"amd64"}]`), "labels[1].value", `appc calls it "x86_64"`, false},
		{"empty arch", labels(`[` + os + `,{"name":"arch","value":""}]`), "labels[1].value", "unsupported arch", false},
		{"G21 arch without os", labels(`[{"name":"arch","value":"amd64"}]`), "labels[0].value", "arch label without os label", true},
		{"empty version", labels(`[{"name":"version","value":""}]`), "labels[0].value", "empty version label", true},
	})
}

func TestRulesApp(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"app not an object", doc(`,"app":[]`), "app", "must be an object", false},
		{"G22 user missing", doc(`,"app":{"group":"0"}`), "app.user", "is required", false},
		{"G22 group missing", doc(`,"app":{"user":"0"}`), "app.group", "is required", false},
		{"G22 user empty", doc(`,"app":{"user":"","group":"0"}`), "app.user", "must not be empty", false},
		{"G22 group not a string", doc(`,"app":{"user":"0","group":0}`), "app.group", "must be a string", false},
		{"exec not an array", app(`,"exec":"/bin/sh"`), "app.exec", "must be an array of strings", false},
		{"exec element not a string", app(`,"exec":["/bin/sh",1]`), "app.exec[1]", "must be a string", false},
		{"exec[0] empty", app(`,"exec":[""]`), "app.exec[0]", "must not be empty", false},
		{"exec[0] relative with slash", app(`,"exec":["bin/sh"]`), "app.exec[0]", "must be an absolute path", false},
		{"exec[0] dot slash", app(`,"exec":["./run"]`), "app.exec[0]", "must be an absolute path", false},
		{"G36 exec via /proc/1/root", app(`,"exec":["/proc/1/root/bin/sh"]`), "app.exec[0]", "must not point into /proc/<pid>/root", false},
		{"G36 exec via /proc/self/root", app(`,"exec":["/proc/self/root/usr/bin/x"]`), "app.exec[0]", "/proc/<pid>/root", false},
		{"G36 exec /proc/self/exe", app(`,"exec":["/proc/self/exe"]`), "app.exec[0]", "/proc/<pid>/root", false},
		{"G36 exec hidden /proc", app(`,"exec":["/usr/../proc//1/root/sh"]`), "app.exec[0]", "/proc/<pid>/root", false},
		{"exec argument NUL", app(`,"exec":["/bin/echo","a\u0000b"]`), "app.exec[1]", "NUL", false},
		{"env value NUL", app(`,"environment":[{"name":"A","value":"\u0000"}]`), "app.environment[0].value", "NUL", false},
		{"gids not an array", app(`,"supplementaryGIDs":1`), "app.supplementaryGIDs", "must be an array", false},
		{"negative gid", app(`,"supplementaryGIDs":[1,-1]`), "app.supplementaryGIDs[1]", "must be between 0 and 4294967295", false},
		{"gid too big", app(`,"supplementaryGIDs":[4294967296]`), "app.supplementaryGIDs[0]", "must be between 0 and 4294967295", false},
		{"gid fraction", app(`,"supplementaryGIDs":[1.5]`), "app.supplementaryGIDs[0]", "must be an integer", false},
		{"gid exponent", app(`,"supplementaryGIDs":[1e3]`), "app.supplementaryGIDs[0]", "must be an integer", false},
		{"spec example spelling", app(`,"supplementaryGids":[400]`), "app.supplementaryGids", "old spelling", true},
		{"both spellings", app(`,"supplementaryGids":[1],"supplementaryGIDs":[2]`), "app.supplementaryGids", "conflicts", false},
		{"G22 relative workingDirectory", app(`,"workingDirectory":"opt/work"`), "app.workingDirectory", "must be an absolute path", false},
		{"empty workingDirectory", app(`,"workingDirectory":""`), "app.workingDirectory", "must not be empty", false},
		{"workingDirectory dot dot", app(`,"workingDirectory":"/opt/../etc"`), "app.workingDirectory", `must not contain ".."`, false},
		{"workingDirectory unclean", app(`,"workingDirectory":"/opt//work"`), "app.workingDirectory", "must be a clean path", false},
		{"workingDirectory dot", app(`,"workingDirectory":"/opt/./work"`), "app.workingDirectory", "must be a clean path", false},
		{"workingDirectory NUL", app(`,"workingDirectory":"/opt\u0000"`), "app.workingDirectory", "NUL", false},
		{"G22 env name digit", app(`,"environment":[{"name":"1X","value":""}]`), "app.environment[0].name", "must be letters", false},
		{"G22 env name space", app(`,"environment":[{"name":"A B","value":""}]`), "app.environment[0].name", "must be letters", false},
		{"G22 env name equals", app(`,"environment":[{"name":"A=B","value":""}]`), "app.environment[0].name", "must be letters", false},
		{"G22 duplicate env", app(`,"environment":[{"name":"A","value":"1"},{"name":"A","value":"2"}]`), "app.environment[1].name", "duplicate environment variable", false},
		{"env value missing", app(`,"environment":[{"name":"A"}]`), "app.environment[0].value", "is required", false},
		{"env not a list", app(`,"environment":{"A":"1"}`), "app.environment", "must be an array", false},
		{"G22 unknown event handler", app(`,"eventHandlers":[{"name":"pre-stop","exec":["/x"]}]`), "app.eventHandlers[0].name", "unknown event handler", false},
		{"G22 duplicate event handler", app(`,"eventHandlers":[{"name":"post-stop","exec":["/x"]},{"name":"post-stop","exec":["/y"]}]`), "app.eventHandlers[1].name", "duplicate event handler", false},
		{"event handler exec empty", app(`,"eventHandlers":[{"name":"pre-start","exec":[]}]`), "app.eventHandlers[0].exec", "must not be empty", false},
		{"event handler exec missing", app(`,"eventHandlers":[{"name":"pre-start"}]`), "app.eventHandlers[0].exec", "is required", false},
		{"event handler exec relative", app(`,"eventHandlers":[{"name":"pre-start","exec":["a/b"]}]`), "app.eventHandlers[0].exec[0]", "must be an absolute path", false},
		{"event handler exec proc", app(`,"eventHandlers":[{"name":"pre-start","exec":["/proc/2/cwd/x"]}]`), "app.eventHandlers[0].exec[0]", "/proc/<pid>/root", false},
		{"userAnnotations value", app(`,"userAnnotations":{"a":1}`), "app.userAnnotations.a", "must be a string", false},
		{"userLabels not an object", app(`,"userLabels":["a"]`), "app.userLabels", "must be an object of strings", false},
	})
}

func TestRulesMountPointsPorts(t *testing.T) {
	mp := func(s string) string { return app(`,"mountPoints":[` + s + `]`) }
	port := func(s string) string { return app(`,"ports":[` + s + `]`) }
	runRuleCases(t, []ruleCase{
		{"G23 empty path", mp(`{"name":"data","path":""}`), "app.mountPoints[0].path", "must not be empty", false},
		{"G23 missing path", mp(`{"name":"data"}`), "app.mountPoints[0].path", "is required", false},
		{"G23 relative path", mp(`{"name":"data","path":"../../etc"}`), "app.mountPoints[0].path", "must be an absolute path", false},
		{"G23 dot dot inside", mp(`{"name":"data","path":"/var/../../etc"}`), "app.mountPoints[0].path", `".."`, false},
		{"mount name not AC Name", mp(`{"name":"my.data","path":"/d"}`), "app.mountPoints[0].name", "must be an AC Name", false},
		{"mount name double dash", mp(`{"name":"a--b","path":"/d"}`), "app.mountPoints[0].name", "must be an AC Name", false},
		{"duplicate mount name", mp(`{"name":"d","path":"/d"},{"name":"d","path":"/e"}`), "app.mountPoints[1].name", "duplicate mount point", false},
		{"readOnly not a bool", mp(`{"name":"d","path":"/d","readOnly":"yes"}`), "app.mountPoints[0].readOnly", "must be a boolean", false},
		{"G25 port 0", port(`{"name":"p","protocol":"tcp","port":0}`), "app.ports[0].port", "must be between 1 and 65535", false},
		{"G25 port too big", port(`{"name":"p","protocol":"tcp","port":65536}`), "app.ports[0].port", "must be between 1 and 65535", false},
		{"G25 port negative", port(`{"name":"p","protocol":"tcp","port":-80}`), "app.ports[0].port", "must be between 1 and 65535", false},
		{"G25 port missing", port(`{"name":"p","protocol":"tcp"}`), "app.ports[0].port", "is required", false},
		{"G25 port string", port(`{"name":"p","protocol":"tcp","port":"80"}`), "app.ports[0].port", "must be an integer", false},
		{"G25 range overflow", port(`{"name":"p","protocol":"tcp","port":65535,"count":2}`), "app.ports[0].count", "ends beyond 65535", false},
		{"G25 huge count", port(`{"name":"p","protocol":"tcp","port":1,"count":4294967297}`), "app.ports[0].count", "must be between 0 and 65535", false},
		{"G25 negative count", port(`{"name":"p","protocol":"tcp","port":1,"count":-1}`), "app.ports[0].count", "must be between 0 and 65535", false},
		{"G25 protocol missing", port(`{"name":"p","port":80}`), "app.ports[0].protocol", "is required", false},
		{"G25 protocol empty", port(`{"name":"p","protocol":"","port":80}`), "app.ports[0].protocol", "must not be empty", false},
		{"port name missing", port(`{"protocol":"tcp","port":80}`), "app.ports[0].name", "is required", false},
		{"port name not AC Name", port(`{"name":"HTTP","protocol":"tcp","port":80}`), "app.ports[0].name", "must be an AC Name", false},
		{"duplicate port name", port(`{"name":"p","protocol":"tcp","port":80},{"name":"p","protocol":"udp","port":80}`), "app.ports[1].name", "duplicate port", false},
		{"socketActivated not a bool", port(`{"name":"p","protocol":"tcp","port":80,"socketActivated":1}`), "app.ports[0].socketActivated", "must be a boolean", false},
	})
}

func TestRulesAnnotationsDependenciesWhitelist(t *testing.T) {
	ann := func(name, value string) string {
		return doc(`,"annotations":[{"name":"` + name + `","value":"` + value + `"}]`)
	}
	dep := func(s string) string { return doc(`,"dependencies":[` + s + `]`) }
	wl := func(s string) string { return doc(`,"pathWhitelist":[` + s + `]`) }
	zeros := strings.Repeat("0", 128)
	runRuleCases(t, []ruleCase{
		{"G38 created without zone", ann("created", "2014-10-27T19:32:27"), "annotations[0].value", "must be an RFC 3339 date-time", false},
		{"G38 created lowercase t", ann("created", "2014-10-27t19:32:27Z"), "annotations[0].value", "RFC 3339", false},
		{"G38 created lowercase z", ann("created", "2014-10-27T19:32:27z"), "annotations[0].value", "RFC 3339", false},
		{"created space", ann("created", "2014-10-27 19:32:27Z"), "annotations[0].value", "RFC 3339", false},
		{"created bad month", ann("created", "2014-13-27T19:32:27Z"), "annotations[0].value", "RFC 3339", false},
		{"G38 homepage ftp", ann("homepage", "ftp://example.com/"), "annotations[0].value", "must be an http or https URL", false},
		{"documentation without host", ann("documentation", "https:///docs"), "annotations[0].value", "with a host", false},
		{"homepage relative", ann("homepage", "example.com"), "annotations[0].value", "http or https", false},
		{"systemd notify yes", ann(AnnotationSystemdNotify, "yes"), "annotations[0].value", `must be "true" or "false"`, false},
		{"annotation name", ann("Created", "x"), "annotations[0].name", "must be an AC Identifier", false},
		{"duplicate annotation", doc(`,"annotations":[{"name":"a","value":""},{"name":"a","value":""}]`), "annotations[1].name", "duplicate annotation", false},
		{"annotation value missing", doc(`,"annotations":[{"name":"a"}]`), "annotations[0].value", "is required", false},
		{"dependency imageName missing", dep(`{}`), "dependencies[0].imageName", "is required", false},
		{"dependency imageName bad", dep(`{"imageName":"Base"}`), "dependencies[0].imageName", "must be an AC Identifier", false},
		{"G30 sha256 imageID", dep(`{"imageName":"b","imageID":"sha256-` + zeros[:64] + `"}`), "dependencies[0].imageID", "must be an image ID", false},
		{"G30 non-hex imageID", dep(`{"imageName":"b","imageID":"sha512-zz"}`), "dependencies[0].imageID", "must be an image ID", false},
		{"G30 truncated imageID", dep(`{"imageName":"b","imageID":"sha512-` + zeros[:127] + `"}`), "dependencies[0].imageID", "must be an image ID", false},
		{"G30 uppercase imageID", dep(`{"imageName":"b","imageID":"sha512-` + zeros[:127] + `A"}`), "dependencies[0].imageID", "must be an image ID", false},
		{"G30 short key imageID", dep(`{"imageName":"b","imageID":"sha512-` + zeros[:64] + `"}`), "dependencies[0].imageID", "must be an image ID", false},
		{"dependency size negative", dep(`{"imageName":"b","size":-1}`), "dependencies[0].size", "must be a non-negative integer", false},
		{"dependency size fraction", dep(`{"imageName":"b","size":1.5}`), "dependencies[0].size", "must be a non-negative integer", false},
		{"dependency size too big", dep(`{"imageName":"b","size":18446744073709551616}`), "dependencies[0].size", "must be at most", false},
		{"dependency label os", dep(`{"imageName":"b","labels":[{"name":"os","value":"plan9"}]}`), "dependencies[0].labels[0].value", "unknown os", false},
		{"dependency label name", dep(`{"imageName":"b","labels":[{"name":"name","value":"x"}]}`), "dependencies[0].labels[0].name", `"name" is not allowed`, false},
		{"duplicate dependency", dep(`{"imageName":"b","labels":[{"name":"os","value":"linux"},{"name":"version","value":"1"}]},{"imageName":"b","labels":[{"name":"version","value":"1"},{"name":"os","value":"linux"}]}`), "dependencies[1]", "duplicate dependency", true},
		{"dependencies not a list", doc(`,"dependencies":{}`), "dependencies", "must be an array", false},
		{"G24 relative whitelist", wl(`"etc/passwd"`), "pathWhitelist[0]", "must be an absolute path", false},
		{"G24 dot dot whitelist", wl(`"/a","/etc/../../x"`), "pathWhitelist[1]", `must not contain ".."`, false},
		{"G24 empty whitelist entry", wl(`""`), "pathWhitelist[0]", "must not be empty", false},
		{"whitelist not strings", wl(`1`), "pathWhitelist[0]", "must be a string", false},
		{"duplicate whitelist", wl(`"/a","/a"`), "pathWhitelist[1]", "duplicate path", true},
	})
}
