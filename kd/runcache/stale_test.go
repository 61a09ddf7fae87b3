package runcache

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestOpenRemovesStaleBuilds: the build folder of a process that died (an interrupted export) is removed when
// the cache is opened again; before, every interruption left an empty .building-* folder. The folders of live
// builders, and those of older builds without a process id, are kept.
func TestOpenRemovesStaleBuilds(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A process that has exited: its id is free.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot start a process: %v", err)
	}
	dead := filepath.Join(dir, ".building-teacher-0123456789abcdef-"+strconv.Itoa(cmd.Process.Pid)+"-42")
	live := filepath.Join(dir, ".building-teacher-0123456789abcdef-"+strconv.Itoa(os.Getpid())+"-43")
	old := filepath.Join(dir, ".building-teacher-0123456789abcdef-123abc")
	for _, d := range []string{dead, live, old} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A build in progress names its folder with this process's id.
	_, _, err = c.Get("kind", map[string]int{"a": 1}, func(tmp string) error {
		if pid, host, ok := builderPID(filepath.Base(tmp)); !ok || pid != os.Getpid() || host != hostname() {
			t.Errorf("build folder %s does not name this process", tmp)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); err == nil {
		t.Error("the dead builder's folder is left")
	}
	for _, d := range []string{live, old} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s removed: %v", d, err)
		}
	}
}
