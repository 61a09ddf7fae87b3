package kernelext

import (
	"fmt"
	"strings"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gokd/gokd/kd/stats"
	"github.com/gokd/gokd/viz/chart"
)

// ShowResults shows an experiment's results: its report's tables (experiment.Results.Report, the sections `gokd
// experiment` prints), then the paired tests' forest plot, the Dice per site as grouped bars, and Dice against
// parameters and against latency; the students' whiskers are ± 1 SD over seeds.
func ShowResults(res *experiment.Results) error {
	if err := ShowReport(res.Report()); err != nil {
		return err
	}
	figures, err := resultFigures(res)
	if err != nil {
		return err
	}
	for _, f := range figures {
		if err := DisplayFigure(f.name, f.figure); err != nil {
			return err
		}
	}
	return nil
}

// ShowReport shows a report's sections as tables, in order.
func ShowReport(sections []experiment.Section) error {
	for _, section := range sections {
		if err := ShowTable(section.Title, section.Table); err != nil {
			return err
		}
	}
	return nil
}

// namedFigure is a figure with the name it is displayed (or written) under.
type namedFigure struct {
	name   string
	figure *chart.Figure
}

// resultFigures returns ShowResults' figures in order: the forest plot of the paired tests (when they ran), the
// Dice per test site and the two scatters.
func resultFigures(res *experiment.Results) ([]namedFigure, error) {
	var out []namedFigure
	if c := res.Comparison; c != nil && len(c.Tests) > 0 {
		f, err := forest("Paired gaps over test cases", c, kindMeans(res.Representatives()))
		if err != nil {
			return nil, err
		}
		out = append(out, namedFigure{"Paired gaps over test cases", f})
	}
	evals := res.Representatives()
	bars, err := diceBars("Dice per test site", evals, seedSpreads(res, evals))
	if err != nil {
		return nil, err
	}
	seeds := ""
	if len(res.Summary) > 0 {
		seeds = fmt.Sprintf(" %d", res.Summary[0].Seeds)
	}
	bars.Caption("Students: mean over the" + seeds + " seeds, whiskers ± 1 SD over seeds; teachers: single models, no whiskers.")
	out = append(out, namedFigure{"Dice per test site", bars})
	scatters, err := scatters(res, evals)
	return append(out, scatters...), err
}

// scatters returns Dice against parameters and against latency, one point per model, the students' whiskers
// ± 1 SD over seeds.
func scatters(res *experiment.Results, evals []*experiment.Evaluation) ([]namedFigure, error) {
	names := make([]string, len(evals))
	for i, e := range evals {
		names[i] = e.Name
	}
	styles := ModelStyles(names)
	var params, latency []chart.Point
	for i, e := range evals {
		group := "students (± 1 SD over seeds)"
		switch ModelKind(e.Name) {
		case experiment.TeacherName:
			group = "teacher"
		case experiment.SiteTeacherName:
			group = "site teachers"
		}
		pt := chart.Point{Label: e.Name, Group: group, Y: e.Dice, Style: styles[i]}
		if len(res.Students[experiment.StudentKind(e.Name)]) > 1 {
			pt.Err = e.DiceStd
		}
		pt.X = float64(e.Params)
		params = append(params, pt)
		pt.X = e.MsPerSlice
		latency = append(latency, pt)
	}
	const caption = "Students: mean over seeds, whiskers ± 1 SD over seeds (latency: mean of each seed's median, batch 1)."
	byParams, err := chart.AccuracyVsParameters(params)
	if err != nil {
		return nil, err
	}
	byLatency, err := chart.AccuracyVsLatency(latency)
	if err != nil {
		return nil, err
	}
	return []namedFigure{{"dice-vs-parameters", byParams.Caption(caption)},
		{"dice-vs-latency", byLatency.Caption(caption)}}, nil
}

// ShowForest shows the students' paired comparisons (c, of a run or a cross-validation) as a forest plot: each gap
// relative to the second model's mean Dice among models (the run's Representatives, or a cross-validation's
// Pooled), in percent, with its bootstrap confidence interval, a line at no difference and one at the paper's gain
// (stats.PaperGain, read as relative, as the verdict reads it).
func ShowForest(title string, c *experiment.Comparison, models []*experiment.Evaluation) error {
	f, err := forest(title, c, kindMeans(models))
	if err != nil {
		return err
	}
	return DisplayFigure(title, f)
}

// kindMeans maps each model's name to its mean Dice: for students (one evaluation per kind, over seeds), their
// kind.
func kindMeans(models []*experiment.Evaluation) map[experiment.StudentKind]float64 {
	out := map[experiment.StudentKind]float64{}
	for _, e := range models {
		out[experiment.StudentKind(e.Name)] = e.Dice
	}
	return out
}

// forest returns ShowForest's figure, the gaps relative to base (each kind's mean Dice).
func forest(title string, c *experiment.Comparison, base map[experiment.StudentKind]float64) (*chart.Figure, error) {
	if c == nil || len(c.Tests) == 0 {
		return nil, fmt.Errorf("ShowForest %q: no paired tests", title)
	}
	var rows []chart.Estimate
	level := 0.0
	for _, t := range c.Tests {
		b := base[t.B]
		if !(b > 0) {
			return nil, fmt.Errorf("ShowForest %q: no mean Dice for %s", title, t.B)
		}
		label := short(t.A) + " − " + short(t.B)
		if t.Primary {
			label += " (primary)"
		}
		rows = append(rows, chart.Estimate{Label: label, Mean: 100 * t.Gap.Mean / b, Low: 100 * t.Gap.Low / b,
			High: 100 * t.Gap.High / b, Style: ModelStyles([]string{string(t.A)})[0]})
		level = t.Gap.Level
	}
	f, err := chart.Forest(title, "gap in Dice, % of the second model's mean Dice", rows,
		chart.Reference{Label: "no difference", X: 0},
		chart.Reference{Label: fmt.Sprintf("paper: +%g%%", stats.PaperGain), X: stats.PaperGain, Dash: true})
	if err != nil {
		return nil, err
	}
	folds := ""
	if c.Folds > 1 {
		folds = fmt.Sprintf(" of %d folds", c.Folds)
	}
	return f.Caption(fmt.Sprintf("Dots: mean paired gap over %d test cases%s (each case's Dice averaged over %d seeds); bars: %.0f%% bootstrap CI, seeds and cases resampled.",
		c.Cases, folds, c.Seeds, 100*level)), nil
}

// short drops the "student_" of a student kind, for the forest plot's row names.
func short(kind experiment.StudentKind) string { return strings.TrimPrefix(string(kind), "student_") }

// ShowDiceBars shows the Dice of models as grouped bars: one group for all test cases, then one per site, each
// bar with a whisker of ± 1 SD over the test cases (of the site, or all).
func ShowDiceBars(title string, evals []*experiment.Evaluation) error {
	f, err := diceBars(title, evals, caseSpreads(evals))
	if err != nil {
		return err
	}
	return DisplayFigure(title, f.Caption("Bars: mean Dice over the test cases; whiskers: ± 1 SD over those cases."))
}

// diceBars returns the Dice of models as grouped bars, one group for all test cases then one per site, each
// model in its kind's style, with the given whiskers (spreads[i]: model i's, all cases then per site; nil: none).
func diceBars(title string, evals []*experiment.Evaluation, spreads [][]float64) (*chart.Figure, error) {
	if len(evals) == 0 {
		return nil, fmt.Errorf("ShowDiceBars %q: no models", title)
	}
	sites := evals[0].SiteNames()
	names := make([]string, len(evals))
	for i, e := range evals {
		names[i] = e.Name
	}
	styles := ModelStyles(names)
	bars := make([]chart.Bars, len(evals))
	for i, e := range evals {
		bars[i] = chart.Bars{Name: e.Name, Values: []float64{e.Dice}, Err: spreads[i], Style: styles[i]}
		for _, site := range sites {
			bars[i].Values = append(bars[i].Values, e.SiteDice[site])
		}
	}
	return chart.GroupedBars(title, "Dice", append([]string{"all"}, sites...), bars)
}

// caseSpreads returns each model's SD of the case Dice over all test cases, then over each site's.
func caseSpreads(evals []*experiment.Evaluation) [][]float64 {
	out := make([][]float64, len(evals))
	for i, e := range evals {
		bySite := map[string][]float64{}
		var all []float64
		for c, d := range e.CaseDice {
			site := datasets.SiteOfCaseKey(c)
			bySite[site] = append(bySite[site], d)
			all = append(all, d)
		}
		out[i] = []float64{spread(all)}
		for _, site := range e.SiteNames() {
			out[i] = append(out[i], spread(bySite[site]))
		}
	}
	return out
}

// seedSpreads returns, for each student kind among evals, the SD over its seeds of its Dice on all test cases,
// then on each site's; nil for the other models.
func seedSpreads(res *experiment.Results, evals []*experiment.Evaluation) [][]float64 {
	out := make([][]float64, len(evals))
	for i, e := range evals {
		if seeds := res.Students[experiment.StudentKind(e.Name)]; len(seeds) >= 2 {
			out[i] = spreadsOverSeeds(seeds, e.SiteNames())
		}
	}
	return out
}

// spreadsOverSeeds returns the SD over seeds (one evaluation each) of the Dice on all test cases, then on each of
// sites.
func spreadsOverSeeds(seeds []*experiment.Evaluation, sites []string) []float64 {
	all := make([]float64, len(seeds))
	for k, s := range seeds {
		all[k] = s.Dice
	}
	out := []float64{spread(all)}
	for _, site := range sites {
		values := make([]float64, len(seeds))
		for k, s := range seeds {
			values[k] = s.SiteDice[site]
		}
		out = append(out, spread(values))
	}
	return out
}

// spread is the standard deviation of the values, 0 (no whisker) for fewer than two.
func spread(values []float64) float64 {
	if len(values) < 2 {
		return 0
	}
	return metrics.NewStat(values).Std
}

// ShowCrossValidation shows a cross-validated run: its report's tables (experiment.CrossValidation.Report, the
// sections `gokd experiment` prints), the paired tests' forest plot and the Dice per test site as grouped bars
// (whiskers: ± 1 SD over the test cases).
func ShowCrossValidation(cv *experiment.CrossValidation) error {
	if err := ShowReport(cv.Report()); err != nil {
		return err
	}
	if err := ShowForest("Paired gaps over the test cases of every fold", cv.Comparison, cv.Pooled); err != nil {
		return err
	}
	return ShowDiceBars("Dice per test site, every fold's test cases", cv.Pooled)
}
