package chart

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gokd/gokd/viz/palette"
)

// Point is one labelled model on a scatter chart, e.g. a student with its parameter count and Dice.
type Point struct {
	Label string  // Drawn beside the point, e.g. "student (KD)".
	Group string  // Points of a group share a colour and a legend entry, e.g. "teacher", "students", "baselines".
	X, Y  float64 // X: parameters or latency; Y: accuracy (Dice).
}

// Scatter returns a labelled scatter chart, one colour per group (in order of first appearance). With logX the
// x axis is logarithmic, as model sizes span orders of magnitude; its values must then be positive.
func Scatter(title, xLabel, yLabel string, points []Point, logX bool) (*Figure, error) {
	if len(points) == 0 {
		return nil, fmt.Errorf("chart %q: no points", title)
	}
	p := newPlot(title, xLabel, yLabel)
	var groups []string
	byGroup := map[string]plotter.XYs{}
	labels := plotter.XYLabels{}
	for _, pt := range points {
		if logX && !(pt.X > 0) {
			return nil, fmt.Errorf("chart %q: point %q has x=%g, which a log axis cannot show", title, pt.Label, pt.X)
		}
		if _, ok := byGroup[pt.Group]; !ok {
			groups = append(groups, pt.Group)
		}
		byGroup[pt.Group] = append(byGroup[pt.Group], plotter.XY{X: pt.X, Y: pt.Y})
		labels.XYs = append(labels.XYs, plotter.XY{X: pt.X, Y: pt.Y})
		labels.Labels = append(labels.Labels, pt.Label)
	}
	for i, g := range groups {
		s, err := plotter.NewScatter(byGroup[g])
		if err != nil {
			return nil, fmt.Errorf("chart %q: group %q: %w", title, g, err)
		}
		s.GlyphStyle = draw.GlyphStyle{Color: palette.Series(i), Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
		p.Add(s)
		if g != "" {
			p.Legend.Add(g, s)
		}
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, fmt.Errorf("chart %q: labels: %w", title, err)
	}
	l.Offset = vg.Point{X: vg.Points(6), Y: vg.Points(-3)}
	p.Add(l, plotter.NewGrid())
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	return NewFigure(p), nil
}

// AccuracyVsParameters is [Scatter] of Dice against parameter count, on a log axis.
func AccuracyVsParameters(points []Point) (*Figure, error) {
	return Scatter("Dice against model size", "parameters", "Dice", points, true)
}

// AccuracyVsLatency is [Scatter] of Dice against inference latency in milliseconds.
func AccuracyVsLatency(points []Point) (*Figure, error) {
	return Scatter("Dice against latency", "latency (ms)", "Dice", points, false)
}
