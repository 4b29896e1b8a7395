package validate

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxSymlinks is how many symbolic links a lookup follows, as the kernel's
// MAXSYMLINKS.
const maxSymlinks = 40

var errTooManyLinks = errors.New("too many levels of symbolic links")

// inRoot resolves the container path p inside root as the container will
// see it: symbolic links are followed with root as "/", and ".." stops at
// root, so nothing outside root is ever looked at, whatever the rootfs
// holds. With followLast false a link in the last component is not
// followed. It returns the host path of what p names.
func inRoot(root, p string, followLast bool) (string, error) {
	todo := splitPath(p)
	var cur []string
	for links := 0; len(todo) > 0; {
		name := todo[0]
		todo = todo[1:]
		if name == "." {
			continue
		}
		if name == ".." {
			if len(cur) > 0 {
				cur = cur[:len(cur)-1]
			}
			continue
		}
		cur = append(cur, name)
		host := hostPath(root, cur)
		if len(todo) == 0 && !followLast {
			return host, nil
		}
		fi, err := os.Lstat(host)
		if err != nil {
			return host, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		cur = cur[:len(cur)-1] // the link's target replaces it
		if links++; links > maxSymlinks {
			return host, errTooManyLinks
		}
		target, err := os.Readlink(host)
		if err != nil {
			return host, err
		}
		if path.IsAbs(target) {
			cur = nil
		}
		todo = append(splitPath(target), todo...)
	}
	return hostPath(root, cur), nil
}

func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

func hostPath(root string, parts []string) string {
	return filepath.Join(append([]string{root}, parts...)...)
}

// defaultPATH is the search path when the environment sets none.
const defaultPATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// checkExecutable: args[0] is found as execvp would inside the container,
// on the process's PATH. A program that is not there yet is a
// warning (a hook or a mount may provide it); one that is there but cannot
// be executed is an error.
func (c *checker) checkExecutable(proc object, prog string) {
	if c.rootfs == "" {
		return
	}
	const p = "process.args[0]"
	if strings.Contains(prog, "/") {
		target := prog
		if !path.IsAbs(prog) { // relative to the working directory, as execve resolves it
			cwd, _ := strAt(proc, "cwd")
			target = path.Join("/", cwd, prog)
		}
		c.checkProgram("A-15", p, path.Clean(target))
		return
	}
	search := envValue(arrAt(proc, "env"), "PATH", defaultPATH)
	for _, dir := range strings.Split(search, ":") {
		target := path.Join("/", dir, prog)
		if c.coveredByMount(target) {
			return
		}
		if host, err := inRoot(c.rootfs, target, true); err == nil && isExecutable(host) {
			return
		}
	}
	c.warn("A-15", p, "%q is not in the rootfs on PATH=%s", prog, search)
}

// checkProgram checks a program at an absolute container path.
func (c *checker) checkProgram(rule, p, target string) {
	if c.coveredByMount(target) {
		return
	}
	host, err := inRoot(c.rootfs, target, true)
	if err != nil {
		c.warn(rule, p, "%s is not in the rootfs: %v", target, pathCause(err))
		return
	}
	if why := notExecutable(host); why != "" {
		c.err(rule, p, "%s in the rootfs %s", target, why)
	}
}

func isExecutable(host string) bool { return notExecutable(host) == "" }

// notExecutable says why the file at host cannot be executed, or "".
func notExecutable(host string) string {
	st, err := os.Stat(host)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case err != nil:
		return "cannot be read: " + pathCause(err).Error()
	case st.IsDir():
		return "is a directory"
	case !st.Mode().IsRegular():
		return "is not a regular file"
	case st.Mode().Perm()&0o111 == 0:
		return "is not executable"
	}
	return ""
}

// envValue is the value the last NAME= entry sets, as runc applies them
// in order.
func envValue(env []any, name, def string) string {
	v := def
	for _, e := range strList(env) {
		if val, ok := strings.CutPrefix(e.s, name+"="); ok {
			v = val
		}
	}
	return v
}

// pathCause drops the path from a *fs.PathError: messages name the path
// themselves.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
