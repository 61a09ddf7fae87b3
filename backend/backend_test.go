package backend

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With $GOMLX_BACKEND unset, the backend is XLA's CPU compiler when its plugin is installed, else the Go backend;
// either way it is created and runs.
func TestDefaultBackendFollowsThePlugin(t *testing.T) {
	t.Setenv(EnvBackend, "")
	plugin, _ := FindPlugin("cpu")
	config, why := Choose()
	want := Go
	if plugin != "" && xlaLinked {
		want = XLACPU
	}
	if config != want || why == "" {
		t.Fatalf("Choose() = %q (%s) with the CPU plugin at %q, want %q", config, why, plugin, want)
	}
	b, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if b.NumDevices() < 1 {
		t.Fatalf("backend %q has no device", b.Name())
	}
	if wantName := map[string]string{Go: "go", XLACPU: "xla"}[want]; !strings.HasPrefix(strings.ToLower(b.Name()), wantName) {
		t.Fatalf("backend %q, want %s", b.Name(), want)
	}
}

// Without the CPU plugin anywhere, the default falls back to the Go backend, and says why.
func TestDefaultWithoutPluginIsGo(t *testing.T) {
	t.Setenv(EnvBackend, "")
	t.Chdir(t.TempDir()) // Out of the checkout: no .pjrt folder above.
	t.Setenv(PluginPathEnv, t.TempDir())
	if path, _ := FindPlugin("cpu"); path != "" {
		t.Skipf("a CPU PJRT plugin is installed system-wide at %s", path)
	}
	if config, why := Choose(); config != Go || !strings.Contains(why, "not installed") && xlaLinked {
		t.Fatalf("Choose() = %q (%s), want %q because the plugin is not installed", config, why, Go)
	}
}

// The project's plugin folder is found from a sub-folder of the checkout, as from a package's test or a notebook.
func TestFindPluginInProjectFolder(t *testing.T) {
	root := t.TempDir()
	want := filepath.Join(root, ProjectPluginDir, "pjrt_c_api_cpu_plugin.so")
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "notebooks", "deeper")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	t.Setenv(PluginPathEnv, "")
	if got, searched := FindPlugin("cpu"); got != want {
		t.Fatalf("FindPlugin(cpu) = %q (searched %v), want %q", got, searched, want)
	}
}

// requireXLA skips tests of XLA plugins in a binary built without cgo, which cannot load them.
func requireXLA(t *testing.T) {
	t.Helper()
	if !xlaLinked {
		t.Skip("built without cgo (CGO_ENABLED=0): no XLA backend to test")
	}
}

// A binary built without cgo refuses XLA with a message that says why, rather than "not known".
func TestXLAWithoutCgoIsAClearError(t *testing.T) {
	if xlaLinked {
		t.Skip("built with cgo: XLA is available (run this test with CGO_ENABLED=0)")
	}
	_, err := New("xla:cpu")
	if err == nil || !strings.Contains(err.Error(), "without cgo") {
		t.Fatalf("New(xla:cpu) without cgo: error %v, want one that names cgo", err)
	}
}

func TestMissingCUDAPluginIsAClearError(t *testing.T) {
	requireXLA(t)
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
}

func TestResolveNamesJaxPluginByPath(t *testing.T) {
	requireXLA(t)
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
