package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestStaticBinary builds gokd with CGO_ENABLED=0 and checks with `file` that it is statically linked, that it
// runs (its usage), and that it also builds for linux/arm64 (and linux/amd64): the one-file deployment of `gokd segment`.
func TestStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: building gokd twice takes a minute")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot build the binary")
	}
	dir := t.TempDir()
	build := func(goos, goarch, out string) {
		t.Helper()
		cmd := exec.Command(goCmd, "build", "-trimpath", "-o", out, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
		if output, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("CGO_ENABLED=0 GOOS=%s GOARCH=%s go build: %v\n%s", goos, goarch, err, output)
		}
		info, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s/%s binary: %.1f MB", goos, goarch, float64(info.Size())/1e6)
	}
	native := filepath.Join(dir, "gokd")
	build(runtime.GOOS, runtime.GOARCH, native)
	if runtime.GOOS != "linux" || runtime.GOARCH != "arm64" {
		build("linux", "arm64", filepath.Join(dir, "gokd-arm64"))
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		build("linux", "amd64", filepath.Join(dir, "gokd-amd64"))
	}

	fileCmd, err := exec.LookPath("file")
	if err != nil {
		t.Skip("the file command is missing (apt-get install file): built, but linkage not checked")
	}
	out, err := exec.Command(fileCmd, native).CombinedOutput()
	if err != nil {
		t.Fatalf("file %s: %v\n%s", native, err, out)
	}
	if !strings.Contains(string(out), "statically linked") {
		t.Errorf("CGO_ENABLED=0 binary is not static: %s", out)
	}
	usage, _ := exec.Command(native, "segment", "-h").CombinedOutput()
	if !strings.Contains(string(usage), "gokd segment -model") {
		t.Errorf("the static binary's `segment -h` printed %q", usage)
	}
}
