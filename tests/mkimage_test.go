package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

// cmdMkimage makes an image directory with features a packer must keep:
// mkimage DIR [NAME] [xattr] [hardlink] [longname] [devices] [fifo] [empty]
func cmdMkimage(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: mkimage DIR [NAME] [features...]")
	}
	dir := ts.MkAbs(args[0])
	name := "example.com/test"
	feats := args[1:]
	if len(feats) > 0 && strings.Contains(feats[0], "/") {
		name, feats = feats[0], feats[1:]
	}
	rootfs := filepath.Join(dir, "rootfs")
	ts.Check(os.MkdirAll(rootfs, 0o755))
	manifest := fmt.Sprintf(`{"acKind":"ImageManifest","acVersion":"0.8.11","name":%q,"labels":[{"name":"version","value":"1.0"},{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}],"app":{"exec":["/bin/hello"],"user":"0","group":"0"}}`+"\n", name)
	ts.Check(os.WriteFile(filepath.Join(dir, "manifest"), []byte(manifest), 0o644))
	if !has(feats, "empty") {
		basicTree(ts, rootfs)
	}
	for _, f := range feats {
		feature(ts, rootfs, f)
	}
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func basicTree(ts *testscript.TestScript, rootfs string) {
	ts.Check(os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755))
	ts.Check(os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755))
	ts.Check(os.WriteFile(filepath.Join(rootfs, "bin/hello"), []byte("#!/bin/sh\necho hello\n"), 0o755))
	ts.Check(os.WriteFile(filepath.Join(rootfs, "etc/hostname"), []byte("demo\n"), 0o644))
	ts.Check(os.WriteFile(filepath.Join(rootfs, "etc/empty"), nil, 0o600))
	ts.Check(os.Symlink("hello", filepath.Join(rootfs, "bin/sh")))
	ts.Check(os.Symlink("/etc/hostname", filepath.Join(rootfs, "etc/abs-link")))
	ts.Check(unix.Chmod(filepath.Join(rootfs, "bin/hello"), 0o4755)) // os.Chmod has its own setuid bit
}

func feature(ts *testscript.TestScript, rootfs, f string) {
	p := func(s string) string { return filepath.Join(rootfs, s) }
	switch f {
	case "empty":
	case "xattr":
		ts.Check(os.WriteFile(p("xattr-file"), []byte("x"), 0o644))
		if err := unix.Setxattr(p("xattr-file"), "user.intermodal", []byte("kept"), 0); err != nil {
			ts.Fatalf("setxattr: %v (the test filesystem must support user xattrs)", err)
		}
	case "hardlink":
		ts.Check(os.WriteFile(p("linked"), []byte("same inode\n"), 0o644))
		ts.Check(os.Link(p("linked"), p("linked-too")))
	case "longname":
		long := strings.Repeat("d", 90) + "/" + strings.Repeat("f", 120)
		ts.Check(os.MkdirAll(filepath.Dir(p(long)), 0o755))
		ts.Check(os.WriteFile(p(long), []byte("long\n"), 0o644))
	case "devices":
		ts.Check(os.MkdirAll(p("dev"), 0o755))
		ts.Check(unix.Mknod(p("dev/null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
		ts.Check(unix.Mknod(p("dev/loop9"), unix.S_IFBLK|0o660, int(unix.Mkdev(7, 9))))
	case "fifo":
		ts.Check(unix.Mkfifo(p("pipe"), 0o644))
	default:
		ts.Fatalf("mkimage: unknown feature %q", f)
	}
}
