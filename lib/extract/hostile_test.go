package extract_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intermodal/intermodal/lib/extract"
	"golang.org/x/sys/unix"
)

// hostile is one crafted archive: the entries (which may point at the
// box's outside paths), the options, and either the refusal expected or a
// check of what was created. Every case also proves that nothing outside
// the root changed.
type hostile struct {
	name  string
	ents  func(b *box) []ent
	raw   []byte // instead of ents: bytes the tar writer would refuse
	opts  func(o *extract.Options)
	err   error
	check func(t *testing.T, b *box)
}

func TestHostileArchives(t *testing.T) {
	cases := [][]hostile{traversal(), symlinkCases(), hardlinkCases(), duplicateCases(), typeCases(), rootCases()}
	for _, group := range cases {
		for _, c := range group {
			for _, priv := range []bool{true, false} {
				name := c.name + map[bool]string{true: "/privileged", false: "/unprivileged"}[priv]
				t.Run(name, func(t *testing.T) { runHostile(t, c, priv) })
			}
		}
	}
}

func runHostile(t *testing.T, c hostile, priv bool) {
	b := newBox(t)
	o := extract.Options{Privileged: priv && os.Geteuid() == 0, Rename: nil}
	if c.opts != nil {
		c.opts(&o)
	}
	data := c.raw
	if data == nil {
		data = mkTar(t, c.ents(b)...)
	}
	_, err := extract.Extract(b.root, bytes.NewReader(data), o)
	b.check(t)
	if c.err != nil {
		if !errors.Is(err, c.err) {
			t.Fatalf("got error %v, want %v", err, c.err)
		}
		var ee *extract.EntryError
		if !errors.As(err, &ee) || ee.Entry == "" {
			t.Errorf("error %v does not name the entry", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.check != nil {
		c.check(t, b)
	}
}

func aci(o *extract.Options) { o.Rename = extract.ACIRootfs }

// traversal: appc G1, G2, G4, and names Rename or cleaning could hide.
func traversal() []hostile {
	refuse := func(name string, ents ...ent) hostile {
		return hostile{name: name, ents: func(*box) []ent { return ents }, err: extract.ErrName}
	}
	return []hostile{
		refuse("dotdot", reg("../x", "evil")),
		refuse("dotdot-inner", reg("a/../../x", "evil")),
		refuse("dotdot-harmless-still-refused", reg("a/../b", "x")),
		refuse("absolute", reg("/etc/passwd-extract-test", "evil")),
		refuse("absolute-root-dir", dir("/")),
		{name: "trailing-slash-file", raw: rawTar(rawEntry("a/", tar.TypeReg, "x")), err: extract.ErrName},
		refuse("trailing-slash-symlink", symlink("a/", "b")),
		refuse("too-long", reg(strings.Repeat("a/", 2048)+"x", "x")),
		{name: "aci-dotdot", ents: func(*box) []ent { return []ent{dir("rootfs"), reg("rootfs/../etc/passwd", "x")} },
			opts: aci, err: extract.ErrName},
		{name: "aci-dotdot-to-manifest", ents: func(*box) []ent { return []ent{dir("rootfs"), reg("rootfs/../manifest", "{}")} },
			opts: aci, err: extract.ErrName},
		{name: "rename-returns-escape", ents: func(*box) []ent { return []ent{reg("a", "x")} },
			opts: func(o *extract.Options) { o.Rename = func(string) (string, bool) { return "../a", false } }, err: extract.ErrName},
		{name: "rename-returns-absolute", ents: func(*box) []ent { return []ent{reg("a", "x")} },
			opts: func(o *extract.Options) { o.Rename = func(string) (string, bool) { return "/a", false } }, err: extract.ErrName},
		{name: "aci-layout", ents: func(*box) []ent {
			return []ent{reg("manifest", "{}"), dir("rootfs"), dir("rootfs/etc"), reg("rootfs/etc/hosts", "h"),
				reg("rootfsevil", "x"), reg("./rootfs/./b", "b")}
		}, opts: aci, check: func(t *testing.T, b *box) {
			for rel, want := range map[string]string{"etc/hosts": "h", "b": "b"} {
				if got := readFile(t, b.path(rel)); got != want {
					t.Errorf("%s = %q, want %q", rel, got, want)
				}
			}
			for _, rel := range []string{"manifest", "rootfs", "rootfsevil"} {
				if exists(b.path(rel)) {
					t.Errorf("%s was extracted", rel)
				}
			}
		}},
		{name: "control-characters", ents: func(*box) []ent { return []ent{reg("a\nb\x1b[31m", "x")} },
			check: func(t *testing.T, b *box) {
				if readFile(t, b.path("a\nb\x1b[31m")) != "x" {
					t.Error("name with control characters not extracted as written")
				}
			}},
	}
}

// symlinkCases: appc G9, G14 and DEP-4: symlinks are created, replaced,
// and never followed.
func symlinkCases() []hostile {
	return []hostile{
		{name: "write-through-absolute", ents: func(b *box) []ent {
			return []ent{symlink("x", b.outside), reg("x/evil", "evil")}
		}, err: extract.ErrParent},
		{name: "write-through-relative", ents: func(b *box) []ent {
			return []ent{symlink("x", "../outside"), reg("x/evil", "evil")}
		}, err: extract.ErrParent},
		{name: "write-through-deep", ents: func(b *box) []ent {
			return []ent{dir("a"), symlink("a/b", "../../outside"), reg("a/b/c/evil", "evil")}
		}, err: extract.ErrParent},
		{name: "dir-through-symlink-to-slash", ents: func(b *box) []ent {
			return []ent{symlink("x", "/"), dir("x/" + strings.TrimPrefix(b.outside, "/") + "/new")}
		}, err: extract.ErrParent},
		{name: "symlink-through-symlink", ents: func(b *box) []ent {
			return []ent{symlink("x", b.outside), symlink("x/secret", "/etc/shadow")}
		}, err: extract.ErrParent},
		{name: "file-replaces-symlink-to-secret", ents: func(b *box) []ent {
			return []ent{symlink("x", b.secret), reg("x", "replaced")}
		}, check: func(t *testing.T, b *box) {
			if readFile(t, b.path("x")) != "replaced" || !isType(t, b.path("x"), unix.S_IFREG) {
				t.Error("x is not the new regular file")
			}
		}},
		{name: "dir-replaces-symlink-to-slash", ents: func(b *box) []ent {
			return []ent{symlink("x", "/"), dir("x"), reg("x/f", "f")}
		}, check: func(t *testing.T, b *box) {
			if !isType(t, b.path("x"), unix.S_IFDIR) || readFile(t, b.path("x/f")) != "f" {
				t.Error("x is not a directory holding f")
			}
		}},
		{name: "symlink-replaces-dir", ents: func(b *box) []ent {
			return []ent{dir("a"), reg("a/f", "f"), dir("a/sub"), symlink("a", b.outside)}
		}, check: func(t *testing.T, b *box) {
			if target, err := os.Readlink(b.path("a")); err != nil || target != b.outside {
				t.Errorf("a = %q, %v; want a symlink to %s", target, err, b.outside)
			}
		}},
		{name: "dir-then-symlink-then-write", ents: func(b *box) []ent {
			return []ent{dir("a"), symlink("a", b.outside), reg("a/evil", "evil")}
		}, err: extract.ErrParent},
		{name: "G14-conflict", ents: func(b *box) []ent {
			return []ent{dir("var"), dir("var/www"), dir("var/www/html"), reg("var/www/html/index.html", "i"),
				symlink("var/www/html", "/app")}
		}, check: func(t *testing.T, b *box) {
			if target, _ := os.Readlink(b.path("var/www/html")); target != "/app" {
				t.Errorf("var/www/html -> %q, want /app", target)
			}
		}},
		{name: "parent-is-file", ents: func(b *box) []ent {
			return []ent{reg("a", "a"), reg("a/b", "b")}
		}, err: extract.ErrParent},
		{name: "dangling-and-looping-symlinks", ents: func(b *box) []ent {
			return []ent{symlink("loop", "loop"), symlink("dangling", "/nonexistent"), symlink("up", "../../../..")}
		}, check: func(t *testing.T, b *box) {
			for _, n := range []string{"loop", "dangling", "up"} {
				if !isType(t, b.path(n), unix.S_IFLNK) {
					t.Errorf("%s is not a symlink", n)
				}
			}
		}},
		{name: "empty-symlink-target", ents: func(b *box) []ent { return []ent{symlink("x", "")} }, err: extract.ErrHeader},
	}
}

// hardlinkCases: appc G10, G11.
func hardlinkCases() []hostile {
	refuse := func(name string, err error, ents func(b *box) []ent) hostile {
		return hostile{name: name, ents: ents, err: err}
	}
	return []hostile{
		refuse("dotdot-target", extract.ErrName, func(b *box) []ent { return []ent{hardlink("l", "../outside/secret")} }),
		refuse("absolute-target", extract.ErrName, func(b *box) []ent { return []ent{hardlink("l", b.secret)} }),
		refuse("to-dir", extract.ErrHardlink, func(b *box) []ent { return []ent{dir("d"), hardlink("l", "d")} }),
		refuse("to-root", extract.ErrHardlink, func(b *box) []ent { return []ent{hardlink("l", "./")} }),
		refuse("to-later-entry", extract.ErrHardlink, func(b *box) []ent { return []ent{hardlink("l", "f"), reg("f", "f")} }),
		refuse("to-itself", extract.ErrHardlink, func(b *box) []ent { return []ent{reg("f", "f"), hardlink("f", "./f")} }),
		refuse("empty-target", extract.ErrHardlink, func(b *box) []ent { return []ent{hardlink("l", "")} }),
		refuse("to-symlink-pointing-out", extract.ErrHardlink, func(b *box) []ent {
			return []ent{symlink("s", b.secret), hardlink("l", "s")}
		}),
		refuse("through-symlinked-parent", extract.ErrHardlink, func(b *box) []ent {
			return []ent{symlink("d", b.outside), hardlink("l", "d/secret")}
		}),
		refuse("to-fifo", extract.ErrHardlink, func(b *box) []ent {
			return []ent{node("p", tar.TypeFifo, 0, 0), hardlink("l", "p")}
		}),
		{name: "aci-to-manifest", opts: aci, err: extract.ErrHardlink, ents: func(b *box) []ent {
			return []ent{reg("manifest", "{}"), dir("rootfs"), hardlink("rootfs/l", "manifest")}
		}},
		{name: "aci-target-renamed", opts: aci, ents: func(b *box) []ent {
			return []ent{dir("rootfs"), reg("rootfs/f", "f"), hardlink("rootfs/l", "rootfs/f")}
		}, check: func(t *testing.T, b *box) {
			if lstat(t, b.path("f")).Ino != lstat(t, b.path("l")).Ino {
				t.Error("l is not a hardlink of f")
			}
		}},
		{name: "replaces-symlink-to-secret", ents: func(b *box) []ent {
			return []ent{reg("f", "f"), symlink("l", b.secret), hardlink("l", "f")}
		}, check: func(t *testing.T, b *box) {
			if readFile(t, b.path("l")) != "f" || lstat(t, b.path("l")).Nlink != 2 {
				t.Error("l is not a second name of f")
			}
		}},
		{name: "target-inside-replaced-dir", err: extract.ErrHardlink, ents: func(b *box) []ent {
			return []ent{dir("d"), reg("d/f", "f"), hardlink("d", "d/f")}
		}},
		{name: "rewrite-keeps-other-name", ents: func(b *box) []ent {
			return []ent{reg("f", "old"), hardlink("l", "f"), reg("f", "new")}
		}, check: func(t *testing.T, b *box) {
			if readFile(t, b.path("f")) != "new" || readFile(t, b.path("l")) != "old" {
				t.Error("rewriting f wrote through its other name")
			}
		}},
	}
}

// duplicateCases: appc G5, G6 as the extractor sees them: later wins.
func duplicateCases() []hostile {
	typeIs := func(rel string, typ uint32) func(t *testing.T, b *box) {
		return func(t *testing.T, b *box) {
			if !isType(t, b.path(rel), typ) {
				t.Errorf("%s has the wrong type: %o", rel, lstat(t, b.path(rel)).Mode)
			}
		}
	}
	return []hostile{
		{name: "file-twice", ents: func(*box) []ent { return []ent{reg("a", "one"), reg("./a", "two")} },
			check: func(t *testing.T, b *box) {
				if got := readFile(t, b.path("a")); got != "two" {
					t.Errorf("a = %q, want the later entry", got)
				}
			}},
		{name: "dir-then-file", ents: func(*box) []ent { return []ent{dir("a"), reg("a/x", "x"), reg("a", "f")} },
			check: typeIs("a", unix.S_IFREG)},
		{name: "file-then-dir", ents: func(*box) []ent { return []ent{reg("a", "f"), dir("a/")} },
			check: typeIs("a", unix.S_IFDIR)},
		{name: "dir-twice-merges", ents: func(*box) []ent {
			return []ent{dir("a"), reg("a/x", "x"), dir("a").with(func(h *tar.Header) { h.Mode = 0o711 })}
		}, check: func(t *testing.T, b *box) {
			if readFile(t, b.path("a/x")) != "x" || lstat(t, b.path("a")).Mode&0o7777 != 0o711 {
				t.Error("a second directory entry did not merge with the later mode")
			}
		}},
		{name: "fifo-then-file", ents: func(*box) []ent { return []ent{node("p", tar.TypeFifo, 0, 0), reg("p", "f")} },
			check: typeIs("p", unix.S_IFREG)},
		{name: "file-then-fifo", ents: func(*box) []ent { return []ent{reg("p", "f"), node("p", tar.TypeFifo, 0, 0)} },
			check: typeIs("p", unix.S_IFIFO)},
	}
}

// typeCases: appc G12, G13, G15 and sizes.
func typeCases() []hostile {
	refuse := func(name string, err error, ents ...ent) hostile {
		return hostile{name: name, ents: func(*box) []ent { return ents }, err: err}
	}
	return []hostile{
		refuse("unknown-typeflag", extract.ErrType, ent{hdr: tar.Header{Name: "x", Typeflag: 'X', ModTime: epoch}}),
		refuse("contiguous", extract.ErrType, ent{hdr: tar.Header{Name: "x", Typeflag: tar.TypeCont, ModTime: epoch}}),
		refuse("gnu-sparse", extract.ErrType, ent{hdr: tar.Header{Name: "x", Typeflag: tar.TypeGNUSparse, Format: tar.FormatGNU, ModTime: epoch}}),
		{name: "pax-sparse", err: extract.ErrType, raw: rawTar(
			rawEntry("PaxHeaders/x", tar.TypeXHeader, paxRecords("GNU.sparse.size", "5", "GNU.sparse.numblocks", "1",
				"GNU.sparse.map", "0,5")),
			rawEntry("x", tar.TypeReg, "12345"))},
		refuse("device-number-out-of-range", extract.ErrHeader, node("d", tar.TypeChar, 1<<12, 0)),
		refuse("uid-out-of-range", extract.ErrHeader, reg("f", "").with(func(h *tar.Header) { h.Uid = 1 << 33 })),
		{name: "max-size", ents: func(*box) []ent { return []ent{reg("a", "12345"), reg("b", "123456")} },
			opts: func(o *extract.Options) { o.MaxSize = 10 }, err: extract.ErrTooLarge},
		{name: "huge-declared-size-capped", raw: rawTar(rawHeader("big", tar.TypeReg, 1<<40)),
			opts: func(o *extract.Options) { o.MaxSize = 1 << 30 }, err: extract.ErrTooLarge},
		{name: "huge-declared-size-uncapped", raw: rawTar(rawHeader("big", tar.TypeReg, 1<<40)), err: io.ErrUnexpectedEOF},
		{name: "max-size-exact", ents: func(*box) []ent { return []ent{reg("a", "12345"), reg("b", "12345")} },
			opts: func(o *extract.Options) { o.MaxSize = 10 }},
		{name: "pax-global-header", ents: func(*box) []ent {
			return []ent{{hdr: tar.Header{Name: "pax_global_header", Typeflag: tar.TypeXGlobalHeader,
				PAXRecords: map[string]string{"comment": "x"}}}, reg("a", "a")}
		}, check: func(t *testing.T, b *box) {
			if exists(b.path("pax_global_header")) || readFile(t, b.path("a")) != "a" {
				t.Error("the global header was not skipped")
			}
		}},
		{name: "setuid-setgid-sticky", ents: func(*box) []ent {
			return []ent{
				reg("su", "x").with(func(h *tar.Header) { h.Mode = 0o6755; h.Uid, h.Gid = 1234, 5678 }),
				dir("tmp").with(func(h *tar.Header) { h.Mode = 0o1777 }),
			}
		}, check: func(t *testing.T, b *box) {
			if m := lstat(t, b.path("su")).Mode & 0o7777; m != 0o6755 {
				t.Errorf("su mode %o, want 6755", m)
			}
			if m := lstat(t, b.path("tmp")).Mode & 0o7777; m != 0o1777 {
				t.Errorf("tmp mode %o, want 1777", m)
			}
		}},
		{name: "fifo", ents: func(*box) []ent { return []ent{node("p", tar.TypeFifo, 0, 0)} },
			check: func(t *testing.T, b *box) {
				if !isType(t, b.path("p"), unix.S_IFIFO) {
					t.Error("no fifo")
				}
			}},
	}
}

// rootCases: the root cannot change type, and its metadata stays the
// caller's.
func rootCases() []hostile {
	refuse := func(name string, e ent) hostile {
		return hostile{name: name, ents: func(*box) []ent { return []ent{e} }, err: extract.ErrRoot}
	}
	return []hostile{
		refuse("dot-file", reg(".", "x")),
		refuse("dot-slash-symlink", symlink(".", "/")),
		refuse("dot-hardlink", hardlink("./.", "x")),
		refuse("dot-fifo", node(".", tar.TypeFifo, 0, 0)),
		{name: "aci-rootfs-file", opts: func(o *extract.Options) {
			o.Rename = func(n string) (string, bool) { return strings.TrimPrefix(filepath.Clean(n), "rootfs"), false }
		}, ents: func(*box) []ent { return []ent{reg("rootfs", "x")} }, err: extract.ErrRoot},
		{name: "dot-dir-ignored", ents: func(*box) []ent {
			return []ent{dir("./").with(func(h *tar.Header) { h.Mode = 0o777; h.Uid = 99 }), reg("./a", "a")}
		}, check: func(t *testing.T, b *box) {
			if readFile(t, b.path("a")) != "a" {
				t.Error("a missing")
			}
		}},
	}
}
