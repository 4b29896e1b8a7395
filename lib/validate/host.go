package validate

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Host is what --host-specific checks a config against: what this kernel
// and its mounts provide, read once by ProbeHost. What could not be read
// is unknown, and the checks that need it are skipped.
type Host struct {
	proc, sys   string // where procfs and sysfs are mounted
	capLastCap  int    // the kernel's highest capability number; -1 unknown
	nsKnown     bool   // proc/self/ns could be read
	capEff      uint64 // this process's effective set, standing in for the runtime's
	filesystems map[string]bool
	cgroupsRead bool
	v1          map[string]string // cgroup v1 controller -> mount point
	v2          map[string]bool   // controllers of the cgroup v2 hierarchy
	hugepages   map[string]bool   // page sizes as the spec writes them: "2MB"
	apparmor    bool
	selinux     bool
	resctrl     bool
}

// ProbeHost reads what the host-specific checks need from /proc and /sys.
// It never fails: missing pieces leave their checks out.
func ProbeHost() *Host {
	return probeHost("/proc", "/sys")
}

func probeHost(proc, sys string) *Host {
	h := &Host{proc: proc, sys: sys, capLastCap: -1}
	if s, err := readTrim(filepath.Join(proc, "sys/kernel/cap_last_cap")); err == nil {
		if n, err := strconv.Atoi(s); err == nil {
			h.capLastCap = n
		}
	}
	h.capEff = readCapEff(filepath.Join(proc, "self/status"))
	_, err := os.Stat(filepath.Join(proc, "self/ns"))
	h.nsKnown = err == nil
	h.filesystems = readFilesystems(filepath.Join(proc, "filesystems"))
	h.readMounts(filepath.Join(proc, "self/mountinfo"))
	h.hugepages = readHugepages(filepath.Join(sys, "kernel/mm/hugepages"))
	enabled, _ := readTrim(filepath.Join(sys, "module/apparmor/parameters/enabled"))
	h.apparmor = enabled == "Y"
	return h
}

func readTrim(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimSpace(string(b)), err
}

// readCapEff reads CapEff from /proc/self/status; 0 when unknown.
func readCapEff(path string) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "CapEff:"); ok {
			n, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return n
		}
	}
	return 0
}

// hasCap reports whether this process holds capability n.
func (h *Host) hasCap(n int) bool { return h.capEff&(1<<n) != 0 }

func readFilesystems(path string) map[string]bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	fs := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			fs[f[len(f)-1]] = true
		}
	}
	return fs
}

// readMounts finds the cgroup hierarchies, resctrl and selinuxfs in
// mountinfo.
func (h *Host) readMounts(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	h.cgroupsRead = true
	h.v1 = map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		h.mountLine(sc.Text())
	}
}

// mountLine reads one mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT
// OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS".
func (h *Host) mountLine(line string) {
	pre, post, ok := strings.Cut(line, " - ")
	fields, tail := strings.Fields(pre), strings.Fields(post)
	if !ok || len(fields) < 5 || len(tail) < 3 {
		return
	}
	mp := unescapeMount(fields[4])
	switch tail[0] {
	case "cgroup":
		for _, o := range strings.Split(tail[2], ",") {
			if o != "rw" && o != "ro" && !strings.Contains(o, "=") {
				h.v1[o] = mp
			}
		}
	case "cgroup2":
		if h.v2 == nil {
			h.v2 = readControllers(filepath.Join(mp, "cgroup.controllers"))
		}
	case "resctrl":
		h.resctrl = true
	case "selinuxfs":
		h.selinux = true
	}
}

func readControllers(path string) map[string]bool {
	s, err := readTrim(path)
	set := map[string]bool{}
	if err == nil {
		for _, c := range strings.Fields(s) {
			set[c] = true
		}
	}
	return set
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// readHugepages turns hugepages-2048kB directories into "2MB".
func readHugepages(dir string) map[string]bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	sizes := map[string]bool{}
	for _, e := range entries {
		kb, ok := strings.CutPrefix(e.Name(), "hugepages-")
		n, err := strconv.ParseUint(strings.TrimSuffix(kb, "kB"), 10, 64)
		if ok && err == nil {
			sizes[pageSizeName(n)] = true
		}
	}
	return sizes
}

func pageSizeName(kb uint64) string {
	switch {
	case kb%(1<<20) == 0:
		return strconv.FormatUint(kb>>20, 10) + "GB"
	case kb%(1<<10) == 0:
		return strconv.FormatUint(kb>>10, 10) + "MB"
	}
	return strconv.FormatUint(kb, 10) + "KB"
}

// controller reports whether a cgroup controller is available, in a v1
// hierarchy or in the v2 one (a hybrid host has both).
func (h *Host) controller(name string) bool {
	_, v1 := h.v1[name]
	return v1 || h.v2[name]
}
