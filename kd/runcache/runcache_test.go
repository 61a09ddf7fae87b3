package runcache

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

type trainConfig struct {
	Width int
	Seed  int64
}

func TestGetBuildsOnceAndReloads(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	builds := 0
	build := func(dir string) error {
		builds++
		return os.WriteFile(filepath.Join(dir, "model.bin"), []byte("weights"), 0o644)
	}
	cfg := trainConfig{Width: 8, Seed: 1}
	dir1, hit, err := c.Get("teacher", cfg, build)
	if err != nil || hit {
		t.Fatalf("first Get: hit=%v err=%v, want a build", hit, err)
	}
	dir2, hit, err := c.Get("teacher", cfg, build)
	if err != nil || !hit || dir2 != dir1 {
		t.Fatalf("second Get: dir=%q hit=%v err=%v, want hit on %q", dir2, hit, err, dir1)
	}
	if builds != 1 {
		t.Fatalf("built %d times, want 1", builds)
	}
	if blob, err := os.ReadFile(filepath.Join(dir2, "model.bin")); err != nil || string(blob) != "weights" {
		t.Fatalf("entry content = %q, %v", blob, err)
	}
	// A changed seed is another entry.
	dir3, hit, err := c.Get("teacher", trainConfig{Width: 8, Seed: 2}, build)
	if err != nil || hit || dir3 == dir1 || builds != 2 {
		t.Fatalf("changed config: dir=%q hit=%v builds=%d err=%v", dir3, hit, builds, err)
	}
}

func TestFailedBuildLeavesNothing(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("interrupted")
	cfg := trainConfig{Width: 4}
	_, _, err = c.Get("student", cfg, func(dir string) error {
		_ = os.WriteFile(filepath.Join(dir, "partial"), []byte("x"), 0o644)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap %v", err, boom)
	}
	if c.Has("student", cfg) {
		t.Fatal("failed build left an entry")
	}
	entries, _ := os.ReadDir(c.Dir)
	if len(entries) != 0 {
		t.Fatalf("failed build left files: %v", entries)
	}
}

func TestGetJSON(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	compute := func() (map[string]float64, error) {
		calls++
		return map[string]float64{"dice": 0.875}, nil
	}
	for i := range 2 {
		v, hit, err := GetJSON(c, "eval", trainConfig{Seed: 3}, compute)
		if err != nil || v["dice"] != 0.875 || hit != (i == 1) {
			t.Fatalf("call %d: v=%v hit=%v err=%v", i, v, hit, err)
		}
	}
	if calls != 1 {
		t.Fatalf("computed %d times, want 1", calls)
	}
}

func TestKeyRejectsBadKindAndConfig(t *testing.T) {
	if _, err := Key("../escape", 1); err == nil {
		t.Error("Key accepted a kind with a path separator")
	}
	if _, err := Key("x", func() {}); err == nil {
		t.Error("Key accepted a configuration that cannot be encoded")
	}
	a, _ := Key("x", trainConfig{Width: 1})
	b, _ := Key("x", trainConfig{Width: 1})
	if a != b {
		t.Errorf("Key not deterministic: %q vs %q", a, b)
	}
}

func TestWriteFileAtomicReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	for _, content := range []string{"old", "new"} {
		if err := WriteFileAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if blob, _ := os.ReadFile(path); string(blob) != "new" {
		t.Fatalf("content %q, want new", blob)
	}
	if err := WriteFileAtomic(filepath.Join(path, "no-such-dir", "x"), nil); err == nil {
		t.Fatal("writing under a file succeeded")
	}
}
