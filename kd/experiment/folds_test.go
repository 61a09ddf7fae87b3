package experiment

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestRunFolds cross-validates tinyConfig over 2 folds of its 8 cases, 2 seeds: every case is tested exactly once
// (the pooled models hold every case, each fold's its own), the comparison pools both folds, the fold table has a
// row per fold, and a second run reloads every model, reload-only.
func TestRunFolds(t *testing.T) {
	c := tinyConfig()
	c.Data.Folds, c.Data.TestFraction = 2, 0
	c.Seeds = []int64{1, 2}
	backend, cache := goBackend(t), t.TempDir()
	open := func(reloadOnly bool) func(Config) (*Runner, error) {
		return func(c Config) (*Runner, error) {
			r, err := New(backend, c, cache)
			if err == nil {
				r.ReloadOnly = reloadOnly
			}
			return r, err
		}
	}
	cv, err := RunFolds(c, open(false))
	if err != nil {
		t.Fatal(err)
	}
	if len(cv.Folds) != 2 || cv.Comparison.Folds != 2 || cv.Comparison.Cases != 8 || cv.Comparison.Seeds != 2 {
		t.Fatalf("%d folds, comparison over %d folds, %d cases, %d seeds; want 2, 2, 8, 2", len(cv.Folds),
			cv.Comparison.Folds, cv.Comparison.Cases, cv.Comparison.Seeds)
	}
	a, b := slices.Collect(maps.Keys(cv.Folds[0].Teacher.CaseDice)), slices.Collect(maps.Keys(cv.Folds[1].Teacher.CaseDice))
	for _, k := range a {
		if slices.Contains(b, k) {
			t.Errorf("case %s is tested in both folds", k)
		}
	}
	if len(a)+len(b) != 8 {
		t.Errorf("folds test %d and %d cases, want 8 in all", len(a), len(b))
	}
	names := map[string]bool{}
	for _, e := range cv.Pooled {
		names[e.Name] = true
		if len(e.CaseDice) != 8 {
			t.Errorf("pooled %s holds %d cases, want 8", e.Name, len(e.CaseDice))
		}
	}
	for _, kind := range c.Kinds() {
		if !names[string(kind)] {
			t.Errorf("no pooled %s among %v", kind, names)
		}
	}
	if rows := cv.FoldTable().Rows; len(rows) != 2 || rows[1][1] != "4" {
		t.Errorf("fold table rows %v, want 2 folds of 4 test cases", rows)
	}
	var titles []string
	for _, s := range cv.Report() {
		titles = append(titles, s.Title)
	}
	if report := strings.Join(titles, "\n"); !strings.Contains(report, "Each fold") || !strings.Contains(report, "Paired tests over 8 test cases of 2 folds") {
		t.Errorf("report sections:\n%s", report)
	}
	again, err := RunFolds(c, open(true))
	if err != nil {
		t.Fatalf("reload-only second run: %v", err)
	}
	if again.Comparison.Primary().Gap != cv.Comparison.Primary().Gap {
		t.Errorf("reloaded primary gap %v, first run %v", again.Comparison.Primary().Gap, cv.Comparison.Primary().Gap)
	}
}
