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

// anywhereNotebook is a user's own small notebook: the quick-start's set-up cell, then a cell that uses kernelext
// (the environment card, the checkout it found) and a slice viewer.
const anywhereNotebook = "testdata/anywhere.ipynb"

// TestAnywhereSetupCell checks that the small notebook's set-up cell is the notebooks' own, word for word: what
// TestNotebooksAnywhere proves of it holds for all of them.
func TestAnywhereSetupCell(t *testing.T) {
	own, err := nbexec.Read(anywhereNotebook)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range notebookPaths(t) {
		nb, err := nbexec.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := firstCode(nb), firstCode(own); got != want {
			t.Errorf("%s's set-up cell differs from %s's:\n%s\nwant\n%s", path, anywhereNotebook, got, want)
		}
	}
}

// TestNotebooksAnywhere executes the small notebook in a subfolder of the repository (notebooks/testdata/) and in
// a folder outside it with $GOKD_ROOT set (as `make lab` and the kernel spec export it); without $GOKD_ROOT see
// TestSetupLineOutsideSaysSetGOKDROOT.
func TestNotebooksAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not executing notebooks")
	}
	if _, err := nbexec.Jupyter(); err != nil {
		t.Skipf("cannot execute notebooks: %v", err)
	}
	if _, err := exec.LookPath("gonb"); err != nil {
		t.Skip("cannot execute notebooks: the GoNB kernel (gonb) is not on PATH: run `make setup`")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	blob, err := os.ReadFile(anywhereNotebook)
	if err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(outside, "mine", filepath.Base(anywhereNotebook))
	if err := os.MkdirAll(filepath.Dir(copied), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copied, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	cache := "GOKD_CACHE=" + t.TempDir()
	for _, c := range []struct {
		name, path string
		env        []string
	}{
		{"subfolder", anywhereNotebook, []string{cache, "GOKD_ROOT="}},
		{"outside", copied, []string{cache, "GOKD_ROOT=" + repo}},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, err := nbexec.Execute(context.Background(), c.path, nbexec.Options{
				OutDir: t.TempDir(), CellTimeout: 10 * time.Minute, Env: c.env})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s executed in %s", c.path, run.Wall.Round(time.Second))
			if out := run.Notebook.Stdout(); !strings.Contains(out, "GoKD checkout: "+filepath.Base(repo)) {
				t.Errorf("the notebook did not find the checkout %s; its output:\n%s", repo, out)
			}
			if !hasHTML(run.Notebook.Cells[len(run.Notebook.Cells)-1]) {
				t.Errorf("the viewer cell shows no HTML: %+v", run.Notebook.Cells[len(run.Notebook.Cells)-1].Outputs)
			}
		})
	}
}

// TestSetupLineOutsideSaysSetGOKDROOT runs the set-up cell's shell line (as GoNB's `!*` does, in bash) for a
// notebook outside the repository without $GOKD_ROOT: it must fail, saying to set GOKD_ROOT.
func TestSetupLineOutsideSaysSetGOKDROOT(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not on PATH")
	}
	cmd := exec.Command("bash", "-c", strings.TrimPrefix(setupWorkUse, "!*"))
	cmd.Dir = t.TempDir() // GoNB's temporary folder, where the cell's go.work goes.
	cmd.Env = append(os.Environ(), "GONB_DIR="+t.TempDir(), "GOKD_ROOT=")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "set GOKD_ROOT") {
		t.Errorf("set-up line outside the repository: err %v, output %q; want a failure saying to set GOKD_ROOT", err, out)
	}
}

// hasHTML reports whether a cell displayed HTML (a viewer).
func hasHTML(c nbexec.Cell) bool {
	for _, o := range c.Outputs {
		if _, ok := o.Data["text/html"]; ok {
			return true
		}
	}
	return false
}
