package extract

import (
	"errors"
	"fmt"
)

// Sentinels for the entries Extract refuses; errors.Is tells them apart.
var (
	// ErrName: an absolute name, a ".." component, a name too long, or a
	// non-directory named with a trailing slash (appc G1, G2).
	ErrName = errors.New("unsafe entry name")
	// ErrType: GNU sparse files, contiguous files and unknown typeflags
	// (appc G15).
	ErrType = errors.New("unsupported entry type")
	// ErrHeader: a header field out of range (owner, device number) or an
	// empty symlink target.
	ErrHeader = errors.New("invalid header field")
	// ErrRoot: an entry that would make the root something other than a
	// directory.
	ErrRoot = errors.New("entry would change the root's type")
	// ErrParent: a parent path passes through a symlink or a
	// non-directory, which is never followed (appc G9).
	ErrParent = errors.New("parent is not a directory")
	// ErrHardlink: a hardlink whose target is not a regular file already
	// in the tree (appc G10, G11).
	ErrHardlink = errors.New("bad hardlink target")
	// ErrTooLarge: the file contents would exceed Options.MaxSize.
	ErrTooLarge = errors.New("contents exceed the size limit")
)

// EntryError is an error about one archive entry, named as the archive
// names it.
type EntryError struct {
	Entry string
	Err   error
}

func (e *EntryError) Error() string { return fmt.Sprintf("entry %q: %v", e.Entry, e.Err) }

func (e *EntryError) Unwrap() error { return e.Err }

// problem is a refusal: its message stands alone and it matches its
// sentinel with errors.Is.
type problem struct {
	kind error
	msg  string
}

func (p *problem) Error() string { return p.msg }

func (p *problem) Unwrap() error { return p.kind }

func problemf(kind error, format string, args ...any) error {
	return &problem{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// opError names the system call that failed, as in "mkdir: permission
// denied"; it is nil when err is.
func opError(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
