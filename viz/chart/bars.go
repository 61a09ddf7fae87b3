package chart

import (
	"fmt"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Bars is one model's values across the groups of a grouped bar chart (e.g. a student's Dice on each site).
type Bars struct {
	Name   string
	Values []float64
	// Err, when given (one per value), draws a whisker from Values[i]−Err[i] to Values[i]+Err[i]: the spread
	// behind a mean (say which in the figure's caption). A zero or negative Err draws none.
	Err   []float64
	Style Style // Zero: the i-th colour of the Okabe–Ito palette.
}

// GroupedBars returns a bar chart with one group of bars per group name (e.g. per site) and, within each
// group, one bar per model, in the order given, with a legend of the models outside the data area and whiskers
// where the models give Err. The y axis starts at 0, so bar heights compare honestly; a bar of value 0 shows as a
// thin block of its colour on the baseline, not as nothing.
func GroupedBars(title, yLabel string, groups []string, models []Bars) (*Figure, error) {
	if len(groups) == 0 || len(models) == 0 {
		return nil, fmt.Errorf("chart %q: grouped bars need groups and models (have %d and %d)", title, len(groups),
			len(models))
	}
	p := newPlot(title, "", yLabel)
	p.Add(grid())
	// The bars of a group take 80% of the space between two groups' ticks.
	width := vg.Points(min(0.8*float64(PanelWidth)/float64(len(groups)*len(models)), 18))
	var bars []whisker
	var zeros []zeroBar
	for i, m := range models {
		if len(m.Values) != len(groups) {
			return nil, fmt.Errorf("chart %q: model %q has %d values for %d groups", title, m.Name, len(m.Values),
				len(groups))
		}
		if m.Err != nil && len(m.Err) != len(groups) {
			return nil, fmt.Errorf("chart %q: model %q has %d error bars for %d groups", title, m.Name, len(m.Err),
				len(groups))
		}
		chart, err := plotter.NewBarChart(plotter.Values(m.Values), width)
		if err != nil {
			return nil, fmt.Errorf("chart %q: model %q: %w", title, m.Name, err)
		}
		chart.Color = m.Style.colour(i)
		chart.LineStyle.Width = 0
		// Centre the group of bars on the group's tick.
		chart.Offset = width * vg.Length(float64(i)-float64(len(models)-1)/2)
		p.Add(chart)
		addLegend(p, m.Name, chart)
		for g, v := range m.Values {
			if v == 0 {
				zeros = append(zeros, zeroBar{at: float64(g), offset: chart.Offset, color: chart.Color})
			}
		}
		for g, e := range m.Err {
			if e > 0 {
				bars = append(bars, whisker{at: float64(g), offset: chart.Offset, low: m.Values[g] - e,
					high: m.Values[g] + e, color: whiskerColour})
			}
		}
	}
	if len(bars) > 0 {
		p.Add(&whiskers{bars: bars, width: vg.Points(0.8)})
	}
	if len(zeros) > 0 {
		p.Add(&zeroMarks{bars: zeros, width: width})
	}
	p.NominalX(groups...)
	p.Y.Min = 0
	return NewFigure(p), nil
}
