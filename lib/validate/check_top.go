package validate

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The spec version whose fields this package describes. A config for a
// newer minor version may use fields it does not know, which it reports as
// unknown; a different major version is not compatible.
const (
	knownMajor = 1
	knownMinor = 3
)

// semantic runs the checks that the structure alone cannot express, in
// the order of section A.
func (c *checker) semantic() {
	c.ns = namespaces(objAt(c.doc, "linux"))
	c.checkVersion()
	c.checkRoot()
	c.checkMounts()
	c.checkProcess()
	c.checkUTS()
	c.checkHooks()
	c.checkAnnotations()
	c.checkLinux()
}

func (c *checker) checkVersion() {
	s, ok := strAt(c.doc, "ociVersion")
	if !ok {
		return
	}
	v, err := parseSemVer(s)
	switch {
	case err != nil:
		c.err("A-2", "ociVersion", "%q is not a SemVer 2.0.0 version: %v", s, err)
	case v.major != knownMajor:
		c.err("A-2", "ociVersion", "major version %d is not compatible with runtime-spec 1.x", v.major)
	case v.minor > knownMinor:
		c.warn("A-2", "ociVersion", "%s is newer than runtime-spec 1.%d, the version checked here: fields added since are reported as unknown", s, knownMinor)
	}
}

// checkRoot: root.path names a directory, relative to the bundle or
// absolute, anywhere (no root-must-be-child rule: the spec allows any
// absolute path).
func (c *checker) checkRoot() {
	root := objAt(c.doc, "root")
	p, ok := strAt(root, "path")
	if !ok || p == "" {
		return
	}
	if filepath.Base(p) != "rootfs" {
		c.warn("A-5", "root.path", "%q: the conventional name is rootfs (SHOULD)", p)
	}
	if c.opts.Bundle == "" {
		return
	}
	host := p
	if !filepath.IsAbs(p) {
		host = filepath.Join(c.opts.Bundle, p)
	}
	st, err := os.Stat(host)
	switch {
	case err != nil:
		c.err("A-5", "root.path", "%s: %v", host, pathCause(err))
	case !st.IsDir():
		c.err("A-5", "root.path", "%s: not a directory", host)
	default:
		c.rootfs = host
	}
}

// checkUTS: hostname and domainname are set in the container's UTS
// namespace; without one they would rename the host.
func (c *checker) checkUTS() {
	for _, name := range []string{"hostname", "domainname"} {
		s, ok := strAt(c.doc, name)
		if !ok || s == "" {
			continue
		}
		if len(s) > 64 {
			c.err("A-23", name, "%d bytes long: the kernel allows at most 64", len(s))
		}
		uts, has := c.ns["uts"]
		switch {
		case !has:
			c.err("A-23", name, "set without a uts namespace: it would change the host's %s", name)
		case uts.path != "":
			c.warn("A-23", name, "set in the uts namespace joined at %s, which other processes share", uts.path)
		}
	}
}

// reverseDomain is what annotation keys SHOULD look like (com.example.key).
var reverseDomain = regexp.MustCompile(`^[A-Za-z]{2,6}(\.[A-Za-z0-9-]{1,63})+$`)

// openContainersKeys are the reserved keys the spec lets configs use.
var openContainersKeys = []string{
	"org.opencontainers.image.os", "org.opencontainers.image.os.version",
	"org.opencontainers.image.os.features", "org.opencontainers.image.architecture",
	"org.opencontainers.image.variant", "org.opencontainers.image.author",
	"org.opencontainers.image.created", "org.opencontainers.image.stopSignal",
}

func (c *checker) checkAnnotations() {
	ann := objAt(c.doc, "annotations")
	for _, k := range sortedKeys(ann) {
		path := key("annotations", k)
		switch {
		case k == "":
			c.err("A-4", path, "empty key")
		case strings.HasPrefix(k, "org.opencontainers"):
			c.reservedAnnotation(path, k)
		case !reverseDomain.MatchString(k):
			c.warn("A-53", path, "keys SHOULD use reverse domain notation, like com.example.key")
		}
	}
}

// reservedAnnotation: the org.opencontainers namespace is reserved; only
// the listed keys may be used. Other org.opencontainers.image.* keys are
// image-spec annotations that converters carry over, so they are only
// warned about.
func (c *checker) reservedAnnotation(path, k string) {
	switch {
	case contains(openContainersKeys, k):
	case strings.HasPrefix(k, "org.opencontainers.image."):
		c.warn("A-4", path, "reserved by the runtime-spec, which does not define this image annotation")
	default:
		c.err("A-4", path, "the org.opencontainers namespace is reserved by the spec")
	}
}
