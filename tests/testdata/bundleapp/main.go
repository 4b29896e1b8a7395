// Command bundleapp is the app of the aci-bundle interoperability tests: a
// static program that reports what the runtime gave it, one "key=value"
// line each, then does what its arguments ask and exits with the status
// asked for.
//
//	bundleapp [write PATH] [mkdir PATH] [read PATH] [exit N]
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	report()
	status := 0
	args := os.Args[1:]
	for len(args) >= 2 {
		op, arg := args[0], args[1]
		args = args[2:]
		switch op {
		case "write":
			result(op, arg, os.WriteFile(arg, []byte("written by bundleapp\n"), 0o644))
		case "mkdir":
			result(op, arg, os.Mkdir(arg, 0o755))
		case "read":
			b, err := os.ReadFile(arg)
			result(op, arg, err)
			if err == nil {
				fmt.Printf("content=%s\n", strings.TrimSpace(string(b)))
			}
		case "exit":
			status, _ = strconv.Atoi(arg)
		}
	}
	os.Exit(status)
}

func report() {
	groups, _ := syscall.Getgroups()
	sort.Ints(groups)
	fmt.Printf("uid=%d\ngid=%d\ngroups=%v\n", syscall.Getuid(), syscall.Getgid(), groups)
	cwd, err := os.Getwd()
	fmt.Printf("cwd=%s %v\n", cwd, err)
	host, _ := os.Hostname()
	fmt.Printf("hostname=%s\n", host)
	fmt.Printf("args=%q\n", os.Args)
	env := os.Environ()
	sort.Strings(env)
	for _, e := range env {
		fmt.Printf("env %s\n", e)
	}
	oom, _ := os.ReadFile("/proc/self/oom_score_adj")
	fmt.Printf("oom_score_adj=%s\n", strings.TrimSpace(string(oom)))
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && (k == "CapEff" || k == "CapBnd" || k == "CapPrm" || k == "NoNewPrivs" || k == "Seccomp") {
			fmt.Printf("%s=%s\n", k, strings.TrimSpace(v))
		}
	}
}

// result prints "OP PATH: ok" or the error's errno name.
func result(op, arg string, err error) {
	if err == nil {
		fmt.Printf("%s %s: ok\n", op, arg)
		return
	}
	var errno syscall.Errno
	if pe, ok := err.(*os.PathError); ok {
		errno, _ = pe.Err.(syscall.Errno)
	}
	fmt.Printf("%s %s: %v (errno %d)\n", op, arg, err, int(errno))
}
