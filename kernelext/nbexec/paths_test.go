package nbexec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRelativePaths(t *testing.T) {
	for _, tc := range []struct{ name, root, in, want string }{
		{"plugin in the card", "/work/main", "xla:/work/main/.pjrt/p.so - PJRT plugin (/work/main/.pjrt/p.so)",
			"xla:.pjrt/p.so - PJRT plugin (.pjrt/p.so)"},
		{"the root itself", "/work/main", `local directory "/work/main".`, `local directory ".".`},
		{"beside the root", "/work/main", "case /work/shared/data/c.nii.gz", "case ../shared/data/c.nii.gz"},
		{"sibling with a longer name", "/work/main", "/work/main2/x and /work/mainly", "../main2/x and ../mainly"},
		{"inside another path", "/work/main", "/srv/work/main/x", "/srv/work/main/x"},
		{"root at the top", "/repo", "/repo/.pjrt and /tmp/x", ".pjrt and /tmp/x"},
		{"cache in the notebooks folder", "/work/wt-27", "/work/wt-27/notebooks/.gokd-cache</td>", "notebooks/.gokd-cache</td>"},
		{"filesystem root left alone", "/", "/usr/lib", "/usr/lib"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RelativePaths(tc.in, tc.root); got != tc.want {
				t.Errorf("RelativePaths(%q, %q) = %q, want %q", tc.in, tc.root, got, tc.want)
			}
		})
	}
}

func TestRelativizeNotebook(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"notebooks", "out"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	source := filepath.Join(root, "notebooks", "nb.ipynb")
	executed := filepath.Join(t.TempDir(), "nb.ipynb") // Executed copies may lie outside the repository.
	blob := `{"cells": [{"outputs": [{"text": "cache ` + root + `/notebooks/.gokd-cache"}]}]}`
	if err := os.WriteFile(executed, []byte(blob), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := relativizeNotebook(executed, source); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(executed)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(got), root) || !strings.Contains(string(got), `"cache notebooks/.gokd-cache"`) {
		t.Errorf("executed notebook still names %s or lost its path: %s", root, got)
	}
}
