// Package validate owns OCI runtime config validation: it checks a
// config.json, and optionally its bundle and this host, against the
// runtime-spec (version 1.3) for Linux.
//
// A config is decoded generically (json.Decoder with UseNumber into
// map[string]any and []any) and walked twice:
//
//   - structurally, against a description of every field written in Go
//     from the spec's own field lists (schema_config.go, schema_linux.go):
//     JSON types, REQUIRED fields, enumerations, integer ranges (uint32,
//     int64, ...), patterns and minimum lengths. A value of the wrong type
//     gets "linux.namespaces[2].type: want a string, got number", never a
//     Go decoding error, and the walk goes on. No schema file is embedded
//     or downloaded;
//   - semantically, with the rules the structure cannot express: duplicate
//     namespaces and rlimits, absolute paths, ID mappings, capabilities,
//     seccomp actions and listeners, device numbers, cgroup settings,
//     sysctls and the namespaces they need, and so on.
//
// Every check is tagged with the ID of the requirement it comes from in
// section A of the project's OCI runtime digest (specs/oci-runtime.md);
// rules.go lists them. The checks follow the spec, not oci-runtime-tool's
// quirks: any 1.x ociVersion is accepted (a newer minor is a warning),
// root.path may be anywhere, minor number 0 is a real device, a missing
// hook never crashes, and createRuntime, createContainer and
// startContainer hooks are checked like the others.
//
// Decisions the spec leaves open:
//   - Unknown properties are warnings: runtimes MUST ignore them, so
//     they never make a config invalid, but a misspelt field silently does
//     nothing.
//   - null is a type error, as in the spec's JSON schema, even though Go
//     runtimes read it as absent.
//   - A SHOULD or a value a runtime ignores or works around is a warning;
//     a MUST, or a value that makes runtimes or the kernel fail, is an
//     error.
//   - Capabilities the kernel may not know are warnings (spec 1.3 has
//     runtimes warn and go on); a name that is not a capability name at
//     all is an error. Effective outside permitted is an error (capset(2)
//     refuses it); ambient outside permitted and inheritable is a warning
//     (the kernel does not raise it and runc warns), which is what
//     `runc spec` output gets.
//
// Options.Bundle adds what needs the bundle: root.path names a directory,
// and inside the root filesystem (resolved without ever leaving it)
// args[0] is found on PATH and is executable, existing device nodes match,
// startContainer hooks exist. Options.Host (--host-specific) adds what
// needs this machine: capabilities up to cap_last_cap, mount types in
// /proc/filesystems and bind sources, namespace kinds and namespace paths
// of the right type (NS_GET_NSTYPE on nsfs files only), runtime-namespace
// hooks present and executable, sysctls, cgroup controllers in v1 or v2
// hierarchies (a hybrid host has both), huge page sizes, blkio leaf
// weights, interfaces, AppArmor, SELinux and resctrl.
//
// The package does not write or change bundles, and does not run
// anything.
package validate
