package shared

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDataDirWalksUpToTheRepository(t *testing.T) {
	root := t.TempDir()
	repo, data := filepath.Join(root, "repo"), filepath.Join(root, "shared", "data", RealCaseName)
	deep := filepath.Join(repo, "a", "b")
	for _, d := range []string{deep, data} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := DataDir(deep)
	if err != nil || got != filepath.Join(root, "shared", "data") {
		t.Fatalf("DataDir = %q, %v", got, err)
	}
	if _, _, err := RealCase(deep); err == nil {
		t.Fatal("RealCase found files that do not exist")
	}
	for _, f := range []string{"Case00.nii.gz", "Case00_segmentation.nii.gz"} {
		if err := os.WriteFile(filepath.Join(data, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if image, _, err := RealCase(deep); err != nil || filepath.Base(image) != "Case00.nii.gz" {
		t.Fatalf("RealCase = %q, %v", image, err)
	}
	if _, err := DataDir(root); err == nil {
		t.Fatal("DataDir outside any repository succeeded")
	}
}

// TestDataDirFromAWorktree finds the data beside a folder above the checkout's parent, as for a worktree in
// workspace/wt/name with the data in workspace/shared/data.
func TestDataDirFromAWorktree(t *testing.T) {
	root := t.TempDir()
	repo, data := filepath.Join(root, "wt", "branch"), filepath.Join(root, "shared", "data")
	for _, d := range []string{repo, data} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := DataDir(repo); err != nil || got != data {
		t.Fatalf("DataDir = %q, %v, want %q", got, err, data)
	}
}
