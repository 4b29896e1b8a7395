package validate

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// kind is the JSON type a schema node wants.
type kind uint8

const (
	kObject kind = iota // an object with known properties
	kMap                // an object whose keys are data (annotations, sysctl)
	kArray
	kString
	kBool
	kInt
	kAnyObject // an object this validator does not look inside
)

var wantNames = [...]string{
	kObject: "an object", kMap: "an object", kArray: "an array", kString: "a string",
	kBool: "a boolean", kInt: "an integer", kAnyObject: "an object",
}

// node describes one value of config.json: the structural half of the
// runtime-spec, written from the field lists in config.md and
// config-linux.md (types, REQUIRED fields, enumerations, ranges, patterns).
type node struct {
	kind     kind
	rule     string // the §A rule a violation is reported under
	props    []prop // kObject, in the order the spec lists them
	elem     *node  // kArray items, kMap values
	intName  string // kInt: "uint32", "int64", ...
	min      int64
	max      uint64
	enum     []string
	pattern  *regexp.Regexp
	nonEmpty bool
	minItems int
	platform string // set: a field for another platform, ignored on Linux
}

type prop struct {
	name     string
	n        *node
	required bool
}

func obj(props ...prop) *node       { return &node{kind: kObject, props: props} }
func mapOf(elem *node) *node        { return &node{kind: kMap, elem: elem} }
func arr(elem *node) *node          { return &node{kind: kArray, elem: elem} }
func str() *node                    { return &node{kind: kString} }
func boolean() *node                { return &node{kind: kBool} }
func anyObject() *node              { return &node{kind: kAnyObject} }
func opt(name string, n *node) prop { return prop{name: name, n: n} }
func req(name string, n *node) prop { return prop{name: name, n: n, required: true} }
func enum(vals ...string) *node     { return &node{kind: kString, enum: vals} }
func pattern(re string) *node       { return &node{kind: kString, pattern: regexp.MustCompile(re)} }
func strs() *node                   { return arr(str()) }
func integer(name string, min int64, max uint64) *node {
	return &node{kind: kInt, intName: name, min: min, max: max}
}

func i32() *node { return integer("int32", math.MinInt32, math.MaxInt32) }
func i64() *node { return integer("int64", math.MinInt64, math.MaxInt64) }
func u16() *node { return integer("uint16", 0, math.MaxUint16) }
func u32() *node { return integer("uint32", 0, math.MaxUint32) }
func u64() *node { return integer("uint64", 0, math.MaxUint64) }

// r sets the rule a violation of n is reported under.
func (n *node) r(rule string) *node { n.rule = rule; return n }

// must marks a string that must not be empty (a Go field without omitempty
// in specs-go, A-48).
func (n *node) must() *node { n.nonEmpty = true; return n }

// atLeast sets the minimum number of array items.
func (n *node) atLeast(k int) *node { n.minItems = k; return n }

// only marks a field defined for another platform.
func (n *node) only(platform string) *node { n.platform = platform; return n }

// walker checks a decoded document against a node tree.
type walker struct{ c *checker }

func (w walker) walk(path string, v any, n *node, rule string) {
	if n.rule != "" {
		rule = n.rule
	}
	if n.platform != "" {
		w.c.warn("A-46", path, "defined for %s only; ignored on Linux", n.platform)
	}
	if v == nil {
		w.c.err(rule, path, "want %s, got null", wantNames[n.kind])
		return
	}
	switch n.kind {
	case kObject:
		w.object(path, v, n, rule)
	case kMap:
		w.mapping(path, v, n, rule)
	case kArray:
		w.array(path, v, n, rule)
	case kString:
		w.str(path, v, n, rule)
	case kBool:
		if _, ok := v.(bool); !ok {
			w.typeErr(rule, path, n, v)
		}
	case kInt:
		w.integer(path, v, n, rule)
	case kAnyObject:
		if _, ok := v.(map[string]any); !ok {
			w.typeErr(rule, path, n, v)
		}
	}
}

func (w walker) typeErr(rule, path string, n *node, v any) {
	w.c.err(rule, path, "want %s, got %s", wantNames[n.kind], typeName(v))
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

func (w walker) object(path string, v any, n *node, rule string) {
	m, ok := v.(map[string]any)
	if !ok {
		w.typeErr(rule, path, n, v)
		return
	}
	known := make(map[string]bool, len(n.props))
	for _, p := range n.props {
		known[p.name] = true
		val, present := m[p.name]
		switch {
		case present:
			w.walk(field(path, p.name), val, p.n, rule)
		case p.required:
			w.c.err(firstRule(p.n.rule, rule), field(path, p.name), "missing (required)")
		}
	}
	w.unknown(path, m, known)
}

func firstRule(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// unknown warns about properties the spec does not define: runtimes must
// ignore them, so they never make a config invalid, but a typo such
// as "readOnly" silently does nothing.
func (w walker) unknown(path string, m map[string]any, known map[string]bool) {
	var extra []string
	for k := range m {
		if !known[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		w.c.warn("A-3", field(path, k), "unknown property (runtimes ignore it)")
	}
}

func (w walker) mapping(path string, v any, n *node, rule string) {
	m, ok := v.(map[string]any)
	if !ok {
		w.typeErr(rule, path, n, v)
		return
	}
	for _, k := range sortedKeys(m) {
		w.walk(key(path, k), m[k], n.elem, rule)
	}
}

func (w walker) array(path string, v any, n *node, rule string) {
	a, ok := v.([]any)
	if !ok {
		w.typeErr(rule, path, n, v)
		return
	}
	if len(a) < n.minItems {
		w.c.err(rule, path, "want at least %d %s, got %d", n.minItems, plural(n.minItems, "entry", "entries"), len(a))
	}
	for i, e := range a {
		w.walk(index(path, i), e, n.elem, rule)
	}
}

func (w walker) str(path string, v any, n *node, rule string) {
	s, ok := v.(string)
	switch {
	case !ok:
		w.typeErr(rule, path, n, v)
	case n.enum != nil && !contains(n.enum, s):
		w.c.err(rule, path, "%q is not one of %s", s, strings.Join(n.enum, ", "))
	case n.pattern != nil && !n.pattern.MatchString(s):
		w.c.err(rule, path, "%q does not match %s", s, n.pattern)
	case n.nonEmpty && s == "":
		w.c.err(rule, path, "must not be empty")
	}
}

func (w walker) integer(path string, v any, n *node, rule string) {
	num, ok := v.(json.Number)
	if !ok {
		w.typeErr(rule, path, n, v)
		return
	}
	if !isIntLiteral(string(num)) {
		w.c.err(rule, path, "want an integer, got %s", num)
		return
	}
	if !inRange(string(num), n.min, n.max) {
		w.c.err(rule, path, "want %s, got %s", rangeText(n), num)
	}
}

// isIntLiteral reports whether a JSON number is written as an integer:
// 1.0 and 1e3 are not, as Go's decoder and the schema's "integer" see it.
func isIntLiteral(s string) bool {
	return !strings.ContainsAny(s, ".eE")
}

func inRange(s string, min int64, max uint64) bool {
	if strings.HasPrefix(s, "-") {
		i, err := strconv.ParseInt(s, 10, 64)
		return err == nil && i >= min
	}
	u, err := strconv.ParseUint(s, 10, 64)
	return err == nil && u <= max && (min <= 0 || u >= uint64(min))
}

func rangeText(n *node) string {
	if n.intName != "" {
		return fmt.Sprintf("%s %s (%d to %d)", article(n.intName), n.intName, n.min, n.max)
	}
	if n.max == math.MaxInt64 {
		return fmt.Sprintf("an integer of at least %d", n.min)
	}
	return fmt.Sprintf("an integer from %d to %d", n.min, n.max)
}

func article(s string) string {
	if s != "" && strings.ContainsRune("aeioAEIO", rune(s[0])) {
		return "an"
	}
	return "a"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// isIdent: [A-Za-z_][A-Za-z0-9_]*, the names a path shows unquoted.
func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b == '_' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || i > 0 && b >= '0' && b <= '9') {
			return false
		}
	}
	return s != ""
}

// field appends an object property to a path: "linux" + "namespaces".
// Names that are not identifiers are quoted, so a path is never ambiguous.
func field(path, name string) string {
	if !isIdent(name) {
		return key(path, name)
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

// key appends a map key: linux.sysctl["net.ipv4.ip_forward"].
func key(path, k string) string { return path + "[" + strconv.Quote(k) + "]" }

// index appends an array index: linux.namespaces[2].
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
