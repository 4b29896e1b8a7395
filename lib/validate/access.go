package validate

import (
	"encoding/json"
	"strconv"
)

// The semantic checks read the decoded document through these helpers.
// A value of the wrong type reads as absent: the structural walk has
// already reported it, so each check only sees what it can judge.

type object = map[string]any

func objAt(m object, name string) object {
	o, _ := m[name].(object)
	return o
}

func arrAt(m object, name string) []any {
	a, _ := m[name].([]any)
	return a
}

func strAt(m object, name string) (string, bool) {
	s, ok := m[name].(string)
	return s, ok
}

func boolAt(m object, name string) bool {
	b, _ := m[name].(bool)
	return b
}

// intAt reads an integer that fits int64.
func intAt(m object, name string) (int64, bool) {
	return asInt(m[name])
}

// uintAt reads a non-negative integer that fits uint64.
func uintAt(m object, name string) (uint64, bool) {
	return asUint(m[name])
}

func asInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok || !isIntLiteral(string(n)) {
		return 0, false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	return i, err == nil
}

func asUint(v any) (uint64, bool) {
	n, ok := v.(json.Number)
	if !ok || !isIntLiteral(string(n)) {
		return 0, false
	}
	u, err := strconv.ParseUint(string(n), 10, 64)
	return u, err == nil
}

// strList returns the strings of an array with their indexes; entries of
// another type are skipped.
func strList(a []any) []indexed {
	out := make([]indexed, 0, len(a))
	for i, v := range a {
		if s, ok := v.(string); ok {
			out = append(out, indexed{i, s})
		}
	}
	return out
}

type indexed struct {
	i int
	s string
}

// objList returns the objects of an array with their indexes.
func objList(a []any) []indexedObj {
	out := make([]indexedObj, 0, len(a))
	for i, v := range a {
		if o, ok := v.(object); ok {
			out = append(out, indexedObj{i, o})
		}
	}
	return out
}

type indexedObj struct {
	i int
	o object
}
