package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

const passwd = `# comment
root:x:0:0:root:/root:/bin/sh
+nis

daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
broken:x:notanumber:1::/:/bin/sh
short:x:5
app:x:1000:1001:App:/home/app:/bin/sh
big:x:4294967295:1::/:/bin/sh
`

const group = `root:x:0:
daemon:x:1:
app:x:1001:app
staff:x:50:app,daemon
`

func TestIDs(t *testing.T) {
	r := testRoot(t, map[string]string{"etc/passwd": passwd, "etc/group": group, "srv/owned": "x"})
	x := ids{root: r}
	for _, tc := range []struct {
		user, group      string
		uid, gid         uint32
		home, name, fail string
	}{
		{user: "0", group: "0", uid: 0, gid: 0, home: "/root", name: "root"},
		{user: "app", group: "app", uid: 1000, gid: 1001, home: "/home/app", name: "app"},
		{user: "daemon", group: "staff", uid: 1, gid: 50, home: "/usr/sbin", name: "daemon"},
		{user: "4242", group: "4343", uid: 4242, gid: 4343}, // numbers need no entry
		{user: "/srv/owned", group: "/srv/owned", uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())},
		{user: "nobody", group: "0", fail: "not in /etc/passwd"},
		{user: "0", group: "nogroup", fail: "not in /etc/group"},
		{user: "broken", group: "0", fail: "line 6: bad id"},
		{user: "short", group: "0", fail: "line 7: 3 fields"},
		{user: "big", group: "0", fail: "bad id"},
		{user: "/no/such/file", group: "0", fail: "no such file"},
		{user: "4294967295", group: "0", fail: "not in /etc/passwd"}, // (uid_t)-1 is no number
	} {
		t.Run(tc.user+":"+tc.group, func(t *testing.T) {
			uid, acct, err := x.user(tc.user)
			gid, gerr := x.group(tc.group)
			if err == nil {
				err = gerr
			}
			if tc.fail != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fail) {
					t.Fatalf("err = %v, want %q", err, tc.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if uid != tc.uid || gid != tc.gid {
				t.Fatalf("uid:gid = %d:%d, want %d:%d", uid, gid, tc.uid, tc.gid)
			}
			if tc.name != "" && (acct == nil || acct.name != tc.name || acct.home != tc.home) {
				t.Fatalf("account = %+v, want %s %s", acct, tc.name, tc.home)
			}
		})
	}
}

// The image's passwd is looked up inside its rootfs only: a symlink to the
// host's files, absolute or climbing with .., resolves inside the rootfs.
func TestIDsNeverLeaveTheRootfs(t *testing.T) {
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "passwd"), []byte("evil:x:0:0::/:/bin/sh\n"), 0o644))
	for _, link := range []string{filepath.Join(outside, "passwd"), "../../../../../../../.." + filepath.Join(outside, "passwd")} {
		r := testRoot(t, map[string]string{"etc/passwd": "->" + link})
		_, _, err := ids{root: r}.user("evil")
		if err == nil {
			t.Fatalf("passwd -> %s: the host's file was read", link)
		}
		if !errors.Is(err, ErrNoUser) {
			t.Fatalf("passwd -> %s: err = %v, want ErrNoUser", link, err)
		}
	}
	// A FIFO or a device in place of the file is refused, not read.
	r := testRoot(t, nil)
	must(t, os.MkdirAll(filepath.Join(r.real, "etc"), 0o755))
	must(t, unix.Mkfifo(filepath.Join(r.real, "etc/passwd"), 0o644))
	if _, _, err := (ids{root: r}).user("x"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a FIFO as /etc/passwd: err = %v", err)
	}
}

func TestAccountFileBounds(t *testing.T) {
	long := strings.Repeat("a", maxAccountLine+1) + ":x:1:1::/:/bin/sh\napp:x:2:2::/:/bin/sh\n"
	r := testRoot(t, map[string]string{"etc/passwd": long})
	if _, _, err := (ids{root: r}).user("app"); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("a line over the limit: err = %v", err)
	}
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
	f, err := os.OpenFile(filepath.Join(dir, "etc/passwd"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	must(t, err)
	must(t, f.Truncate(maxAccountFile+1))
	f.Close()
	r2, err := openRoot(dir)
	must(t, err)
	defer r2.close()
	if _, _, err := (ids{root: r2}).user("app"); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("a file over the limit: err = %v", err)
	}
}

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		s  string
		ok bool
	}{{"0", true}, {"65534", true}, {"4294967294", true}, {"4294967295", false}, {"4294967296", false},
		{"-1", false}, {"", false}, {"1e3", false}, {"\t1", false}, {"+1", false}, {"00000000001", false}} {
		if _, got := parseID(tc.s); got != tc.ok {
			t.Errorf("parseID(%q) ok = %v, want %v", tc.s, got, tc.ok)
		}
	}
}
