package aci_test

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/aci"
)

// want is an expected Problem: exact entry, a substring of the message.
type want struct {
	entry   string
	msg     string
	warning bool
}

func warning(entry, msg string) want { return want{entry, msg, true} }

// checkProblems asserts that got holds exactly the wanted problems, in order.
func checkProblems(t *testing.T, got []aci.Problem, wants ...want) {
	t.Helper()
	ok := len(got) == len(wants)
	for i := 0; ok && i < len(got); i++ {
		w := wants[i]
		ok = got[i].Entry == w.entry && strings.Contains(got[i].Msg, w.msg) && got[i].Warning == w.warning
	}
	if !ok {
		t.Errorf("problems:\n%s\nwant:\n%s", problemList(got), wantList(wants))
	}
}

func problemList(ps []aci.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("\t" + p.String())
		if p.Warning {
			b.WriteString(" (warning)")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func wantList(ws []want) string {
	ps := make([]aci.Problem, len(ws))
	for i, w := range ws {
		ps[i] = aci.Problem{Entry: w.entry, Msg: "..." + w.msg + "...", Warning: w.warning}
	}
	return problemList(ps)
}

func checkBytes(t *testing.T, in []byte, opts aci.CheckOptions) *aci.Result {
	t.Helper()
	res, err := aci.CheckArchive(bytes.NewReader(in), opts)
	if err != nil {
		t.Fatalf("CheckArchive: %v", err)
	}
	return res
}

func layout(rest ...ent) []ent {
	return append([]ent{manifestEnt, rootfsEnt}, rest...)
}

// The hostile archives of appc.md section G, one or more per row.
func TestCheckArchiveRules(t *testing.T) {
	a := reg("rootfs/a", "a")
	cases := []struct {
		name  string
		ents  []ent
		wants []want
	}{
		{"valid", layout(a, dir("rootfs/d/"), reg("rootfs/d/b", "b")), nil},
		{"valid dot slash names and root", append([]ent{dir("./"), reg("./manifest", "{}"), dir("./rootfs/")}, reg("./rootfs/a", "")), nil},
		{"valid every allowed type", layout(a, hardlink("rootfs/h", "rootfs/a"), hardlink("rootfs/h2", "rootfs/h"),
			symlink("rootfs/s", "/etc/passwd"), typed("rootfs/c", tar.TypeChar), typed("rootfs/b", tar.TypeBlock),
			typed("rootfs/f", tar.TypeFifo)), nil},
		{"valid legacy regular typeflag", []ent{{name: "manifest", typ: 0, body: "{}"}, rootfsEnt, {name: "rootfs/a", typ: 0}}, nil},
		{"valid non-UTF-8 name", layout(reg("rootfs/\xff\xfe", "")), nil},

		{"G1 dotdot inside rootfs", layout(reg("rootfs/../etc/passwd", "")),
			[]want{{"rootfs/../etc/passwd", `name "rootfs/../etc/passwd" has a ".." component`, false}}},
		{"G1 dotdot at top", layout(reg("../x", "")), []want{{"../x", `".." component`, false}}},
		{"G2 absolute", layout(reg("/etc/passwd", "")), []want{{"/etc/passwd", "is absolute", false}}},
		{"G2 absolute rootfs", layout(reg("/rootfs/x", "")), []want{{"/rootfs/x", "is absolute", false}}},
		{"G3 sibling of rootfs", layout(reg("rootfsfoo", "")), []want{{"rootfsfoo", "outside rootfs/", false}}},
		{"G3 file in sibling", layout(dir("rootfsfoo/"), reg("rootfsfoo/x", "")),
			[]want{{"rootfsfoo/", "outside rootfs/", false}, {"rootfsfoo/x", "outside rootfs/", false}}},
		{"G3 escape to sibling", layout(reg("rootfs/../rootfsevil", "")), []want{{"rootfs/../rootfsevil", `".." component`, false}}},
		{"G3 under manifest", layout(reg("manifest/x", "")), []want{{"manifest/x", "outside rootfs/", false}}},
		{"G4 manifest by dotdot", []ent{reg("rootfs/../manifest", "{}"), rootfsEnt},
			[]want{{"rootfs/../manifest", `".." component`, false}, {"", "no manifest entry", false}}},
		{"G5 duplicate", layout(a, reg("rootfs/a", "b")), []want{{"rootfs/a", "duplicate", false}}},
		{"G5 duplicate dot slash", layout(a, reg("./rootfs/a", "b")), []want{{"./rootfs/a", "duplicate", false}}},
		{"G5 duplicate dot inside", layout(a, reg("rootfs/./a", "b")), []want{{"rootfs/./a", "duplicate", false}}},
		{"G5 duplicate dir slash", layout(dir("rootfs/d"), dir("rootfs/d/")), []want{{"rootfs/d/", "duplicate", false}}},
		{"G6 two manifests", layout(reg("manifest", "{}")), []want{{"manifest", "duplicate", false}}},
		{"G6 two rootfs", layout(dir("rootfs/")), []want{{"rootfs/", "duplicate", false}}},
		{"G7 no rootfs entry", []ent{manifestEnt, a}, []want{{"", "no rootfs directory entry", false}}},
		{"G7 rootfs is a file", []ent{manifestEnt, reg("rootfs", "")}, []want{{"rootfs", "rootfs must be a directory, not a regular file", false}}},
		{"G7 rootfs is a symlink", []ent{manifestEnt, symlink("rootfs", "/")}, []want{{"rootfs", "rootfs must be a directory, not a symlink", false}}},
		{"G7 no manifest", []ent{rootfsEnt, a}, []want{{"", "no manifest entry", false}}},
		{"G8 manifest dir", []ent{dir("manifest"), rootfsEnt}, []want{{"manifest", "manifest must be a regular file, not a directory", false}}},
		{"G8 manifest symlink", []ent{symlink("manifest", "rootfs/m"), rootfsEnt}, []want{{"manifest", "not a symlink", false}}},
		{"G8 manifest hardlink", []ent{rootfsEnt, reg("rootfs/m", "{}"), hardlink("manifest", "rootfs/m")},
			[]want{{"manifest", "manifest must be a regular file, not a hardlink", false}}},
		{"G9 symlink then write through it is for the extractor", layout(symlink("rootfs/x", "/etc"), reg("rootfs/x/evil", "")), nil},
		{"G10 hardlink dotdot", layout(hardlink("rootfs/h", "../../etc/shadow")),
			[]want{{"rootfs/h", `hardlink target "../../etc/shadow" has a ".." component`, false}}},
		{"G10 hardlink absolute", layout(hardlink("rootfs/h", "/etc/shadow")), []want{{"rootfs/h", "hardlink target \"/etc/shadow\" is absolute", false}}},
		{"G10 hardlink to manifest", layout(hardlink("rootfs/h", "manifest")), []want{{"rootfs/h", `hardlink target "manifest" is outside rootfs/`, false}}},
		{"G10 hardlink to rootfs sibling", layout(hardlink("rootfs/h", "rootfsx/a")), []want{{"rootfs/h", "outside rootfs/", false}}},
		{"G11 hardlink to dir", layout(dir("rootfs/d"), hardlink("rootfs/h", "rootfs/d")), []want{{"rootfs/h", "is not a regular file", false}}},
		{"G11 hardlink to rootfs", layout(hardlink("rootfs/h", "rootfs")), []want{{"rootfs/h", "outside rootfs/", false}}},
		{"G11 hardlink to later", layout(hardlink("rootfs/h", "rootfs/a"), a), []want{{"rootfs/h", "is not an earlier entry", false}}},
		{"G11 hardlink to itself", layout(hardlink("rootfs/h", "rootfs/h")), []want{{"rootfs/h", "is not an earlier entry", false}}},
		{"G11 hardlink to symlink", layout(symlink("rootfs/s", "a"), hardlink("rootfs/h", "./rootfs/s")), []want{{"rootfs/h", "is not a regular file", false}}},
		{"G15 volume label", layout(typed("rootfs/v", 'V')), []want{{"rootfs/v", "unsupported entry type 'V'", false}}},
		{"G15 contiguous file", layout(typed("rootfs/c", tar.TypeCont)), []want{{"rootfs/c", "unsupported entry type '7'", false}}},
		{"G15 dumpdir", layout(typed("rootfs/d", 'D')), []want{{"rootfs/d", "unsupported entry type 'D'", false}}},
		{"root not a dir", layout(reg("./", "")), []want{{"./", "archive root must be a directory", false}}},
		{"empty name", layout(reg("", "")), []want{{"", "empty name", false}}},
		{"manifest too big", []ent{reg("manifest", strings.Repeat(" ", 1<<20+1)), rootfsEnt}, []want{{"manifest", "more than the limit", false}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tarOf(tc.ents...)
			res := checkBytes(t, in, aci.CheckOptions{})
			checkProblems(t, res.Problems, tc.wants...)
			if res.Size != int64(len(in)) || res.Compression != aci.None || res.Entries != len(tc.ents) {
				t.Errorf("Size %d Compression %v Entries %d, want %d none %d", res.Size, res.Compression, res.Entries, len(in), len(tc.ents))
			}
			if res.Valid() != (len(tc.wants) == 0) {
				t.Errorf("Valid() = %v", res.Valid())
			}
		})
	}
}

// The Hash writer sees exactly the decompressed stream, padding and all,
// so a caller gets the image ID from the same pass as the checks.
func TestCheckArchiveHash(t *testing.T) {
	raw := tarOf(layout(ent{name: "rootfs/a", body: "hello"})...)
	raw = append(raw, make([]byte, 4096)...) // trailing record padding counts too
	var seen bytes.Buffer
	res := checkBytes(t, gzipBytes(t, raw), aci.CheckOptions{Hash: &seen})
	if !res.Valid() {
		t.Fatalf("problems: %s", problemList(res.Problems))
	}
	if !bytes.Equal(seen.Bytes(), raw) || res.Size != int64(len(raw)) {
		t.Fatalf("hash saw %d bytes, size %d, want the %d decompressed bytes", seen.Len(), res.Size, len(raw))
	}
}
