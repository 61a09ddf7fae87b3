package notebooks

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gokd/gokd/kernelext/nbexec"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// sizeBudget bounds a committed notebook's file size: its outputs (pictures, viewers) must stay small enough to
// read on GitHub and to keep the repository light.
const sizeBudget = 4 << 20

// cellTimeout bounds any one cell. The longest is notebook 03's ablation (15 student trainings, most of each one's
// time XLA's compilation): 539 s on 2 cores under a load of about 8, 934 s under about 11 (two notebook runs at once).
const cellTimeout = 25 * time.Minute

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

// setupWorkUse is the line of every notebook's set-up cell that joins the GoKD checkout to the cell's workspace:
// the checkout above the notebook's folder (at any depth), else $GOKD_ROOT for a notebook outside it, else a
// message that says to set GOKD_ROOT.
const setupWorkUse = `!*r=$(cd "$GONB_DIR" && go list -m -f '{{if eq .Path "github.com/gokd/gokd"}}{{.Dir}}{{end}}' 2>/dev/null); ` +
	`rm -f go.work && go work init && go work use . "${r:-${GOKD_ROOT:?this notebook is outside the GoKD repository: set GOKD_ROOT to its folder}}"`

// pinnedModules are the third-party modules each set-up cell pins with `go get module@version`, at the version
// go.mod requires: the one source of truth for versions.
var pinnedModules = []string{"github.com/gomlx/gomlx", "github.com/gomlx/compute", "github.com/gomlx/go-xla",
	"github.com/janpfeifer/gonb", "gonum.org/v1/plot"}

// pinPattern matches a `module@version` argument of the set-up cell's go get.
var pinPattern = regexp.MustCompile(`[\w.\-]+(/[\w.\-]+)+@v[\w.\-+]+`)

// goModPins returns pinnedModules at go.mod's versions.
func goModPins(t *testing.T) []module.Version {
	blob, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := modfile.Parse("go.mod", blob, nil)
	if err != nil {
		t.Fatal(err)
	}
	var pins []module.Version
	for _, path := range pinnedModules {
		i := slices.IndexFunc(mod.Require, func(r *modfile.Require) bool { return r.Mod.Path == path })
		if i < 0 {
			t.Fatalf("go.mod does not require %s", path)
		}
		pins = append(pins, mod.Require[i].Mod)
	}
	return pins
}

// TestCommittedNotebooks checks the notebooks as committed, with their saved outputs.
func TestCommittedNotebooks(t *testing.T) {
	pins := goModPins(t)
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
			want := []string{setupWorkUse, "%goworkfix"}
			for _, pin := range pins {
				want = append(want, pin.Path+"@"+pin.Version)
			}
			for _, w := range want {
				if !strings.Contains(setup, w) {
					t.Errorf("%s: the first code cell must contain %q (the set-up cell pins go.mod's versions), it is:\n%s",
						path, w, setup)
				}
			}
			if got := pinPattern.FindAllString(setup, -1); len(got) != len(pins) {
				t.Errorf("%s: the set-up cell pins %q, want exactly go.mod's %v", path, got, pins)
			}
			if result, err := nb.Results(); err != nil || result == nil || len(result.Values)+len(result.Absent) == 0 {
				t.Errorf("%s has no saved GOKD_RESULT line (err=%v): commit it executed", path, err)
			}
			checkResultFields(t, path, nb)
			for _, p := range machinePaths(nb) {
				t.Errorf("%s: an output names the absolute path %q of the machine it ran on: re-execute it with "+
					"gokd-nb (which writes paths relative to the repository), or show the path relative", path, p)
			}
		})
	}
}

// resultFields are the GOKD_RESULT fields a notebook must print, by notebook: the flagship's carry the
// reproduction's statistics and verdict (issue 17).
var resultFields = map[string][]string{
	"04_multi_teacher_adaptive_kd.ipynb": {"seeds", "student_scratch_dice", "student_adaptive_kd_dice",
		"student_single_kd_dice", "student_mean_kd_dice", "gap_ci_low", "gap_ci_high", "p_value", "verdict",
		"teacher_dice", "teacher_params", "student_params", "teacher_ms_per_slice", "student_ms_per_slice", "wall_s",
		"fusion_weights", "student_adaptive_kd_missed_cases", "student_net", "student_rule_met", "converged"},
}

// verdicts are the verdicts stats.Decide computes.
var verdicts = []string{"reproduced", "partial", "not reproduced", "reversed"}

// checkResultFields checks that a notebook's GOKD_RESULT line has the fields resultFields asks of it, numbers
// where numbers are due, a verdict among the four, at least 10 seeds and a confidence interval around its gap.
func checkResultFields(t *testing.T, path string, nb *nbexec.Notebook) {
	t.Helper()
	want := resultFields[filepath.Base(path)]
	if len(want) == 0 {
		return
	}
	fields, err := nb.ResultFields()
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	for _, name := range want {
		if _, ok := fields[name]; !ok {
			t.Errorf("%s: GOKD_RESULT lacks %q", path, name)
		}
	}
	if v, _ := fields["verdict"].(string); !slices.Contains(verdicts, v) {
		t.Errorf("%s: verdict %q, want one of %q", path, fields["verdict"], verdicts)
	}
	if seeds, _ := fields["seeds"].(float64); seeds < 10 {
		t.Errorf("%s: %v seeds, want at least 10", path, fields["seeds"])
	}
	low, _ := fields["gap_ci_low"].(float64)
	high, _ := fields["gap_ci_high"].(float64)
	if !(low <= high) {
		t.Errorf("%s: confidence interval [%v, %v] is empty", path, low, high)
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

// TestExecuteNotebooks executes every notebook headless, fails on any failed cell, and compares each fresh
// GOKD_RESULT with the committed one by `make verify`'s rule (nbexec.Verify, nbexec.Compare): exact, but for
// timings (not compared), the numbers of nbexec.Tolerances, and numbers whose input data is absent here (skipped). A
// committed number that a fresh run does not reproduce — stale outputs, or one edited by hand — fails the test.
// Notebook 04, which reloads the committed protocol runs (results/), is compared like the others.
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
			v, err := nbexec.Verify(context.Background(), path, nbexec.Options{
				OutDir: outDir, CellTimeout: cellTimeout, Env: []string{"GOKD_CACHE=" + cache},
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s executed in %s", path, v.Run.Wall.Round(time.Second))
			checkResultFields(t, path, v.Run.Notebook)
			var table strings.Builder
			_ = v.WriteTable(&table)
			summary := v.Summary(v.Run.Executed)
			if !v.Agrees() {
				t.Errorf("%s\n%s\nThe committed outputs are stale or were edited: re-execute the notebook "+
					"(go run ./cmd/gokd-nb run -out notebooks notebooks/%s, from the repository root) and commit it.", summary,
					table.String(), path)
			} else {
				t.Logf("%s\n%s", summary, table.String())
			}
		})
		if !ok {
			t.Logf("continuing with the next notebooks after %s failed", path)
		}
	}
}
