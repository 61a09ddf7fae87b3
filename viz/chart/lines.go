package chart

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Series is one named curve: Y against X (e.g. a run's loss against the training step).
type Series struct {
	Name  string
	X, Y  []float64
	Style Style // Zero: the i-th colour of the Okabe–Ito palette.
}

// Lines returns a line chart of the series, one colour each, with a legend (drawn outside the data area by the
// [Figure] that holds the plot).
func Lines(title, xLabel, yLabel string, series []Series) (*plot.Plot, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("chart %q: no series", title)
	}
	p := newPlot(title, xLabel, yLabel)
	p.Add(grid())
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("chart %q: series %q has %d x and %d y values", title, s.Name, len(s.X), len(s.Y))
		}
		if len(s.X) == 0 {
			continue // A run that has not logged this metric yet.
		}
		points := make(plotter.XYs, len(s.X))
		for j := range s.X {
			points[j].X, points[j].Y = s.X[j], s.Y[j]
		}
		line, err := plotter.NewLine(points)
		if err != nil {
			return nil, fmt.Errorf("chart %q: series %q: %w", title, s.Name, err)
		}
		line.Color = s.Style.colour(i)
		line.Width = vg.Points(1.5)
		p.Add(line)
		addLegend(p, s.Name, line)
	}
	return p, nil
}

// TrainingCurves returns a two-panel figure: loss by step on the left, Dice by step on the right, each with
// one curve per run (Series.Name is the run's name). Either side may be empty, and is then left out.
func TrainingCurves(loss, dice []Series) (*Figure, error) {
	var plots []*plot.Plot
	for _, panel := range []struct {
		title  string
		series []Series
	}{{"Loss", loss}, {"Dice", dice}} {
		if len(panel.series) == 0 {
			continue
		}
		p, err := Lines(panel.title, "step", strings.ToLower(panel.title), panel.series)
		if err != nil {
			return nil, err
		}
		plots = append(plots, p)
	}
	if len(plots) == 0 {
		return nil, fmt.Errorf("chart: training curves with neither loss nor Dice series")
	}
	return NewFigure(plots...), nil
}
