package chart

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// zeroMarkHeight is the height of the mark that shows a bar of value 0, which would otherwise have no height and
// be invisible.
const zeroMarkHeight = vg.Length(2)

// zeroBar is a bar of value 0: its group's position, its offset within the group and its colour.
type zeroBar struct {
	at     float64
	offset vg.Length
	color  color.Color
}

// zeroMarks is a plotter that draws a short block of each zero bar's colour on the baseline, so that a model that
// scored 0 is seen to have scored 0 rather than to be missing.
type zeroMarks struct {
	bars  []zeroBar
	width vg.Length
}

// Plot draws the marks (plot.Plotter).
func (z *zeroMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range z.bars {
		x, y := trX(b.at)+b.offset, trY(0)
		c.FillPolygon(b.color, []vg.Point{{X: x - z.width/2, Y: y}, {X: x + z.width/2, Y: y},
			{X: x + z.width/2, Y: y + zeroMarkHeight}, {X: x - z.width/2, Y: y + zeroMarkHeight}})
	}
}
