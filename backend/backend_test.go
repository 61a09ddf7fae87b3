package backend

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultIsGoBackend(t *testing.T) {
	t.Setenv(EnvBackend, "")
	if got := Config(); got != Default {
		t.Fatalf("Config() = %q with %s empty, want %q", got, EnvBackend, Default)
	}
	b, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if !strings.HasPrefix(strings.ToLower(b.Name()), "go") || b.NumDevices() < 1 {
		t.Fatalf("backend %q with %d devices, want the Go backend", b.Name(), b.NumDevices())
	}
}

func TestMissingCUDAPluginIsAClearError(t *testing.T) {
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir()) // An empty folder: no plugin anywhere we look first.
	if path, _ := FindPlugin("cuda"); path != "" {
		t.Skipf("a CUDA PJRT plugin is installed at %s: this test needs a machine without one", path)
	}
	t.Setenv(EnvBackend, "xla:cuda")
	b, err := FromEnv()
	if err == nil {
		b.Finalize()
		t.Fatal("xla:cuda without a plugin succeeded")
	}
	var missing *PluginMissingError
	if !errors.As(err, &missing) {
		t.Fatalf("error %T %v, want *PluginMissingError", err, err)
	}
	for _, want := range []string{"jax-cuda13-pjrt", "PJRT_PLUGIN_LIBRARY_PATH", "GOMLX_BACKEND=go", "never downloads"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error message lacks %q:\n%s", want, err)
		}
	}
	if os.Getenv("GOMLX_NO_AUTO_INSTALL") == "" {
		t.Error("GOMLX_NO_AUTO_INSTALL is not set: go-xla could try to download plugins")
	}
}

func TestUnknownBackendIsAnError(t *testing.T) {
	_, err := New("tensorflow")
	if err == nil || !strings.Contains(err.Error(), "not known") {
		t.Fatalf("New(tensorflow) error = %v, want 'not known'", err)
	}
}

func TestFindPluginInConfiguredFolder(t *testing.T) {
	dir := t.TempDir()
	want := filepath.Join(dir, "xla_cuda_plugin.so") // jax's file name
	if err := os.WriteFile(want, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", "/nonexistent:"+dir)
	got, searched := FindPlugin("cuda")
	if got != want {
		t.Fatalf("FindPlugin(cuda) = %q (searched %v), want %q", got, searched, want)
	}
	if isStandardPluginPath(got, "cuda") {
		t.Error("jax's file name must be passed to go-xla as an absolute path")
	}
}

func TestResolveNamesJaxPluginByPath(t *testing.T) {
	dir := t.TempDir()
	plugin := filepath.Join(dir, "xla_cuda_plugin.so")
	if err := os.WriteFile(plugin, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir)
	got, err := Resolve(" xla:cuda,preallocate=false ")
	if want := "xla:" + plugin + ",preallocate=false"; err != nil || got != want {
		t.Fatalf("Resolve(xla:cuda,...) = %q, %v; want %q", got, err, want)
	}
	if got, err := Resolve(""); err != nil || got != Default {
		t.Fatalf("Resolve(\"\") = %q, %v; want %q", got, err, Default)
	}
}
