package chart

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Estimate is one row of a forest plot: an estimate with its interval, e.g. a paired gap in Dice with its 95%
// bootstrap confidence interval.
type Estimate struct {
	Label           string // The row's name, e.g. "adaptive − scratch".
	Mean, Low, High float64
	Style           Style // Zero: the i-th colour of the Okabe–Ito palette and a circle.
}

// Reference is a vertical line of a forest plot, named in its legend: no difference (0), or a published value.
type Reference struct {
	Label string
	X     float64
	Dash  bool // Dashed rather than solid.
}

// Forest returns a forest plot: one row per estimate, top to bottom in the order given, its mean a marker and
// its interval a horizontal bar, and the references as vertical lines listed in the legend (outside the data
// area). The x axis spans every interval and reference.
func Forest(title, xLabel string, rows []Estimate, refs ...Reference) (*Figure, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("chart %q: no estimates", title)
	}
	p := newPlot(title, xLabel, "")
	p.Add(grid())
	names := make([]string, len(rows))
	var bars []whisker
	for i, r := range rows {
		if !(r.Low <= r.Mean && r.Mean <= r.High) {
			return nil, fmt.Errorf("chart %q: estimate %q: mean %g outside its interval [%g, %g]", title, r.Label,
				r.Mean, r.Low, r.High)
		}
		y := float64(len(rows) - 1 - i) // The first row on top.
		names[len(rows)-1-i] = r.Label
		c := r.Style.colour(i)
		bars = append(bars, whisker{at: y, low: r.Low, high: r.High, color: c})
		s, err := plotter.NewScatter(plotter.XYs{{X: r.Mean, Y: y}})
		if err != nil {
			return nil, fmt.Errorf("chart %q: estimate %q: %w", title, r.Label, err)
		}
		s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: markerRadius, Shape: r.Style.shape()}
		p.Add(s)
	}
	p.Add(&whiskers{bars: bars, horizontal: true, width: vg.Points(1.6)})
	for _, ref := range refs {
		line := referenceLine{x: ref.X, style: draw.LineStyle{Color: refColour, Width: vg.Points(1)}}
		if ref.Dash {
			line.style.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(line)
		addLegend(p, ref.Label, line)
	}
	p.NominalY(names...)
	lo, hi := rows[0].Low, rows[0].High
	for _, r := range rows {
		lo, hi = min(lo, r.Low), max(hi, r.High)
	}
	for _, ref := range refs {
		lo, hi = min(lo, ref.X), max(hi, ref.X)
	}
	p.X.Min, p.X.Max = widen(lo, hi)
	p.Y.Min, p.Y.Max = -0.6, float64(len(rows))-0.4
	return NewFigure(p).Size(FigureWidth, forestHeight(len(rows))), nil
}

// forestHeight gives a forest plot's rows room: title and axis plus about 26 points per row.
func forestHeight(rows int) vg.Length {
	return max(2*vg.Inch, vg.Length(rows)*26*vg.Points(1)+80*vg.Points(1))
}

var inf = math.Inf(1)

// referenceLine is a vertical line across the data area at x, with its legend thumbnail.
type referenceLine struct {
	x     float64
	style draw.LineStyle
}

// Plot draws the line (plot.Plotter).
func (r referenceLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(r.x)
	c.StrokeLine2(r.style, x, c.Min.Y, x, c.Max.Y)
}

// DataRange makes the x axis include the line (plot.DataRanger); it spans no y.
func (r referenceLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	return r.x, r.x, inf, -inf
}

// Thumbnail draws the line's legend entry: a horizontal stroke (plot.Thumbnailer).
func (r referenceLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(r.style, c.Min.X, y, c.Max.X, y)
}
