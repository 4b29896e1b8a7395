package appc

import (
	"path"
	"strings"
)

// checkAbsPath reports a path that is not absolute and clean: it must start
// with "/", have no ".", ".." or empty components and no NUL byte. One
// trailing slash is allowed (the spec's own pathWhitelist example has one).
func (c *checker) checkAbsPath(field, p string) bool {
	switch {
	case p == "":
		c.errf(field, "must not be empty")
	case !strings.HasPrefix(p, "/"):
		c.errf(field, "must be an absolute path")
	case strings.IndexByte(p, 0) >= 0:
		c.errf(field, "must not contain a NUL byte")
	case hasDotDot(p):
		c.errf(field, `must not contain ".." components`)
	case !isClean(p):
		c.errf(field, `must be a clean path (no "." or empty components)`)
	default:
		return true
	}
	return false
}

func hasDotDot(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

func isClean(p string) bool {
	if p != "/" {
		p = strings.TrimSuffix(p, "/")
	}
	return path.Clean(p) == p
}

// hostProcPath reports whether an absolute path leads through
// /proc/<pid>/root, cwd or exe, which name the files of some other process,
// possibly on the host (rkt/rkt#3999, runc CVE-2019-5736).
func hostProcPath(p string) bool {
	parts := strings.Split(strings.TrimPrefix(path.Clean(p), "/"), "/")
	if len(parts) < 3 || parts[0] != "proc" {
		return false
	}
	switch parts[2] {
	case "root", "cwd", "exe":
		return true
	}
	return false
}

// checkExec checks a command line. No argument may hold a NUL byte, which
// execve(2) would silently cut short.
func (c *checker) checkExec(field string, exec []string) {
	for i, arg := range exec {
		if strings.IndexByte(arg, 0) >= 0 {
			c.errf(indexPath(field, i), "must not contain a NUL byte")
		}
	}
	if len(exec) > 0 {
		c.checkCommand(indexPath(field, 0), exec[0])
	}
}

// checkCommand checks exec[0]: either a bare name looked up in PATH or an
// absolute path. A relative path with a slash depends on the working
// directory and is refused.
func (c *checker) checkCommand(field, cmd string) {
	switch {
	case cmd == "":
		c.errf(field, "must not be empty")
	case strings.Contains(cmd, "/") && !strings.HasPrefix(cmd, "/"):
		c.errf(field, "must be an absolute path (or a bare name looked up in PATH)")
	case strings.HasPrefix(cmd, "/") && hostProcPath(cmd):
		c.errf(field, "must not point into /proc/<pid>/root, cwd or exe (files outside the image)")
	}
}
