package chart

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Point is one labelled model on a scatter chart, e.g. a student with its parameter count and Dice.
type Point struct {
	Label string  // Drawn beside the point, e.g. "student (KD)".
	Group string  // The legend lists the groups with their marker, e.g. "teacher", "site teachers", "students".
	X, Y  float64 // X: parameters or latency; Y: accuracy (Dice).
	// Err, when positive, draws a whisker from Y−Err to Y+Err: the spread behind a mean (say which in the
	// figure's caption).
	Err   float64
	Style Style // Zero: the group's colour (one per group, in order of first appearance) and a circle.
}

// markerRadius is the radius of a scatter chart's markers.
const markerRadius = vg.Length(4)

// Scatter returns a labelled scatter chart. Every point is labelled in the data area, its label placed clear of
// every other label, marker and whisker (beside the point, or nearby with a leader line); a label with no room
// left is listed in the legend instead. The legend, outside the data area, lists the groups. With logX the x axis
// is logarithmic, as model sizes span orders of magnitude; its values must then be positive.
func Scatter(title, xLabel, yLabel string, points []Point, logX bool) (*Figure, error) {
	if len(points) == 0 {
		return nil, fmt.Errorf("chart %q: no points", title)
	}
	p := newPlot(title, xLabel, yLabel)
	p.Add(grid())
	var groups []string
	byGroup, index := map[string][]Point{}, map[string]int{}
	layer := newPointLayer(logX)
	for _, pt := range points {
		if logX && !(pt.X > 0) {
			return nil, fmt.Errorf("chart %q: point %q has x=%g, which a log axis cannot show", title, pt.Label, pt.X)
		}
		if _, ok := byGroup[pt.Group]; !ok {
			index[pt.Group] = len(groups)
			groups = append(groups, pt.Group)
		}
		byGroup[pt.Group] = append(byGroup[pt.Group], pt)
		lp := layerPoint{x: pt.X, y: pt.Y, low: pt.Y, high: pt.Y, text: pt.Label,
			glyph: draw.GlyphStyle{Color: pt.Style.colour(index[pt.Group]), Radius: markerRadius, Shape: pt.Style.shape()}}
		if pt.Err > 0 {
			lp.low, lp.high = pt.Y-pt.Err, pt.Y+pt.Err
		}
		layer.points = append(layer.points, lp)
	}
	p.Add(layer)
	for i, g := range groups {
		if g != "" {
			addLegend(p, g, groupThumb(byGroup[g], i))
		}
	}
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	f := NewFigure(p)
	f.layers[0] = layer
	return f, nil
}

// groupThumb is a group's legend marker: its points' shape, in their colour when they share one, else grey.
func groupThumb(points []Point, i int) plot.Thumbnailer {
	c := points[0].Style.colour(i)
	for _, pt := range points {
		if pt.Style.colour(i) != c {
			c = color.NRGBA{0x66, 0x66, 0x66, 0xff}
		}
	}
	return glyphThumb{draw.GlyphStyle{Color: c, Radius: markerRadius, Shape: points[0].Style.shape()}}
}

// glyphThumb draws a marker as a legend thumbnail.
type glyphThumb struct{ style draw.GlyphStyle }

// Thumbnail draws the marker in the middle of the thumbnail's canvas (plot.Thumbnailer).
func (g glyphThumb) Thumbnail(c *draw.Canvas) { c.DrawGlyph(g.style, c.Center()) }

// AccuracyVsParameters is [Scatter] of Dice against parameter count, on a log axis.
func AccuracyVsParameters(points []Point) (*Figure, error) {
	return Scatter("Dice against model size", "parameters", "Dice", points, true)
}

// AccuracyVsLatency is [Scatter] of Dice against inference latency in milliseconds.
func AccuracyVsLatency(points []Point) (*Figure, error) {
	return Scatter("Dice against latency", "latency (ms per slice)", "Dice", points, false)
}
