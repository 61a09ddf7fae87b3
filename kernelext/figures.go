package kernelext

import (
	"fmt"
	"html"
	"image/color"
	"slices"
	"strings"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gokd/gokd/kd/train"
	"github.com/gokd/gokd/viz/chart"
	"github.com/gokd/gokd/viz/compose"
	"github.com/gokd/gokd/viz/palette"
	"github.com/gokd/gokd/viz/render"
	"github.com/gokd/gokd/viz/table"
	"github.com/gokd/gokd/viz/viewer"
)

// The helpers below are the notebooks' one-call pictures: each builds a viz picture from GoKD's data and
// results and displays it (inline in a notebook, as a file elsewhere).

// Prediction is a named set of class maps, one per sample, shown as a mask layer.
type Prediction struct {
	Name  string    // Legend name, e.g. "teacher" or "student (adaptive KD)".
	Masks [][]int32 // One Size·Size class map per sample.
}

// roleColour gives teachers and students their palette colours, other layers the next series colour.
func roleColour(name string, i int) color.NRGBA {
	switch {
	case strings.HasPrefix(name, "teacher"):
		return palette.Teacher
	case strings.HasPrefix(name, "student"):
		return palette.Student
	}
	return palette.Series(i + 3)
}

// ShowCase shows the slices of one case in a slice viewer: the ground truth and each prediction (masks matched
// to caseSlices) as layers, and, with exactly one prediction, its error map (hidden until ticked).
func ShowCase(title string, caseSlices []datasets.Sample, predictions ...Prediction) error {
	if len(caseSlices) == 0 {
		return fmt.Errorf("ShowCase %q: no slices", title)
	}
	views := make([]render.Slice, len(caseSlices))
	truth := make([][]int32, len(caseSlices))
	for i := range caseSlices {
		s, err := render.SampleSlice(&caseSlices[i])
		if err != nil {
			return err
		}
		views[i], truth[i] = s, caseSlices[i].Mask
	}
	v := viewer.New(views).Title(title).Layer("ground truth", truth, palette.GroundTruth, render.FillAndContour)
	for i, p := range predictions {
		if len(p.Masks) != len(caseSlices) {
			return fmt.Errorf("ShowCase %q: %s has %d masks for %d slices", title, p.Name, len(p.Masks), len(caseSlices))
		}
		v = v.Layer(p.Name, p.Masks, roleColour(p.Name, i), render.Contour)
	}
	if len(predictions) == 1 {
		v = v.Errors(truth, predictions[0].Masks)
	}
	return DisplayViewer(title, v)
}

// ShowSites shows, for each site, the slice with the largest prostate of the site's first case, with its ground
// truth: the sites' different appearance at a glance.
func ShowSites(title string, samples []datasets.Sample) error {
	sites, subsets := datasets.SubsetsBySite(samples)
	r := render.New().Zoom(2)
	panels := make([]compose.Panel, 0, len(sites))
	for i, site := range sites {
		first := CaseSamples(subsets[i], subsets[i][0].CaseKey())
		best := slices.MaxFunc(first, func(a, b datasets.Sample) int { return area(a.Mask) - area(b.Mask) })
		s, err := render.SampleSlice(&best)
		if err != nil {
			return err
		}
		img, err := r.Overlay(s, render.NewLayer("ground truth", best.Mask, palette.GroundTruth, render.Contour))
		if err != nil {
			return err
		}
		panels = append(panels, compose.Panel{Title: site, Image: img})
	}
	montage, err := compose.Montage(panels, min(len(panels), 6))
	if err != nil {
		return err
	}
	return DisplayImage(title, montage)
}

// ShowComparison shows a comparison grid: for each sample a row with its ground truth, the teacher's and the
// student's prediction and the student's errors, each titled with its Dice. With teacher nil, student is any
// model's prediction and the columns say so.
func ShowComparison(title string, samples []datasets.Sample, teacher, student [][]int32) error {
	cases := make([]compose.Case, len(samples))
	for i := range samples {
		s, err := render.SampleSlice(&samples[i])
		if err != nil {
			return err
		}
		cases[i] = compose.Case{Label: fmt.Sprintf("%s #%d", samples[i].CaseKey(), samples[i].Index), Slice: s,
			Truth: samples[i].Mask, Student: student[i]}
		if teacher != nil {
			cases[i].Teacher = teacher[i]
		}
	}
	img, err := compose.Comparison(render.New().Zoom(2), cases)
	if err != nil {
		return err
	}
	return DisplayImage(title, img)
}

// ShowCurves shows the training curves (loss and Dice on the training batches) of several runs in one chart.
func ShowCurves(title string, runs ...*experiment.Trained) error {
	var loss, dice []chart.Series
	for _, t := range runs {
		loss = append(loss, series(t.Name, t.History, "loss"))
		dice = append(dice, series(t.Name, t.History, "dice"))
	}
	f, err := chart.TrainingCurves(loss, dice)
	if err != nil {
		return err
	}
	return DisplayFigure(title, f)
}

func series(name string, h *train.History, metric string) chart.Series {
	s := chart.Series{Name: name}
	for i, step := range h.Steps {
		if values := h.Metrics[metric]; i < len(values) {
			s.X, s.Y = append(s.X, float64(step)), append(s.Y, values[i])
		}
	}
	return s
}

// ShowResults shows an experiment's results: the models table, the students' comparison over seeds, the Dice per
// site as grouped bars, and Dice against parameters and against latency.
func ShowResults(res *experiment.Results) error {
	if err := ShowTable("Models on the held-out test cases", res.ModelsTable()); err != nil {
		return err
	}
	if err := ShowTable("Dice per site (students: mean over seeds)", res.SiteTable()); err != nil {
		return err
	}
	if ch := res.Choice; ch != nil {
		title := fmt.Sprintf("The student rule: candidates trained from scratch on all training cases (teacher's validation Dice %.3f)", ch.TeacherValDice)
		if err := ShowTable(title, ch.Table()); err != nil {
			return err
		}
	}
	if len(res.Summary) > 0 {
		if err := ShowTable("Student kinds over seeds, with the setting chosen on validation", res.SummaryTable()); err != nil {
			return err
		}
	}
	if len(res.FusionWeights) > 0 {
		if err := ShowTable("Adaptive fusion: learned teacher weights (mean over seeds)", res.FusionTable()); err != nil {
			return err
		}
	}
	if res.Comparison != nil {
		if err := ShowTable("Paired tests over test cases (Dice averaged over seeds per case)", res.Comparison.Table()); err != nil {
			return err
		}
	}
	evals := res.Representatives()
	if err := ShowDiceBars("Dice per test site", evals); err != nil {
		return err
	}
	var params, latency []chart.Point
	for _, e := range evals {
		group := "students"
		switch {
		case e.Name == experiment.TeacherName:
			group = "teacher"
		case strings.HasPrefix(e.Name, experiment.SiteTeacherName):
			group = "site teachers"
		}
		params = append(params, chart.Point{Label: e.Name, Group: group, X: float64(e.Params), Y: e.Dice})
		latency = append(latency, chart.Point{Label: e.Name, Group: group, X: e.MsPerSlice, Y: e.Dice})
	}
	byParams, err := chart.AccuracyVsParameters(params)
	if err != nil {
		return err
	}
	if err := DisplayFigure("dice-vs-parameters", byParams); err != nil {
		return err
	}
	byLatency, err := chart.AccuracyVsLatency(latency)
	if err != nil {
		return err
	}
	return DisplayFigure("dice-vs-latency", byLatency)
}

// ShowDiceBars shows the Dice of models as grouped bars: one group for all test cases, then one per site.
func ShowDiceBars(title string, evals []*experiment.Evaluation) error {
	if len(evals) == 0 {
		return fmt.Errorf("ShowDiceBars %q: no models", title)
	}
	sites := evals[0].SiteNames()
	bars := make([]chart.Bars, len(evals))
	for i, e := range evals {
		bars[i] = chart.Bars{Name: e.Name, Values: []float64{e.Dice}}
		for _, site := range sites {
			bars[i].Values = append(bars[i].Values, e.SiteDice[site])
		}
	}
	f, err := chart.GroupedBars(title, "Dice", append([]string{"all"}, sites...), bars)
	if err != nil {
		return err
	}
	return DisplayFigure(title, f)
}

// ShowTable displays a table of results (kd's plain metrics.Table) with a title: inline HTML in a notebook,
// aligned text elsewhere.
func ShowTable(title string, t metrics.Table) error {
	vt := table.New(t.Columns...)
	for _, row := range t.Rows {
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		if err := vt.Add(cells...); err != nil {
			return fmt.Errorf("table %q: %w", title, err)
		}
	}
	if front.IsNotebook() {
		front.DisplayHTML("<h4>" + html.EscapeString(title) + "</h4>" + vt.HTML())
		return nil
	}
	_, err := fmt.Fprintf(textOut, "%s\n%s", title, vt.Text())
	return err
}
