package validate

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"golang.org/x/sys/unix"
)

// The kernel's dev_t holds a 12-bit major and a 20-bit minor number.
const (
	maxMajor = 1<<12 - 1
	maxMinor = 1<<20 - 1
)

// checkDevices: absolute paths, each once; major and minor for every type
// but p, within the kernel's range (minor 0 is a real device: /dev/tty is
// 5:0); no two devices with the same numbers (SHOULD NOT); and a file
// already in the rootfs at a device's path must be that device.
func (c *checker) checkDevices(linux object) {
	paths := map[string]int{}
	numbers := map[string]int{}
	for _, d := range objList(arrAt(linux, "devices")) {
		p := index("linux.devices", d.i)
		t, _ := strAt(d.o, "type")
		if dp, ok := strAt(d.o, "path"); ok && dp != "" {
			c.checkDevicePath(p, dp, paths, d.i)
		}
		maj, min, ok := c.deviceNumbers(p, t, d.o)
		if !ok {
			continue
		}
		id := fmt.Sprintf("%s %d:%d", charOrBlock(t), maj, min)
		if j, dup := numbers[id]; dup {
			c.warn("A-32", p, "same type and numbers (%s) as devices[%d]", id, j)
		} else {
			numbers[id] = d.i
		}
		c.checkExistingNode(p, d.o, t, maj, min)
	}
}

func (c *checker) checkDevicePath(p, dp string, paths map[string]int, i int) {
	if !path.IsAbs(dp) {
		c.err("A-32", p+".path", "%q is not an absolute path", dp)
		return
	}
	clean := path.Clean(dp)
	if _, dup := paths[clean]; dup {
		c.err("A-32", p, "duplicate path %q", dp)
		return
	}
	paths[clean] = i
}

// deviceNumbers reads major and minor for a c, b or u device, reporting
// what is missing or out of range.
func (c *checker) deviceNumbers(p, t string, d object) (maj, min int64, ok bool) {
	if t == "p" {
		maj, _ = intAt(d, "major")
		min, _ = intAt(d, "minor")
		if maj != 0 || min != 0 {
			c.warn("A-32", p, "major and minor are ignored for a FIFO (type p)")
		}
		return 0, 0, false
	}
	if t != "c" && t != "b" && t != "u" {
		return 0, 0, false
	}
	maj, ok1 := c.deviceNumber(p, t, d, "major", maxMajor)
	min, ok2 := c.deviceNumber(p, t, d, "minor", maxMinor)
	return maj, min, ok1 && ok2
}

func (c *checker) deviceNumber(p, t string, d object, name string, max int64) (int64, bool) {
	if _, present := d[name]; !present {
		c.err("A-32", p+"."+name, "required for type %s", t)
		return 0, false
	}
	n, ok := intAt(d, name)
	if ok && (n < 0 || n > max) {
		c.err("A-32", p+"."+name, "%d: the kernel takes 0 to %d", n, max)
		return 0, false
	}
	return n, ok
}

func charOrBlock(t string) string {
	if t == "b" {
		return "b"
	}
	return "c"
}

// checkExistingNode: what the rootfs already holds at the path, unless a
// mount (such as a tmpfs on /dev) hides it.
func (c *checker) checkExistingNode(p string, d object, t string, maj, min int64) {
	dp, _ := strAt(d, "path")
	if c.rootfs == "" || !path.IsAbs(dp) || c.coveredByMount(dp) {
		return
	}
	host, err := inRoot(c.rootfs, dp, false)
	if err != nil {
		return
	}
	var st unix.Stat_t
	if err := unix.Lstat(host, &st); err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, unix.ENOTDIR) {
			c.warn("A-32", p+".path", "%s in the rootfs: %v", dp, err)
		}
		return
	}
	want := uint32(unix.S_IFCHR)
	if t == "b" {
		want = unix.S_IFBLK
	}
	got := st.Mode & unix.S_IFMT
	if got != want || int64(unix.Major(st.Rdev)) != maj || int64(unix.Minor(st.Rdev)) != min {
		c.err("A-32", p+".path", "the rootfs already has %s at %s", describeNode(got, st.Rdev), dp)
	}
}

func describeNode(mode uint32, rdev uint64) string {
	switch mode {
	case unix.S_IFCHR:
		return fmt.Sprintf("character device %d:%d", unix.Major(rdev), unix.Minor(rdev))
	case unix.S_IFBLK:
		return fmt.Sprintf("block device %d:%d", unix.Major(rdev), unix.Minor(rdev))
	case unix.S_IFDIR:
		return "a directory"
	case unix.S_IFLNK:
		return "a symbolic link"
	case unix.S_IFIFO:
		return "a FIFO"
	case unix.S_IFSOCK:
		return "a socket"
	}
	return "a regular file"
}
