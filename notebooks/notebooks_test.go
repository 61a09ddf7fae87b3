// Package notebooks holds GoKD's notebooks (the .ipynb files in this folder) and the tests that execute them.
//
// The tests execute every notebook headless on the GoNB kernel, in file-name order (later notebooks reuse the
// models earlier ones trained, through a shared cache), fail on any failed cell — the notebooks' last cells check
// their own results — and check what is committed: no error outputs, a size budget, the set-up cell and a saved
// GOKD_RESULT line.
package notebooks

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gokd/gokd/kernelext/nbexec"
)

// sizeBudget bounds a committed notebook's file size: its outputs (pictures, viewers) must stay small enough to
// read on GitHub and to keep the repository light.
const sizeBudget = 4 << 20

// cellTimeout bounds any one cell; the longest notebook (the flagship) is designed to take under 10 minutes.
const cellTimeout = 15 * time.Minute

func notebookPaths(t *testing.T) []string {
	paths, err := filepath.Glob("*.ipynb")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no notebooks found in %s (%v)", mustGetwd(t), err)
	}
	return paths // Glob sorts by name: 00_, 01_, ...
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// TestCommittedNotebooks checks the notebooks as committed, with their saved outputs.
func TestCommittedNotebooks(t *testing.T) {
	for _, path := range notebookPaths(t) {
		t.Run(strings.TrimSuffix(path, ".ipynb"), func(t *testing.T) {
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Size() > sizeBudget {
				t.Errorf("%s is %.1f MiB, over the %d MiB budget: shrink its pictures or viewers", path,
					float64(info.Size())/(1<<20), sizeBudget>>20)
			}
			nb, err := nbexec.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range nb.Errors() {
				t.Errorf("%s is committed with a failed cell: %v", path, e)
			}
			setup := firstCode(nb)
			for _, want := range []string{`go work use . "${GONB_DIR}/.."`, "%goworkfix", "github.com/gomlx/gomlx@v0.28.3"} {
				if !strings.Contains(setup, want) {
					t.Errorf("%s: the first code cell must contain %q (the set-up cell), it is:\n%s", path, want, setup)
				}
			}
			if values, err := nb.Results(); err != nil || len(values) == 0 {
				t.Errorf("%s has no saved GOKD_RESULT line (err=%v): commit it executed", path, err)
			}
		})
	}
}

func firstCode(nb *nbexec.Notebook) string {
	for _, c := range nb.Cells {
		if c.Type == "code" {
			return string(c.Source)
		}
	}
	return ""
}

// TestExecuteNotebooks executes every notebook headless and fails on any failed cell.
func TestExecuteNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not executing the notebooks")
	}
	if _, err := nbexec.Jupyter(); err != nil {
		t.Skipf("cannot execute notebooks: %v", err)
	}
	if _, err := exec.LookPath("gonb"); err != nil {
		t.Skip("cannot execute notebooks: the GoNB kernel (gonb) is not on PATH: run `make setup` (or `make test`, which does)")
	}
	cache := t.TempDir() // Shared by the notebooks of this run, fresh for every run: nothing stale is reused.
	outDir := t.TempDir()
	for _, path := range notebookPaths(t) {
		ok := t.Run(strings.TrimSuffix(path, ".ipynb"), func(t *testing.T) {
			run, err := nbexec.Execute(context.Background(), path, nbexec.Options{
				OutDir: outDir, CellTimeout: cellTimeout, Env: []string{"GOKD_CACHE=" + cache},
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s executed in %s", path, run.Wall.Round(time.Second))
			values, err := run.Notebook.Results()
			if err != nil || len(values) == 0 {
				t.Fatalf("%s printed no GOKD_RESULT line (err=%v)", path, err)
			}
		})
		if !ok {
			t.Logf("continuing with the next notebooks after %s failed", path)
		}
	}
}
