package extract

import (
	"archive/tar"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// mode is the permission part of a header's mode, with setuid, setgid
// and sticky.
func mode(hdr *tar.Header) uint32 { return uint32(hdr.Mode & 0o7777) }

// checkOwner refuses ids that chown would take for something else: -1
// means "unchanged" and larger values would be truncated.
func checkOwner(hdr *tar.Header) error {
	const maxID = 1<<32 - 2
	if hdr.Uid < 0 || hdr.Uid > maxID || hdr.Gid < 0 || hdr.Gid > maxID {
		return problemf(ErrHeader, "owner %d:%d out of range", hdr.Uid, hdr.Gid)
	}
	return nil
}

// chown restores the numeric owner when privileged. An id the kernel
// cannot map (a user namespace) or will not grant is noted, not fatal.
// Unprivileged, it notes owners other than 0 and the caller's own.
func (x *extractor) chown(hdr *tar.Header, do func() error) error {
	if !x.o.Privileged {
		if hdr.Uid != 0 && hdr.Uid != x.euid || hdr.Gid != 0 && hdr.Gid != x.egid {
			x.warn.owners++
		}
		return nil
	}
	err := do()
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EPERM) {
		x.warn.ownerFailed(hdr, err)
		return nil
	}
	return opError("chown", err)
}

func mtime(hdr *tar.Header) unix.Timespec { return timespec(hdr.ModTime) }

// atime is the header's access time, or its modification time when the
// archive has none, so the result does not depend on when it was extracted.
func atime(hdr *tar.Header) unix.Timespec {
	if hdr.AccessTime.IsZero() {
		return mtime(hdr)
	}
	return timespec(hdr.AccessTime)
}

// timespec converts without UnixNano, which overflows beyond 2262.
func timespec(t time.Time) unix.Timespec {
	return unix.Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
}

// times sets the access and modification times of a name, never through
// a symlink.
func (x *extractor) times(l loc, hdr *tar.Header) error {
	x.ts[0], x.ts[1] = atime(hdr), mtime(hdr)
	return opError("set times", unix.UtimesNanoAt(l.dir, l.name, x.ts[:], unix.AT_SYMLINK_NOFOLLOW))
}

// paxXattr is the PAX record prefix GNU tar, bsdtar and Go use for xattrs.
const paxXattr = "SCHILY.xattr."

func hasXattrs(hdr *tar.Header) bool {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, paxXattr) {
			return true
		}
	}
	return false
}

// xattrs sets the user.* xattrs, and security.capability when privileged
// (appc ACI-4, as rkt restores them), through an open file or directory.
// Others are ignored; failures are noted, as a filesystem may not support
// xattrs at all.
func (x *extractor) xattrs(fd int, hdr *tar.Header) {
	for k, v := range hdr.PAXRecords {
		name, ok := strings.CutPrefix(k, paxXattr)
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(name, "user."):
		case name == "security.capability":
			if !x.o.Privileged {
				x.warn.caps++
				continue
			}
		default:
			x.warn.ignored(hdr, name)
			continue
		}
		if err := unix.Fsetxattr(fd, name, []byte(v), 0); err != nil {
			x.warn.xattrFailed(hdr, name, err)
		}
	}
}

// ignoreXattrs notes the xattrs of a symlink or special file, on which
// Linux allows no user.* xattrs and capabilities mean nothing.
func (x *extractor) ignoreXattrs(hdr *tar.Header) {
	for k := range hdr.PAXRecords {
		if name, ok := strings.CutPrefix(k, paxXattr); ok {
			x.warn.ignored(hdr, name)
		}
	}
}

// dirMeta is what a directory entry sets once the stream has ended.
type dirMeta struct {
	rel          string
	depth        int // slashes in rel
	mode         uint32
	atime, mtime unix.Timespec
}

// finishDirs sets the modes and times of the directories of this stream,
// deepest first, so an unprivileged caller can still reach a directory
// below one that becomes unreadable. The sort is stable: for a path named
// twice, the later entry wins. A path that is no longer a directory was
// replaced by a later entry and is skipped.
func (x *extractor) finishDirs() error {
	slices.SortStableFunc(x.dirs, func(a, b dirMeta) int { return b.depth - a.depth })
	for i := range x.dirs {
		d := &x.dirs[i]
		l, err := x.parent(d.rel, false)
		var p *problem
		if errors.As(err, &p) || errors.Is(err, unix.ENOENT) {
			continue
		}
		if err != nil {
			return &EntryError{Entry: d.rel, Err: err}
		}
		if err := x.finishDir(l, d); err != nil {
			return &EntryError{Entry: d.rel, Err: err}
		}
	}
	x.dirs = x.dirs[:0]
	return nil
}

func (x *extractor) finishDir(l loc, d *dirMeta) error {
	var st unix.Stat_t
	err := unix.Fstatat(l.dir, l.name, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) || err == nil && st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return nil
	}
	if err != nil {
		return opError("stat", err)
	}
	if err := chmodAt(l.dir, l.name, d.mode); err != nil {
		return opError("chmod", err)
	}
	x.ts[0], x.ts[1] = d.atime, d.mtime
	return opError("set times", unix.UtimesNanoAt(l.dir, l.name, x.ts[:], unix.AT_SYMLINK_NOFOLLOW))
}

// warnings counts what was skipped, for one note of each kind per call.
type warnings struct {
	devices, devicesDenied, owners, caps int
	ownersFailed                         int
	firstOwner                           string
	ignoredXattrs                        int
	firstIgnored                         string
	failedXattrs                         int
	firstFailed                          string
}

func (w *warnings) ownerFailed(hdr *tar.Header, err error) {
	if w.ownersFailed++; w.ownersFailed == 1 {
		w.firstOwner = fmt.Sprintf("%q: %d:%d: %v", hdr.Name, hdr.Uid, hdr.Gid, err)
	}
}

func (w *warnings) ignored(hdr *tar.Header, name string) {
	if w.ignoredXattrs++; w.ignoredXattrs == 1 {
		w.firstIgnored = fmt.Sprintf("%q: %q", hdr.Name, name)
	}
}

func (w *warnings) xattrFailed(hdr *tar.Header, name string, err error) {
	if w.failedXattrs++; w.failedXattrs == 1 {
		w.firstFailed = fmt.Sprintf("%q: %s: %v", hdr.Name, name, err)
	}
}

// flush hands each note to warn.
func (w *warnings) flush(warn func(string)) {
	if warn == nil {
		return
	}
	note := func(n int, format string, args ...any) {
		if n > 0 {
			warn(fmt.Sprintf(format, args...))
		}
	}
	note(w.devices, "skipped %s (not root)", count(w.devices, "device node"))
	note(w.devicesDenied, "skipped %s: mknod not permitted", count(w.devicesDenied, "device node"))
	note(w.owners, "did not restore the owner of %s (not root)", count(w.owners, "entry"))
	note(w.ownersFailed, "could not restore the owner of %s (first %s)", count(w.ownersFailed, "entry"), w.firstOwner)
	note(w.caps, "skipped %s (not root)", count(w.caps, "security.capability xattr"))
	note(w.ignoredXattrs, "ignored %s: only user.* and security.capability on files and directories are restored (first %s)",
		count(w.ignoredXattrs, "xattr"), w.firstIgnored)
	note(w.failedXattrs, "could not set %s (first %s)", count(w.failedXattrs, "xattr"), w.firstFailed)
}

// count says "1 entry", "2 entries", "3 device nodes".
func count(n int, noun string) string {
	switch {
	case n == 1:
	case strings.HasSuffix(noun, "y"):
		noun = noun[:len(noun)-1] + "ies"
	default:
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}
