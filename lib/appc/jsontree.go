package appc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
// Real manifests nest about six levels deep.
const maxDepth = 64

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

var kindNames = [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}

// jsonValue is a decoded JSON value that keeps what encoding/json would
// lose: the kind of every value, the literal text of numbers and the order
// of object keys.
type jsonValue struct {
	kind    jsonKind
	boolean bool
	text    string // string contents or number literal
	elems   []*jsonValue
	keys    []string // object keys in document order, without duplicates
	members map[string]*jsonValue
}

// member returns the value of key, or nil when it is absent or null: like
// encoding/json, a null field means the same as a missing one.
func (v *jsonValue) member(key string) *jsonValue {
	m := v.members[key]
	if m == nil || m.kind == jsonNull {
		return nil
	}
	return m
}

// treeDecoder builds a jsonValue tree from a token stream.
type treeDecoder struct {
	dec *json.Decoder
	c   *checker
}

// decodeTree decodes exactly one JSON value from data. Problems that do not
// stop decoding (duplicate keys, excessive nesting) go to c; a syntax error
// is returned.
func decodeTree(data []byte, c *checker) (*jsonValue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	td := &treeDecoder{dec: dec, c: c}
	v, err := td.value("", 0)
	if err != nil {
		return nil, syntaxError(err, dec, data)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON value at byte %d", trailingOffset(data, dec.InputOffset()))
	}
	return v, nil
}

func (td *treeDecoder) value(path string, depth int) (*jsonValue, error) {
	tok, err := td.dec.Token()
	if err != nil {
		return nil, err
	}
	if depth >= maxDepth {
		td.c.errf(path, "nested more than %d levels deep", maxDepth)
		return &jsonValue{}, td.skip(tok)
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return td.array(path, depth)
		}
		return td.object(path, depth)
	case string:
		return &jsonValue{kind: jsonString, text: t}, nil
	case json.Number:
		return &jsonValue{kind: jsonNumber, text: string(t)}, nil
	case bool:
		return &jsonValue{kind: jsonBool, boolean: t}, nil
	}
	return &jsonValue{}, nil
}

func (td *treeDecoder) array(path string, depth int) (*jsonValue, error) {
	v := &jsonValue{kind: jsonArray}
	for td.dec.More() {
		e, err := td.value(indexPath(path, len(v.elems)), depth+1)
		if err != nil {
			return nil, err
		}
		v.elems = append(v.elems, e)
	}
	_, err := td.dec.Token() // ']'
	return v, err
}

func (td *treeDecoder) object(path string, depth int) (*jsonValue, error) {
	v := &jsonValue{kind: jsonObject, members: map[string]*jsonValue{}}
	for td.dec.More() {
		tok, err := td.dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // the decoder only yields strings as keys
		field := fieldPath(path, key)
		m, err := td.value(field, depth+1)
		if err != nil {
			return nil, err
		}
		td.addMember(v, key, field, m)
	}
	_, err := td.dec.Token() // '}'
	return v, err
}

// addMember stores a key; a repeated key keeps the last value, as
// encoding/json does, but is reported because other parsers keep the first.
func (td *treeDecoder) addMember(v *jsonValue, key, field string, m *jsonValue) {
	if _, dup := v.members[key]; dup {
		td.c.errf(field, "duplicate key")
	} else {
		v.keys = append(v.keys, key)
	}
	v.members[key] = m
}

// skip consumes the rest of a value whose first token was tok, without
// recursion.
func (td *treeDecoder) skip(tok json.Token) error {
	open := 0
	for {
		if d, ok := tok.(json.Delim); ok {
			if d == '[' || d == '{' {
				open++
			} else {
				open--
			}
		}
		if open == 0 {
			return nil
		}
		var err error
		if tok, err = td.dec.Token(); err != nil {
			return err
		}
	}
}

// syntaxError turns a decoder error into a short message with the byte
// offset where the decoder gave up.
func syntaxError(err error, dec *json.Decoder, data []byte) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, se)
	case errors.Is(err, io.EOF) && trailingOffset(data, 0) == int64(len(data)):
		return errors.New("empty document: expected a JSON object")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("invalid JSON: unexpected end of data at byte %d", dec.InputOffset())
	}
	return fmt.Errorf("invalid JSON at byte %d: %w", dec.InputOffset(), err)
}

// trailingOffset returns where the first non-space byte at or after off is.
func trailingOffset(data []byte, off int64) int64 {
	for off < int64(len(data)) && isJSONSpace(data[off]) {
		off++
	}
	return off
}

func isJSONSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r'
}

// encode writes v back as compact JSON. It is used to keep isolator values
// as raw JSON.
func (v *jsonValue) encode(buf *bytes.Buffer) {
	switch v.kind {
	case jsonNull:
		buf.WriteString("null")
	case jsonBool:
		fmt.Fprint(buf, v.boolean)
	case jsonNumber:
		buf.WriteString(v.text)
	case jsonString:
		encodeString(buf, v.text)
	case jsonArray:
		v.encodeArray(buf)
	case jsonObject:
		v.encodeObject(buf)
	}
}

func (v *jsonValue) encodeArray(buf *bytes.Buffer) {
	buf.WriteByte('[')
	for i, e := range v.elems {
		if i > 0 {
			buf.WriteByte(',')
		}
		e.encode(buf)
	}
	buf.WriteByte(']')
}

func (v *jsonValue) encodeObject(buf *bytes.Buffer) {
	buf.WriteByte('{')
	for i, k := range v.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		encodeString(buf, k)
		buf.WriteByte(':')
		v.members[k].encode(buf)
	}
	buf.WriteByte('}')
}

func encodeString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)           // a string always encodes
	buf.Truncate(buf.Len() - 1) // Encode adds a newline
}

// raw returns v as compact JSON, or nil for a missing value.
func (v *jsonValue) raw() json.RawMessage {
	if v == nil {
		return nil
	}
	var buf bytes.Buffer
	v.encode(&buf)
	return buf.Bytes()
}
