package appc

import (
	"math"
	"strconv"
)

// object is a JSON object being checked. It knows its path so that every
// problem names the field at fault.
type object struct {
	c    *checker
	path string
	v    *jsonValue
}

// object checks that v is an object and warns about keys not in known. It
// returns nil, after reporting, when v is not an object.
func (c *checker) object(v *jsonValue, path string, known ...string) *object {
	if v.kind != jsonObject {
		c.errf(path, "must be an object")
		return nil
	}
	for _, k := range v.keys {
		if !contains(known, k) {
			c.warnf(fieldPath(path, k), "unknown field (ignored)")
		}
	}
	return &object{c: c, path: path, v: v}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// field returns the path of key in o.
func (o *object) field(key string) string {
	return fieldPath(o.path, key)
}

// get returns key's value, or nil when it is missing or null. A missing
// required key is reported.
func (o *object) get(key string, required bool) *jsonValue {
	v := o.v.member(key)
	if v == nil && required {
		o.c.errf(o.field(key), "is required")
	}
	return v
}

// str returns a string member; ok is false when it is missing or not a
// string.
func (o *object) str(key string, required bool) (s string, ok bool) {
	v := o.get(key, required)
	if v == nil {
		return "", false
	}
	return o.c.str(v, o.field(key))
}

// nonEmpty returns a required string member that must not be empty.
func (o *object) nonEmpty(key string) (string, bool) {
	s, ok := o.str(key, true)
	if ok && s == "" {
		o.c.errf(o.field(key), "must not be empty")
		return "", false
	}
	return s, ok
}

// boolean returns an optional boolean member, false when missing.
func (o *object) boolean(key string) bool {
	v := o.get(key, false)
	if v == nil {
		return false
	}
	b, _ := o.c.boolean(v, o.field(key))
	return b
}

// integer returns an integer member within [lo, hi].
func (o *object) integer(key string, required bool, lo, hi int64) (int64, bool) {
	v := o.get(key, required)
	if v == nil {
		return 0, false
	}
	return o.c.integer(v, o.field(key), lo, hi)
}

// array returns the elements of an array member, nil when missing.
func (o *object) array(key string) []*jsonValue {
	v := o.get(key, false)
	if v == nil {
		return nil
	}
	return o.c.array(v, o.field(key), "must be an array")
}

// strings returns an array-of-strings member; elements that are not
// strings are reported and left out.
func (o *object) strings(key string, required bool) ([]string, bool) {
	v := o.get(key, required)
	if v == nil {
		return nil, false
	}
	return o.c.strings(v, o.field(key))
}

func (c *checker) str(v *jsonValue, path string) (string, bool) {
	if v.kind != jsonString {
		c.errf(path, "must be a string")
		return "", false
	}
	return v.text, true
}

func (c *checker) boolean(v *jsonValue, path string) (bool, bool) {
	if v.kind != jsonBool {
		c.errf(path, "must be a boolean (true or false)")
		return false, false
	}
	return v.boolean, true
}

// integer checks that v is a JSON integer (no fraction or exponent) within
// [lo, hi].
func (c *checker) integer(v *jsonValue, path string, lo, hi int64) (int64, bool) {
	if v.kind != jsonNumber || !isIntegerLiteral(v.text) {
		c.errf(path, "must be an integer")
		return 0, false
	}
	n, err := strconv.ParseInt(v.text, 10, 64)
	if err != nil || n < lo || n > hi {
		c.errf(path, "must be between %d and %d", lo, hi)
		return 0, false
	}
	return n, true
}

// unsigned checks that v is a non-negative JSON integer that fits uint64.
func (c *checker) unsigned(v *jsonValue, path string) (uint64, bool) {
	if v.kind != jsonNumber || !isIntegerLiteral(v.text) || v.text[0] == '-' {
		c.errf(path, "must be a non-negative integer")
		return 0, false
	}
	n, err := strconv.ParseUint(v.text, 10, 64)
	if err != nil {
		c.errf(path, "must be at most %d", uint64(math.MaxUint64))
		return 0, false
	}
	return n, true
}

func isIntegerLiteral(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	return s != "" && allDigits(s)
}

func (c *checker) array(v *jsonValue, path, msg string) []*jsonValue {
	if v.kind != jsonArray {
		c.errf(path, "%s", msg)
		return nil
	}
	return v.elems
}

func (c *checker) strings(v *jsonValue, path string) ([]string, bool) {
	elems := c.array(v, path, "must be an array of strings")
	if v.kind != jsonArray {
		return nil, false
	}
	out := make([]string, 0, len(elems))
	for i, e := range elems {
		if s, ok := c.str(e, indexPath(path, i)); ok {
			out = append(out, s)
		}
	}
	if len(out) != len(elems) {
		return nil, false
	}
	return out, true
}

// stringMap checks an object whose values are all strings.
func (c *checker) stringMap(v *jsonValue, path string) map[string]string {
	if v.kind != jsonObject {
		c.errf(path, "must be an object of strings")
		return nil
	}
	m := make(map[string]string, len(v.keys))
	for _, k := range v.keys {
		if s, ok := c.str(v.members[k], fieldPath(path, k)); ok {
			m[k] = s
		}
	}
	return m
}
