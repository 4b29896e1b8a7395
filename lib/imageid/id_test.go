package imageid

import (
	"crypto/sha512"
	"errors"
	"strings"
	"testing"
)

var sampleID = FromSum(func() []byte { s := sha512.Sum512([]byte("x")); return s[:] }())

func TestParse(t *testing.T) {
	good := []string{sampleID, Prefix + strings.Repeat("0", 128)}
	bad := []string{"", "sha512-", "sha256-" + strings.Repeat("a", 64), Prefix + "zz", Prefix + strings.Repeat("A", 128),
		Prefix + strings.Repeat("a", 127), Prefix + strings.Repeat("a", 129), strings.Repeat("a", 128)}
	for _, s := range good {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
	for _, s := range bad {
		if _, err := Parse(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want ErrInvalid", s, err)
		}
	}
}

func TestParsePrefix(t *testing.T) {
	for _, s := range []string{"sha512-ab", sampleID[:40], sampleID} {
		if _, err := ParsePrefix(s); err != nil {
			t.Errorf("ParsePrefix(%q): %v", s, err)
		}
	}
	for _, s := range []string{"sha512-a", "sha512-", "ab", "sha512-xy", sampleID + "0"} {
		if _, err := ParsePrefix(s); err == nil {
			t.Errorf("ParsePrefix(%q) succeeded", s)
		}
	}
}

func TestShort(t *testing.T) {
	if got := Short(sampleID); got != sampleID[:39] || len(got) != 39 {
		t.Errorf("Short = %q", got)
	}
	if Short("sha512-ab") != "sha512-ab" {
		t.Errorf("Short of a short string changed it")
	}
}

func TestParseLine(t *testing.T) {
	tests := []struct {
		in, id, name, err string
	}{
		{sampleID + "  app.aci", sampleID, "app.aci", ""},
		{sampleID + " *app.aci", sampleID, "app.aci", ""},
		{sampleID + "  name with  spaces\r", sampleID, "name with  spaces", ""},
		{sampleID + " app.aci", "", "", "two spaces"},
		{sampleID + "  ", "", "", "no file name"},
		{sampleID, "", "", "want"},
		{"sha512-zz  app.aci", "", "", "invalid image ID"},
	}
	for _, tt := range tests {
		l, err := ParseLine(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseLine(%q) err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || l.ID != tt.id || l.Name != tt.name {
			t.Errorf("ParseLine(%q) = %+v, %v", tt.in, l, err)
		}
		if FormatLine(l.ID, l.Name) != strings.TrimSuffix(strings.Replace(tt.in, " *", "  ", 1), "\r") {
			t.Errorf("FormatLine does not round-trip %q", tt.in)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add(sampleID + "  app.aci")
	f.Add(sampleID + " *x")
	f.Add("sha512-  ")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLine(s)
		if err != nil {
			return
		}
		if _, err := Parse(l.ID); err != nil || l.Name == "" {
			t.Fatalf("ParseLine(%q) accepted %+v", s, l)
		}
	})
}
