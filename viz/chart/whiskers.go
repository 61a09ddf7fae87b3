package chart

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// whiskerCap is half the width of a whisker's end caps.
const whiskerCap = vg.Length(2.5)

// whisker is one error bar: from low to high along the value axis, at a position on the other axis (data
// coordinates) shifted by offset (as a bar of a group is).
type whisker struct {
	at        float64
	offset    vg.Length
	low, high float64
	color     color.Color
}

// whiskers is a plotter of error bars: vertical ones, or horizontal with horizontal set (a forest plot's
// intervals). Its data range includes the bars' ends, so that no axis cuts them.
type whiskers struct {
	bars       []whisker
	horizontal bool
	width      vg.Length
}

// Plot draws the error bars (plot.Plotter).
func (w *whiskers) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range w.bars {
		if !(b.high >= b.low) {
			continue
		}
		sty := draw.LineStyle{Color: b.color, Width: w.width}
		if w.horizontal {
			y, x0, x1 := trY(b.at)+b.offset, trX(b.low), trX(b.high)
			c.StrokeLine2(sty, x0, y, x1, y)
			c.StrokeLine2(sty, x0, y-whiskerCap, x0, y+whiskerCap)
			c.StrokeLine2(sty, x1, y-whiskerCap, x1, y+whiskerCap)
			continue
		}
		x, y0, y1 := trX(b.at)+b.offset, trY(b.low), trY(b.high)
		c.StrokeLine2(sty, x, y0, x, y1)
		c.StrokeLine2(sty, x-whiskerCap, y0, x+whiskerCap, y0)
		c.StrokeLine2(sty, x-whiskerCap, y1, x+whiskerCap, y1)
	}
}

// DataRange returns the extent of the bars' ends on the value axis (plot.DataRanger).
func (w *whiskers) DataRange() (xmin, xmax, ymin, ymax float64) {
	lo, hi := w.bars[0].low, w.bars[0].high
	at0, at1 := w.bars[0].at, w.bars[0].at
	for _, b := range w.bars {
		lo, hi, at0, at1 = min(lo, b.low), max(hi, b.high), min(at0, b.at), max(at1, b.at)
	}
	if w.horizontal {
		return lo, hi, at0, at1
	}
	return at0, at1, lo, hi
}
