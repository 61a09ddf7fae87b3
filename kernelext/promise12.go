package kernelext

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gokd/gokd/datasets/shared"
	"github.com/gokd/gokd/kd/experiment"
)

// Promise12CacheDir is the committed cache of the real-data protocol's models, relative to the repository.
var Promise12CacheDir = []string{"results", "promise12", "cache"}

// Promise12 reloads the real-data reproduction (the committed configuration experiment.Promise12Protocol:
// PROMISE12's four inferred sites, 3-fold cross-validation) on the team's shared folder from the committed models
// of results/promise12/cache. It trains nothing (the whole run takes hours on 2 CPU cores: `gokd experiment
// -config protocol_promise12 -cache results/promise12/cache` does it). Without the shared folder, or with a model
// missing from the cache, it prints why and returns nil: the notebook then shows nothing of the run.
func Promise12() *experiment.CrossValidation {
	config, ok := promise12Config()
	if !ok {
		return nil
	}
	log := &reloadLog{what: "The real-data run (" + strings.Join(Promise12CacheDir, "/") + ")"}
	cv, err := experiment.RunFolds(config, func(c experiment.Config) (*experiment.Runner, error) {
		r, err := promise12Runner(c)
		if err == nil {
			r.Log = log
		}
		return r, err
	})
	log.flush()
	if errors.Is(err, experiment.ErrNotCached) {
		fmt.Printf("The committed real-data run is incomplete, so it is not shown: %v\n", err)
		return nil
	}
	return Must1(cv, err)
}

// Promise12Fold is the runner of one fold of the real-data reproduction, reload-only (Promise12), for a cell that
// looks at that fold's models: their predictions, their speed. Without the shared folder it prints why and
// returns nil.
func Promise12Fold(fold int) *experiment.Runner {
	config, ok := promise12Config()
	if !ok {
		return nil
	}
	config.Data.Fold = fold
	return Must1(promise12Runner(config))
}

// promise12Config is the real-data reproduction's configuration on the shared folder; false, after saying so,
// when the folder is absent.
func promise12Config() (experiment.Config, bool) {
	dir, err := shared.Promise12(repoPath())
	if err != nil {
		fmt.Printf("Real data absent, so the real-data reproduction is skipped: %v\n", err)
		return experiment.Config{}, false
	}
	config := Must1(experiment.Named(experiment.Promise12Protocol))
	config.Data.Path = dir // Not part of the models' cache keys: the data's fingerprint is.
	return config, true
}

// promise12Runner opens one fold of the real-data reproduction on its committed cache, reload-only.
func promise12Runner(c experiment.Config) (*experiment.Runner, error) {
	r, err := notebookRunner(c, repoPath(Promise12CacheDir...))
	if err != nil {
		return nil, err
	}
	r.ReloadOnly = true
	return r, nil
}

// Promise12Summary holds the real-data reproduction's key numbers, as notebooks 04 and 05 print them in their
// GOKD_RESULT line (`make verify` compares them exactly with the committed ones). Dice is 0–1; gaps and their 95%
// intervals are in Dice points (0–100), the intervals resampling seeds per fold and cases within sites.
type Promise12Summary struct {
	Folds     int `json:"folds"`
	Seeds     int `json:"seeds"`
	TestCases int `json:"test_cases"`
	// TeacherDice is the teachers' mean Dice over every test case (each case scored by its fold's teacher).
	TeacherDice float64 `json:"teacher_dice"`
	// SiteTeacherDice is each limit-trained teacher's mean Dice over every test case, of all sites.
	SiteTeacherDice map[string]float64 `json:"site_teacher_dice"`
	// StudentDice is each student kind's mean Dice over every test case, averaged over seeds.
	StudentDice map[string]float64 `json:"student_dice"`
	// The primary comparison: the primary kind against scratch on the same labelled cases.
	Primary         string  `json:"primary"`
	GapPoints       float64 `json:"gap_points"`
	GapRelativePct  float64 `json:"gap_relative_pct"`
	GapCILowPoints  float64 `json:"gap_ci_low_points"`
	GapCIHighPoints float64 `json:"gap_ci_high_points"`
	PValue          float64 `json:"p_value"`
	Verdict         string  `json:"verdict"`
	// The second primary: against scratch on all training cases (the data-matched baseline).
	VsScratchAllPoints       float64 `json:"vs_scratch_all_points"`
	VsScratchAllCILowPoints  float64 `json:"vs_scratch_all_ci_low_points"`
	VsScratchAllCIHighPoints float64 `json:"vs_scratch_all_ci_high_points"`
	VsScratchAllOutcome      string  `json:"vs_scratch_all_outcome"`
	// BaselineChecksPassed counts the scratch baselines' checks (per fold and kind) that passed, of BaselineChecks.
	BaselineChecksPassed int `json:"baseline_checks_passed"`
	BaselineChecks       int `json:"baseline_checks"`
}

// SummarizePromise12 returns the key numbers of a cross-validated run (Promise12's) for GOKD_RESULT.
func SummarizePromise12(cv *experiment.CrossValidation) *Promise12Summary {
	c := cv.Comparison
	p, all := c.Primary(), c.DataMatched()
	s := &Promise12Summary{Folds: c.Folds, Seeds: c.Seeds, TestCases: c.Cases, SiteTeacherDice: map[string]float64{},
		StudentDice: map[string]float64{}, Primary: string(p.A), GapPoints: 100 * p.Gap.Mean,
		GapRelativePct: p.RelativePct, GapCILowPoints: 100 * p.Gap.Low, GapCIHighPoints: 100 * p.Gap.High,
		PValue: p.Wilcoxon.P, Verdict: string(c.Verdict), VsScratchAllPoints: 100 * all.Gap.Mean,
		VsScratchAllCILowPoints: 100 * all.Gap.Low, VsScratchAllCIHighPoints: 100 * all.Gap.High,
		VsScratchAllOutcome: string(all.Outcome), BaselineChecks: len(cv.Baselines)}
	for _, e := range cv.Pooled {
		switch ModelKind(e.Name) {
		case experiment.TeacherName:
			s.TeacherDice = e.Dice
		case experiment.SiteTeacherName:
			s.SiteTeacherDice[e.Name] = e.Dice
		default:
			s.StudentDice[e.Name] = e.Dice
		}
	}
	for _, b := range cv.Baselines {
		if b.InsideGrid && b.Levelled {
			s.BaselineChecksPassed++
		}
	}
	return s
}
