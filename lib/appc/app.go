package appc

import (
	"math"
	"strings"
)

// App holds the default parameters for running the image as an
// application.
type App struct {
	Exec              []string          `json:"exec,omitempty"`
	EventHandlers     []EventHandler    `json:"eventHandlers,omitempty"`
	User              string            `json:"user"`
	Group             string            `json:"group"`
	SupplementaryGIDs []int             `json:"supplementaryGIDs,omitempty"`
	WorkingDirectory  string            `json:"workingDirectory,omitempty"`
	Environment       []EnvVar          `json:"environment,omitempty"`
	MountPoints       []MountPoint      `json:"mountPoints,omitempty"`
	Ports             []Port            `json:"ports,omitempty"`
	Isolators         []Isolator        `json:"isolators,omitempty"`
	UserAnnotations   map[string]string `json:"userAnnotations,omitempty"`
	UserLabels        map[string]string `json:"userLabels,omitempty"`
}

// EnvVar is one environment variable of an app. The value is never
// expanded.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// The event handler names the spec defines.
const (
	PreStart = "pre-start"
	PostStop = "post-stop"
)

// EventHandler is a command run at a point of the app's life cycle: before
// the main process starts (pre-start) or after it stops (post-stop).
type EventHandler struct {
	Name string   `json:"name"`
	Exec []string `json:"exec"`
}

// MountPoint is a place in the rootfs where the app expects a volume.
type MountPoint struct {
	Name     string `json:"name"`
	Path     string `json:"path"`
	ReadOnly bool   `json:"readOnly,omitempty"`
}

// Port is a port, or a range of Count ports starting at Port, that the app
// listens on. A Count of 0 means 1.
type Port struct {
	Name            string `json:"name"`
	Protocol        string `json:"protocol"`
	Port            uint   `json:"port"`
	Count           uint   `json:"count,omitempty"`
	SocketActivated bool   `json:"socketActivated,omitempty"`
}

var appFields = []string{"exec", "eventHandlers", "user", "group", "supplementaryGIDs",
	"workingDirectory", "environment", "mountPoints", "ports", "isolators",
	"userAnnotations", "userLabels"}

// supplementaryGidsAlias is the spelling the spec's own example uses; the
// reference code reads it only by case-insensitive luck.
const supplementaryGidsAlias = "supplementaryGids"

func (c *checker) checkApp(v *jsonValue, path string) *App {
	o := c.object(v, path, append(appFields, supplementaryGidsAlias)...)
	if o == nil {
		return nil
	}
	a := &App{}
	a.Exec, _ = o.strings("exec", false)
	c.checkExec(o.field("exec"), a.Exec)
	a.User, _ = o.nonEmpty("user")
	a.Group, _ = o.nonEmpty("group")
	a.SupplementaryGIDs = c.checkGIDs(o)
	a.WorkingDirectory = c.checkWorkingDirectory(o)
	a.EventHandlers = c.checkEventHandlers(o.get("eventHandlers", false), o.field("eventHandlers"))
	a.Environment = c.checkEnvironment(o.get("environment", false), o.field("environment"))
	a.MountPoints = c.checkMountPoints(o.get("mountPoints", false), o.field("mountPoints"))
	a.Ports = c.checkPorts(o.get("ports", false), o.field("ports"))
	a.Isolators = c.checkIsolators(o.get("isolators", false), o.field("isolators"))
	a.UserAnnotations = c.optionalStringMap(o, "userAnnotations")
	a.UserLabels = c.optionalStringMap(o, "userLabels")
	return a
}

func (c *checker) optionalStringMap(o *object, key string) map[string]string {
	if v := o.get(key, false); v != nil {
		return c.stringMap(v, o.field(key))
	}
	return nil
}

// checkGIDs reads supplementaryGIDs, or the spec example's spelling with a
// warning, but not both.
func (c *checker) checkGIDs(o *object) []int {
	key := "supplementaryGIDs"
	if o.v.member(supplementaryGidsAlias) != nil {
		if o.v.member(key) != nil {
			c.errf(o.field(supplementaryGidsAlias), "conflicts with supplementaryGIDs")
			return nil
		}
		key = supplementaryGidsAlias
		c.warnf(o.field(key), "old spelling of supplementaryGIDs (accepted)")
	}
	var gids []int
	for i, e := range o.array(key) {
		if n, ok := c.integer(e, indexPath(o.field(key), i), 0, math.MaxUint32); ok {
			gids = append(gids, int(n))
		}
	}
	return gids
}

func (c *checker) checkWorkingDirectory(o *object) string {
	wd, ok := o.str("workingDirectory", false)
	if ok && c.checkAbsPath(o.field("workingDirectory"), wd) {
		return wd
	}
	return ""
}

func (c *checker) checkEnvironment(v *jsonValue, path string) []EnvVar {
	if v == nil {
		return nil
	}
	var out []EnvVar
	seen := map[string]bool{}
	for i, e := range c.array(v, path, "must be an array of {name, value} objects") {
		if ev, ok := c.checkEnvVar(e, indexPath(path, i), seen); ok {
			out = append(out, ev)
		}
	}
	return out
}

func (c *checker) checkEnvVar(v *jsonValue, path string, seen map[string]bool) (EnvVar, bool) {
	o := c.object(v, path, "name", "value")
	if o == nil {
		return EnvVar{}, false
	}
	name, okName := o.str("name", true)
	value, okValue := o.str("value", true)
	switch {
	case !okName:
	case !ValidEnvName(name):
		c.errf(o.field("name"), "must be letters, digits, '_', '.' or '-', not starting with a digit, '.' or '-'")
	case seen[name]:
		c.errf(o.field("name"), "duplicate environment variable %q", name)
	case okValue && strings.IndexByte(value, 0) >= 0:
		c.errf(o.field("value"), "must not contain a NUL byte")
	case okValue:
		seen[name] = true
		return EnvVar{Name: name, Value: value}, true
	}
	return EnvVar{}, false
}

func (c *checker) checkEventHandlers(v *jsonValue, path string) []EventHandler {
	if v == nil {
		return nil
	}
	var out []EventHandler
	seen := map[string]bool{}
	for i, e := range c.array(v, path, "must be an array of {name, exec} objects") {
		if h, ok := c.checkEventHandler(e, indexPath(path, i), seen); ok {
			out = append(out, h)
		}
	}
	return out
}

func (c *checker) checkEventHandler(v *jsonValue, path string, seen map[string]bool) (EventHandler, bool) {
	o := c.object(v, path, "name", "exec")
	if o == nil {
		return EventHandler{}, false
	}
	name, okName := o.str("name", true)
	exec, okExec := o.strings("exec", true)
	if okExec && len(exec) == 0 {
		c.errf(o.field("exec"), "must not be empty")
		okExec = false
	}
	c.checkExec(o.field("exec"), exec)
	switch {
	case !okName:
	case name != PreStart && name != PostStop:
		c.errf(o.field("name"), "unknown event handler (must be pre-start or post-stop)")
	case seen[name]:
		c.errf(o.field("name"), "duplicate event handler %q", name)
	case okExec:
		seen[name] = true
		return EventHandler{Name: name, Exec: exec}, true
	}
	return EventHandler{}, false
}
