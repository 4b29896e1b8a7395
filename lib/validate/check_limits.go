package validate

import (
	"errors"
	"strconv"
	"strings"

	"github.com/intermodal/intermodal/lib/appc"
)

// rlimitNames are the Linux resource limits getrlimit(2) knows.
var rlimitNames = []string{"RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA",
	"RLIMIT_FSIZE", "RLIMIT_LOCKS", "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",
	"RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
	"RLIMIT_SIGPENDING", "RLIMIT_STACK"}

// checkRlimits: a real RLIMIT_ name, no type twice, soft <= hard.
func (c *checker) checkRlimits(list []any) {
	first := map[string]int{}
	for _, r := range objList(list) {
		p := index("process.rlimits", r.i)
		t, ok := strAt(r.o, "type")
		if ok && strings.HasPrefix(t, "RLIMIT_") && !contains(rlimitNames, t) {
			c.err("A-17", p+".type", "%q is not a Linux resource limit (getrlimit(2))", t)
		}
		if j, dup := first[t]; ok && dup {
			c.err("A-17", p, "duplicate type %q (first at rlimits[%d])", t, j)
		} else if ok {
			first[t] = r.i
		}
		soft, ok1 := uintAt(r.o, "soft")
		hard, ok2 := uintAt(r.o, "hard")
		if ok1 && ok2 && soft > hard {
			c.err("A-17", p, "soft limit %d is above the hard limit %d", soft, hard)
		}
	}
}

var capSets = []string{"effective", "bounding", "inheritable", "permitted", "ambient"}

// isCapName: CAP_ and upper case, digits or _, as capabilities(7) spells
// them.
func isCapName(s string) bool {
	rest, ok := strings.CutPrefix(s, "CAP_")
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if b := rest[i]; !(b == '_' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
			return false
		}
	}
	return true
}

// checkCapabilities: names as in capabilities(7). A well-formed name the
// kernel may not know is a warning, as spec 1.3 has runtimes warn and go on
// effective must be within permitted, or capset(2) fails; ambient
// capabilities outside permitted and inheritable are never raised.
func (c *checker) checkCapabilities(caps object) {
	sets := map[string]map[string]bool{}
	for _, set := range capSets {
		sets[set] = c.capSet("process.capabilities."+set, arrAt(caps, set))
	}
	for _, e := range strList(arrAt(caps, "effective")) {
		if isCapName(e.s) && !sets["permitted"][e.s] {
			c.err("A-18", index("process.capabilities.effective", e.i), "%s is not in permitted: capset(2) refuses an effective capability that is not permitted", e.s)
		}
	}
	for _, e := range strList(arrAt(caps, "ambient")) {
		if isCapName(e.s) && !(sets["permitted"][e.s] && sets["inheritable"][e.s]) {
			c.warn("A-18", index("process.capabilities.ambient", e.i), "%s is not both permitted and inheritable: the kernel will not raise it", e.s)
		}
	}
}

func (c *checker) capSet(p string, list []any) map[string]bool {
	set := map[string]bool{}
	for _, e := range strList(list) {
		ep := index(p, e.i)
		switch {
		case !isCapName(e.s):
			c.err("A-18", ep, "%q is not a capability name (CAP_ and upper case, as in capabilities(7))", e.s)
		case !appc.ValidCapability(e.s):
			c.warn("A-18", ep, "%s is not in capabilities(7) as of Linux 6: runtimes warn and skip it", e.s)
		case set[e.s]:
			c.warn("A-18", ep, "%s is listed twice", e.s)
		}
		set[e.s] = true
	}
	return set
}

// checkScheduler: the ranges sched_setattr(2) accepts.
func (c *checker) checkScheduler(s object) {
	if s == nil {
		return
	}
	policy, ok := strAt(s, "policy")
	if !ok {
		return
	}
	if nice, ok := intAt(s, "nice"); ok && (nice < -20 || nice > 19) {
		c.err("A-22", "process.scheduler.nice", "%d: want -20 to 19", nice)
	}
	prio, _ := intAt(s, "priority")
	realtime := policy == "SCHED_FIFO" || policy == "SCHED_RR"
	switch {
	case realtime && (prio < 1 || prio > 99):
		c.err("A-22", "process.scheduler.priority", "%d: %s wants 1 to 99", prio, policy)
	case !realtime && prio != 0:
		c.err("A-22", "process.scheduler.priority", "%d: %s wants 0 (a priority is for SCHED_FIFO and SCHED_RR)", prio, policy)
	}
	c.checkDeadline(s, policy)
}

// checkDeadline: SCHED_DEADLINE needs 0 < runtime <= deadline <= period
// (a period of 0 means the deadline).
func (c *checker) checkDeadline(s object, policy string) {
	rt, _ := uintAt(s, "runtime")
	dl, _ := uintAt(s, "deadline")
	per, _ := uintAt(s, "period")
	p := "process.scheduler"
	switch {
	case policy != "SCHED_DEADLINE":
		if rt != 0 || dl != 0 || per != 0 {
			c.warn("A-22", p, "runtime, deadline and period are used by SCHED_DEADLINE only")
		}
	case rt == 0:
		c.err("A-22", p+".runtime", "SCHED_DEADLINE needs a runtime")
	case dl < rt:
		c.err("A-22", p+".deadline", "%d is below runtime %d", dl, rt)
	case per != 0 && per < dl:
		c.err("A-22", p+".period", "%d is below deadline %d", per, dl)
	}
}

// checkList checks a CPU or memory node list such as "0-3,7".
func checkList(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.ParseUint(lo, 10, 32)
		b, err2 := strconv.ParseUint(hi, 10, 32)
		switch {
		case err1 != nil:
			return errors.New("want a list of numbers and ranges, such as 0-3,7")
		case isRange && err2 != nil:
			return errors.New("want a list of numbers and ranges, such as 0-3,7")
		case isRange && b < a:
			return errors.New("a range goes from low to high")
		}
	}
	return nil
}
