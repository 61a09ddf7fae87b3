package runcache

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestGetLocksPerKey: workers asking at once for the same entry build it once; the others wait and get the
// builder's entry as a hit. Without the lock every worker built it, and all but one failed to publish.
func TestGetLocksPerKey(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var builds, hits atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			_, hit, err := c.Get("teacher", trainConfig{Width: 2}, func(dir string) error {
				builds.Add(1)
				time.Sleep(300 * time.Millisecond) // Long enough for the others to find the lock.
				return os.WriteFile(filepath.Join(dir, "model.bin"), []byte("w"), 0o644)
			})
			if hit {
				hits.Add(1)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if builds.Load() != 1 || hits.Load() != 3 {
		t.Fatalf("%d builds and %d hits, want 1 build and 3 hits", builds.Load(), hits.Load())
	}
	assertOnlyEntries(t, c.Dir, 1)
}

// TestGetTakesOverStaleLocks: a lock whose holder is gone — a process of this host that exited, a host whose lock
// went untouched past the stale delay — is taken over, with the dead holder's build folder; a live one is waited
// for until its holder releases it.
func TestGetTakesOverStaleLocks(t *testing.T) {
	exited := exec.Command("true")
	if err := exited.Run(); err != nil {
		t.Skipf("cannot start a process: %v", err)
	}
	const stale = 400 * time.Millisecond
	tests := []struct {
		name     string
		holder   LockInfo
		age      time.Duration // Since the holder last touched its lock.
		release  time.Duration // When > 0, the live holder releases its lock after this long.
		wantWait time.Duration // At least this long before the build.
	}{
		{name: "dead process of this host", holder: LockInfo{Host: hostname(), PID: exited.Process.Pid}},
		{name: "silent other host", holder: LockInfo{Host: "gone-node", PID: 1234}, age: time.Hour},
		{name: "other host within its delay", holder: LockInfo{Host: "busy-node", PID: 1234}, wantWait: stale / 2},
		{name: "live process of this host", holder: LockInfo{Host: hostname(), PID: os.Getpid()},
			release: 600 * time.Millisecond, wantWait: 600 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			c.WithLockTiming(50*time.Millisecond, stale)
			cfg := trainConfig{Width: 3}
			key, _ := Key("teacher", cfg)
			tt.holder.Token = "holder"
			blob, _ := json.Marshal(tt.holder)
			lockFile := c.lockPath(key)
			if err := os.WriteFile(lockFile, blob, 0o644); err != nil {
				t.Fatal(err)
			}
			then := time.Now().Add(-tt.age)
			if err := os.Chtimes(lockFile, then, then); err != nil {
				t.Fatal(err)
			}
			left := filepath.Join(c.Dir, buildPatternOf(key, tt.holder.Host, tt.holder.PID)+"7")
			if err := os.Mkdir(left, 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.release > 0 {
				time.AfterFunc(tt.release, func() { _ = os.Remove(lockFile) })
			}
			start := time.Now()
			var waited time.Duration
			_, hit, err := c.Get("teacher", cfg, func(string) error { waited = time.Since(start); return nil })
			if err != nil || hit {
				t.Fatalf("Get: hit %v, err %v; want a build", hit, err)
			}
			if waited < tt.wantWait {
				t.Errorf("built after %v, want at least %v", waited, tt.wantWait)
			}
			if tt.wantWait == 0 && waited > stale/2 {
				t.Errorf("built after %v: the stale lock was not taken over at once", waited)
			}
			if _, err := os.Stat(lockFile); err == nil {
				t.Error("the lock file is left after the build")
			}
			if _, err := os.Stat(left); err == nil && tt.release == 0 && tt.holder.Host != "busy-node" {
				t.Error("the dead holder's build folder is left")
			}
		})
	}
}

// TestFailedBuildReleasesLock: after a failed build the next worker builds at once.
func TestFailedBuildReleasesLock(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := trainConfig{Width: 5}
	if _, _, err := c.Get("x", cfg, func(string) error { return os.ErrInvalid }); err == nil {
		t.Fatal("failed build returned no error")
	}
	if _, held := c.Holder("x", cfg); held {
		t.Fatal("a failed build left its lock")
	}
	if _, hit, err := c.Get("x", cfg, func(string) error { return nil }); err != nil || hit {
		t.Fatalf("second Get: hit %v, err %v", hit, err)
	}
}

// assertOnlyEntries checks that dir holds exactly n entries and nothing else: no lock, no build folder.
func assertOnlyEntries(t *testing.T, dir string, n int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("cache holds %v, want %d entries only", names, n)
	}
}
