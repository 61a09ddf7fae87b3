package kernelext

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRootFromAnyFolder checks that a notebook finds the checkout from any depth below it, and through
// $GOKD_ROOT from a folder outside it.
func TestRootFromAnyFolder(t *testing.T) {
	repo := t.TempDir()
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module "+ModulePath+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(repo, "notebooks", "sub", "deeper")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, gonbDir, env, want string
	}{
		{"notebooks", filepath.Join(repo, "notebooks"), "", repo},
		{"subfolder", deep, "", repo},
		{"inside wins over GOKD_ROOT", deep, "/elsewhere", repo},
		{"outside, own module", other, repo, repo},
		{"outside, no GOKD_ROOT", other, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(other)
			t.Setenv("GONB_DIR", c.gonbDir)
			t.Setenv(EnvRoot, c.env)
			if got := Root(); got != c.want {
				t.Errorf("Root() = %q, want %q", got, c.want)
			}
		})
	}
	t.Setenv("GONB_DIR", deep)
	t.Setenv(EnvRoot, "")
	if got, want := repoPath("results", "x"), filepath.Join(repo, "results", "x"); got != want {
		t.Errorf("repoPath = %q, want %q", got, want)
	}
}
