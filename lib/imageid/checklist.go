package imageid

import (
	"fmt"
	"strings"
)

// Line is one "ID  NAME" line of a check list, as aci-id prints them.
type Line struct {
	ID   string
	Name string
}

// FormatLine prints id and name the way sha512sum does, two spaces apart.
func FormatLine(id, name string) string { return id + "  " + name }

// ParseLine reads a line written by FormatLine. Like sha512sum it also
// accepts " *" (binary mode) between the two fields.
func ParseLine(s string) (Line, error) {
	s = strings.TrimSuffix(s, "\r")
	idPart, name, ok := strings.Cut(s, " ")
	if !ok {
		return Line{}, fmt.Errorf("want \"sha512-HEX  NAME\", got %q", s)
	}
	if _, err := Parse(idPart); err != nil {
		return Line{}, err
	}
	if !strings.HasPrefix(name, " ") && !strings.HasPrefix(name, "*") {
		return Line{}, fmt.Errorf("want two spaces between the ID and the name in %q", s)
	}
	name = name[1:]
	if name == "" {
		return Line{}, fmt.Errorf("no file name in %q", s)
	}
	return Line{ID: idPart, Name: name}, nil
}
