package experiment

import (
	"fmt"

	"github.com/gokd/gokd/kd/metrics"
)

// Section is one titled table of an experiment's report.
type Section struct {
	Title string
	Table metrics.Table
}

// Report lists the sections of a single run's report, in the order every front end shows them: the models, the
// Dice per site, the students over seeds, the student rule and the tuning when they ran, the fusion weights when
// a fusion reports them, and the paired tests.
func (res *Results) Report() []Section {
	out := []Section{
		{"Models on the held-out test cases (students: mean ± std over seeds)", res.ModelsTable()},
		{"Dice per test site (students: mean over seeds)", res.SiteTable()},
	}
	if ch := res.Choice; ch != nil {
		out = append(out, Section{fmt.Sprintf("The student rule: candidates trained from scratch on all training "+
			"cases (teacher's validation Dice %.3f)", ch.TeacherValDice), ch.Table()})
	}
	if len(res.Summary) > 0 {
		out = append(out, Section{fmt.Sprintf("Student kinds over %d seeds, with the setting chosen on validation",
			res.Summary[0].Seeds), res.SummaryTable()})
	}
	if len(res.Tuning) > 0 && len(res.Tuning[0].ValDice) > 0 {
		out = append(out, Section{"Tuning on the validation cases", res.TuningTable()})
	}
	if res.HasFusions() {
		out = append(out, Section{"Fusions of the limit-trained teachers: their weights (mean over seeds)", res.FusionTable()})
	}
	return append(out, res.Comparison.sections()...)
}

// Report lists the sections of a cross-validated run's report: the models pooled over the folds' test cases,
// each fold apart, the Dice per site pooled, the baseline checks, each fold's tuning, and the paired tests over every case.
func (cv *CrossValidation) Report() []Section {
	out := []Section{
		{fmt.Sprintf("Models over the test cases of %d folds (students: mean ± std over %d seeds)", len(cv.Folds),
			len(cv.Config.Seeds)), cv.ModelsTable()},
		{"Each fold on its own test cases", cv.FoldTable()},
		{"Dice per test site", cv.SiteTable()},
		{"Scratch baselines: learning rate inside its grid, training levelled off", BaselineTable(cv.Baselines)},
	}
	for i, res := range cv.Folds {
		if len(res.Tuning) > 0 && len(res.Tuning[0].ValDice) > 0 {
			out = append(out, Section{fmt.Sprintf("Fold %d: tuning on its validation cases", i), res.TuningTable()})
		}
	}
	return append(out, cv.Comparison.sections()...)
}

// sections is the paired tests' section, titled with what they pool (none without a comparison).
func (c *Comparison) sections() []Section {
	if c == nil {
		return nil
	}
	if len(c.Tests) == 0 {
		return []Section{{fmt.Sprintf("Paired tests over %d test cases: none", c.Cases), metrics.Table{}}}
	}
	folds := ""
	if c.Folds > 1 {
		folds = fmt.Sprintf(" of %d folds", c.Folds)
	}
	return []Section{{fmt.Sprintf("Paired tests over %d test cases%s (Dice averaged over %d seeds per case; "+
		"intervals resample seeds and cases)", c.Cases, folds, c.Seeds), c.Table()}}
}
