package chart

import (
	"fmt"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/gokd/gokd/viz/palette"
)

// Bars is one model's values across the groups of a grouped bar chart (e.g. a student's Dice on each site).
type Bars struct {
	Name   string
	Values []float64
}

// GroupedBars returns a bar chart with one group of bars per group name (e.g. per site) and, within each
// group, one bar per model, in the order given, with a legend of the models. The y axis starts at 0, so bar
// heights compare honestly.
func GroupedBars(title, yLabel string, groups []string, models []Bars) (*Figure, error) {
	if len(groups) == 0 || len(models) == 0 {
		return nil, fmt.Errorf("chart %q: grouped bars need groups and models (have %d and %d)", title, len(groups),
			len(models))
	}
	p := newPlot(title, "", yLabel)
	width := vg.Points(min(60/float64(len(models)), 18))
	for i, m := range models {
		if len(m.Values) != len(groups) {
			return nil, fmt.Errorf("chart %q: model %q has %d values for %d groups", title, m.Name, len(m.Values),
				len(groups))
		}
		bars, err := plotter.NewBarChart(plotter.Values(m.Values), width)
		if err != nil {
			return nil, fmt.Errorf("chart %q: model %q: %w", title, m.Name, err)
		}
		bars.Color = palette.Series(i)
		bars.LineStyle.Width = 0
		// Centre the group of bars on the group's tick.
		bars.Offset = width * vg.Length(float64(i)-float64(len(models)-1)/2)
		p.Add(bars)
		p.Legend.Add(m.Name, bars)
	}
	p.NominalX(groups...)
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	return NewFigure(p), nil
}
