package chart

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// pointLayer is a scatter chart's plotter: markers, their whiskers and their labels. Markers that would cover
// one another (models of the same size with close scores) are spread sideways, a marker's width apart, and the
// labels are placed by a labeller, clear of every marker, whisker and other label.
type pointLayer struct {
	points []layerPoint
	logX   bool
	labels *labeller
}

type layerPoint struct {
	x, y      float64 // Data coordinates.
	low, high float64 // A whisker from low to high (equal: none).
	text      string
	glyph     draw.GlyphStyle
}

// rangeMargin is the share of the data's range left free on each side, so that markers and labels at the
// extremes have room.
const rangeMargin = 0.06

func newPointLayer(logX bool) *pointLayer {
	return &pointLayer{logX: logX, labels: newLabeller(markerRadius)}
}

// Plot draws the whiskers, the markers and the labels (plot.Plotter).
func (l *pointLayer) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	at := make([]vg.Point, len(l.points))
	for i, pt := range l.points {
		at[i] = vg.Point{X: trX(pt.x), Y: trY(pt.y)}
	}
	dodge(at, 2*markerRadius+vg.Length(1))
	var obstacles []vg.Rectangle
	texts := make([]string, len(l.points))
	for i, pt := range l.points {
		texts[i] = pt.text
		if pt.high > pt.low {
			sty := draw.LineStyle{Color: pt.glyph.Color, Width: vg.Length(1)}
			y0, y1 := trY(pt.low), trY(pt.high)
			c.StrokeLine2(sty, at[i].X, y0, at[i].X, y1)
			c.StrokeLine2(sty, at[i].X-whiskerCap, y0, at[i].X+whiskerCap, y0)
			c.StrokeLine2(sty, at[i].X-whiskerCap, y1, at[i].X+whiskerCap, y1)
			obstacles = append(obstacles, vg.Rectangle{Min: vg.Point{X: at[i].X - whiskerCap, Y: y0},
				Max: vg.Point{X: at[i].X + whiskerCap, Y: y1}})
		}
	}
	for i, pt := range l.points {
		c.DrawGlyph(pt.glyph, at[i])
	}
	l.labels.place(c.Rectangle, at, texts, obstacles)
	l.labels.draw(c)
}

// dodge spreads sideways the points whose markers (of diameter d) would overlap: each run of points less than d
// apart, in a column less than d wide, is laid out in a row centred on the run's mean x.
func dodge(at []vg.Point, d vg.Length) {
	order := make([]int, len(at))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(at[a].X, at[b].X), cmp.Compare(at[a].Y, at[b].Y))
	})
	done := make([]bool, len(at))
	for _, i := range order {
		if done[i] {
			continue
		}
		run := []int{i}
		done[i] = true
		for _, j := range order {
			last := at[run[len(run)-1]]
			if !done[j] && math.Abs(float64(at[j].X-at[i].X)) < float64(d) && at[j].Y >= last.Y && at[j].Y-last.Y < d {
				run = append(run, j)
				done[j] = true
			}
		}
		if len(run) < 2 {
			continue
		}
		var mean vg.Length
		for _, k := range run {
			mean += at[k].X / vg.Length(len(run))
		}
		for n, k := range run {
			at[k].X = mean + d*vg.Length(float64(n)-float64(len(run)-1)/2)
		}
	}
}

// DataRange returns the points' extent, whiskers included, widened by rangeMargin on each side
// (plot.DataRanger).
func (l *pointLayer) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, pt := range l.points {
		xmin, xmax = min(xmin, pt.x), max(xmax, pt.x)
		ymin, ymax = min(ymin, pt.y, pt.low), max(ymax, pt.y, pt.high)
	}
	if l.logX {
		xmin, xmax = math.Log(xmin), math.Log(xmax)
	}
	xmin, xmax = widen(xmin, xmax)
	if l.logX {
		xmin, xmax = math.Exp(xmin), math.Exp(xmax)
	}
	ymin, ymax = widen(ymin, ymax)
	return xmin, xmax, ymin, ymax
}

// widen widens [lo, hi] by rangeMargin of its width on each side (by rangeMargin of |lo|, or 1, when empty).
func widen(lo, hi float64) (float64, float64) {
	m := rangeMargin * (hi - lo)
	if m == 0 {
		m = rangeMargin * max(math.Abs(lo), 1/rangeMargin)
	}
	return lo - m, hi + m
}
