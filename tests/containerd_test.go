package tests

// bundle-validate against the configs a real containerd writes: containerd
// is started by hand (no systemd here) in a private mount namespace, an OCI
// image is imported from an archive built in the test, and `ctr run` goes
// through a runtime wrapper that keeps each bundle's config.json before
// handing over to runc. Every kept config must validate.

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intermodal/intermodal/lib/testenv"
)

func TestBundleValidateOnContainerdConfigs(t *testing.T) {
	bin := binDir(t)
	testenv.Require(t, os.Geteuid() == 0, "containerd needs root")
	containerd := testenv.LookPath(t, "containerd")
	ctr := testenv.LookPath(t, "ctr")
	runc := testenv.LookPath(t, "runc")
	testenv.LookPath(t, "unshare")
	testenv.LookPath(t, "nsenter")

	// Socket paths are limited to ~100 bytes: a short work dir.
	w, err := os.MkdirTemp("/tmp", "ctrd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(w) })
	sock := filepath.Join(w, "c.sock")
	conf := fmt.Sprintf("version = 2\nroot = %q\nstate = %q\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n[grpc]\n  address = %q\n[ttrpc]\n  address = %q\n",
		filepath.Join(w, "root"), filepath.Join(w, "state"), sock, sock+".ttrpc")
	must(t, os.WriteFile(filepath.Join(w, "config.toml"), []byte(conf), 0o644))
	logf, err := os.OpenFile(filepath.Join(w, "containerd.log"), os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	// containerd 1.6 insists on /run/containerd: give it a private /run.
	daemon := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
		fmt.Sprintf("mount -t tmpfs tmpfs /run && exec %s --config %s", containerd, filepath.Join(w, "config.toml")))
	daemon.Stdout, daemon.Stderr = logf, logf
	daemon.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	must(t, daemon.Start())
	t.Cleanup(func() {
		syscall.Kill(-daemon.Process.Pid, syscall.SIGTERM) //nolint:errcheck // the group may be gone
		daemon.Wait()                                      //nolint:errcheck // stopped on purpose
		// shims outlive the daemon; they are ours if they name our work dir
		out, _ := exec.Command("pgrep", "-f", w).Output()
		for _, p := range strings.Fields(string(out)) {
			exec.Command("kill", "-9", p).Run() //nolint:errcheck // best effort
		}
	})
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	ctrRun := func(args ...string) string {
		t.Helper()
		full := append([]string{"-m", "-t", fmt.Sprint(daemon.Process.Pid), ctr, "--address", sock, "-n", "intermodal-test"}, args...)
		out, err := exec.Command("nsenter", full...).CombinedOutput()
		if err != nil {
			log, _ := os.ReadFile(filepath.Join(w, "containerd.log"))
			t.Fatalf("ctr %v: %v\n%s\ncontainerd log:\n%s", args, err, out, log)
		}
		return string(out)
	}

	// A one-layer OCI image holding a static program.
	rootfs := filepath.Join(w, "rootfs")
	must(t, os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755))
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(rootfs, "bin", "hello"), "./demo/hello")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	image := filepath.Join(w, "image.tar")
	writeOCIArchive(t, rootfs, image, "docker.io/intermodal/hello:test")
	ctrRun("images", "import", image)

	// The wrapper keeps config.json of every bundle it is asked to create.
	kept := filepath.Join(w, "kept")
	must(t, os.MkdirAll(kept, 0o755))
	wrapper := filepath.Join(w, "keep-config")
	script := fmt.Sprintf(`#!/bin/sh
prev=
for a in "$@"; do
  if [ "$prev" = --bundle ] || [ "$prev" = -b ]; then cp "$a/config.json" %q/config-$$.json; fi
  prev=$a
done
exec %q "$@"
`, kept, runc)
	must(t, os.WriteFile(wrapper, []byte(script), 0o755))

	out := ctrRun("run", "--rm", "--runc-binary", wrapper, "docker.io/intermodal/hello:test", "c1", "/bin/hello")
	if !strings.Contains(out, "hello from an intermodal image") {
		t.Fatalf("ctr run printed %q", out)
	}
	ctrRun("run", "--rm", "--read-only", "--env", "A=1", "--runc-binary", wrapper, "docker.io/intermodal/hello:test", "c2", "/bin/hello")

	configs, _ := filepath.Glob(filepath.Join(kept, "*.json"))
	if len(configs) < 2 {
		t.Fatalf("kept %d configs from ctr run, want 2", len(configs))
	}
	for _, cfg := range configs {
		data, err := os.ReadFile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(filepath.Join(bin, "bundle-validate"), "-")
		cmd.Stdin = bytes.NewReader(data)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		if err := cmd.Run(); err != nil {
			t.Errorf("bundle-validate on a config ctr run wrote: %v\n%s%s\n%s", err, o.String(), e.String(), data)
		}
		t.Logf("%s: %d bytes, bundle-validate: %q", filepath.Base(cfg), len(data), o.String())
	}
}

// writeOCIArchive writes a one-layer OCI image layout as a tar, the form
// `ctr images import` takes.
func writeOCIArchive(t *testing.T, rootfs, out, ref string) {
	t.Helper()
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	err := filepath.Walk(rootfs, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == rootfs {
			return err
		}
		rel, _ := filepath.Rel(rootfs, p)
		h, err := tar.FileInfoHeader(fi, "")
		if err != nil {
			return err
		}
		h.Name, h.Uid, h.Gid, h.Uname, h.Gname = rel, 0, 0, "", ""
		if fi.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			_, err = tw.Write(data)
			return err
		}
		return nil
	})
	must(t, err)
	must(t, tw.Close())

	blobs := map[string][]byte{}
	put := func(b []byte) (string, int) {
		sum := sha256.Sum256(b)
		d := hex.EncodeToString(sum[:])
		blobs[d] = b
		return d, len(b)
	}
	ld, ls := put(layer.Bytes())
	cd, cs := put(fmt.Appendf(nil, `{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/bin/hello"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}`, ld))
	md, ms := put(fmt.Appendf(nil, `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}`, cd, cs, ld, ls))
	index := fmt.Appendf(nil, `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":%q}}]}`, md, ms, ref)

	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ow := tar.NewWriter(f)
	file := func(name string, data []byte) {
		must(t, ow.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}))
		_, err := ow.Write(data)
		must(t, err)
	}
	file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	file("index.json", index)
	for d, b := range blobs {
		file("blobs/sha256/"+d, b)
	}
	must(t, ow.Close())
}
