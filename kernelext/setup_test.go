package kernelext

import (
	"strings"
	"testing"

	"github.com/gokd/gokd/backend"
)

func TestEnvironmentCard(t *testing.T) {
	t.Setenv(backend.EnvBackend, "")
	b, err := backend.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	info := Environment(b)
	if info.CPUCores < 1 || len(info.Devices) < 1 || info.GoKDVersion == "" {
		t.Fatalf("incomplete environment: %+v", info)
	}
	text, html := info.Text(), info.HTML()
	for _, want := range []string{"GoKD", info.GoVersion, info.Backend, "CPU cores", "Memory"} {
		if !strings.Contains(text, want) || !strings.Contains(html, want) {
			t.Errorf("card lacks %q:\n%s\n%s", want, text, html)
		}
	}
}

func TestSetupWithMissingPluginFails(t *testing.T) {
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir())
	if p, _ := backend.FindPlugin("cuda"); p != "" {
		t.Skipf("a CUDA plugin is installed (%s)", p)
	}
	t.Setenv(backend.EnvBackend, "xla:cuda")
	if _, err := Setup(); err == nil || !strings.Contains(err.Error(), "PJRT_PLUGIN_LIBRARY_PATH") {
		t.Fatalf("Setup with xla:cuda and no plugin: err = %v, want the clear message", err)
	}
}

func TestChecks(t *testing.T) {
	c := NewChecks().AtLeast("dice", 0.9, 0.85).AtMost("latency", 12, 10).That("flag", true, "set")
	if c.Failed() != 1 {
		t.Fatalf("Failed() = %d, want 1", c.Failed())
	}
	text := c.Text()
	if !strings.Contains(text, "[FAIL] latency: 12 ≤ 10") || !strings.Contains(text, "2 of 3 checks passed") {
		t.Fatalf("unexpected report:\n%s", text)
	}
}

func TestCacheDir(t *testing.T) {
	t.Setenv(EnvCacheDir, "")
	t.Setenv("GONB_DIR", "/notebooks")
	if got := CacheDir(); got != "/notebooks/.gokd-cache" {
		t.Errorf("CacheDir() in a notebook = %q", got)
	}
	t.Setenv(EnvCacheDir, "/tmp/c")
	if got := CacheDir(); got != "/tmp/c" {
		t.Errorf("CacheDir() with %s set = %q", EnvCacheDir, got)
	}
}
