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
	names := make([]string, len(runs))
	for i, t := range runs {
		names[i] = t.Name
	}
	styles := ModelStyles(names)
	for i, t := range runs {
		loss = append(loss, series(t.Name, t.History, "loss", styles[i]))
		dice = append(dice, series(t.Name, t.History, "dice", styles[i]))
	}
	f, err := chart.TrainingCurves(loss, dice)
	if err != nil {
		return err
	}
	return DisplayFigure(title, f)
}

func series(name string, h *train.History, metric string, style chart.Style) chart.Series {
	s := chart.Series{Name: name, Style: style}
	for i, step := range h.Steps {
		if values := h.Metrics[metric]; i < len(values) {
			s.X, s.Y = append(s.X, float64(step)), append(s.Y, values[i])
		}
	}
	return s
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
