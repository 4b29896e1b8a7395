package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Bounds on the image's account files (appc G37, appc/spec#340): real
// ones are a few KiB; anything past these is refused, not parsed.
const (
	maxAccountFile = 4 << 20
	maxAccountLine = 64 << 10
)

// ErrNoUser is wrapped when an app's user or group cannot be resolved.
var ErrNoUser = errors.New("no such user or group in the image")

// account is one line of /etc/passwd or /etc/group that matters here.
type account struct {
	name string
	id   uint32
	gid  uint32 // passwd only
	home string // passwd only
}

// ids resolves an app's user or group as appc ACE-2 says: a number is
// taken as it is, "/path" is the owner (or group) of that file inside the
// rootfs, anything else a name in the image's own /etc/passwd (or
// /etc/group).
type ids struct {
	root *root
}

// user resolves app.user to a uid, with the passwd entry when there is one.
func (x ids) user(spec string) (uint32, *account, error) {
	return x.resolve(spec, "/etc/passwd", true)
}

// group resolves app.group to a gid.
func (x ids) group(spec string) (uint32, error) {
	id, _, err := x.resolve(spec, "/etc/group", false)
	return id, err
}

func (x ids) resolve(spec, file string, user bool) (uint32, *account, error) {
	if n, ok := parseID(spec); ok {
		a, _ := x.byID(file, n, user) // only for HOME and USER: best effort
		return n, a, nil
	}
	if strings.HasPrefix(spec, "/") {
		n, err := x.owner(spec, user)
		return n, nil, err
	}
	a, err := x.byName(file, spec, user)
	if err != nil {
		return 0, nil, err
	}
	return a.id, a, nil
}

// owner is the uid (or gid) of a file inside the rootfs.
func (x ids) owner(p string, user bool) (uint32, error) {
	st, err := x.root.stat(p)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", p, err)
	}
	if user {
		return st.Uid, nil
	}
	return st.Gid, nil
}

func (x ids) byName(file, name string, user bool) (*account, error) {
	return x.find(file, user, lookup{name: name}, name)
}

func (x ids) byID(file string, id uint32, user bool) (*account, error) {
	return x.find(file, user, lookup{id: id, byID: true}, strconv.FormatUint(uint64(id), 10))
}

// lookup is what an account is searched by.
type lookup struct {
	name string
	id   uint32
	byID bool
}

func (l lookup) match(a *account) bool {
	if l.byID {
		return a.id == l.id
	}
	return a.name == l.name
}

func (x ids) find(file string, user bool, match lookup, what string) (*account, error) {
	data, err := x.root.readFile(file, maxAccountFile)
	if errors.Is(err, unix.ENOENT) {
		return nil, fmt.Errorf("%q: %w (the image has no %s)", what, ErrNoUser, file)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	a, err := scanAccounts(data, user, match)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if a == nil {
		return nil, fmt.Errorf("%q: %w (not in %s)", what, ErrNoUser, file)
	}
	return a, nil
}

// scanAccounts returns the first entry that matches. Comments, blank
// lines and NIS "+"/"-" lines are skipped; a malformed line is skipped
// too unless it bears the name asked for, which is then an error, so a
// broken entry never resolves to a guess.
func scanAccounts(data []byte, user bool, match lookup) (*account, error) {
	for n := 1; len(data) > 0; n++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		if len(line) > maxAccountLine {
			return nil, fmt.Errorf("line %d: longer than %d bytes", n, maxAccountLine)
		}
		if skipLine(line) {
			continue
		}
		a, err := parseAccount(string(line), user)
		if err != nil {
			if !match.byID && a.name == match.name {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			continue
		}
		if match.match(a) {
			return a, nil
		}
	}
	return nil, nil
}

func skipLine(line []byte) bool {
	t := bytes.TrimSpace(line)
	return len(t) == 0 || t[0] == '#' || t[0] == '+' || t[0] == '-'
}

// parseAccount reads "name:pw:uid:gid:gecos:home:shell" (passwd) or
// "name:pw:gid:members" (group). On error the name is still returned.
func parseAccount(line string, user bool) (*account, error) {
	f := strings.Split(line, ":")
	want := 4
	if user {
		want = 7
	}
	a := &account{name: f[0]}
	if len(f) != want {
		return a, fmt.Errorf("%d fields, want %d", len(f), want)
	}
	if a.name == "" {
		return a, errors.New("empty name")
	}
	id, ok := parseID(f[2])
	if !ok {
		return a, fmt.Errorf("bad id %q", f[2])
	}
	a.id = id
	if !user {
		return a, nil
	}
	if a.gid, ok = parseID(f[3]); !ok {
		return a, fmt.Errorf("bad gid %q", f[3])
	}
	a.home = f[5]
	return a, nil
}

// parseID accepts a decimal id below 2^32-1; that last value is (uid_t)-1,
// which means "no change" to set*id and is never a real id.
func parseID(s string) (uint32, bool) {
	if s == "" || len(s) > 10 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 1<<32-1 {
		return 0, false
	}
	return uint32(n), true
}

// isNotExist reports a lookup that found nothing, whichever layer said so.
func isNotExist(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, fs.ErrNotExist)
}
