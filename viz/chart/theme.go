package chart

import (
	"image/color"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// Font is the charts' typeface: Liberation Sans, which ships with gonum/plot (no font is read or downloaded at
// run time), a sans-serif like the notebooks' text.
var Font = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Text sizes in points. At 96 display pixels per inch 10 pt is 13.3 px: the size of a notebook's text.
const (
	TitleSize   = vg.Length(11)
	AxisSize    = vg.Length(10)
	TickSize    = vg.Length(9)
	LegendSize  = vg.Length(9.5)
	LabelSize   = vg.Length(9) // Point labels.
	CaptionSize = vg.Length(9)
)

// textStyle returns the charts' text style at a size.
func textStyle(size vg.Length) text.Style {
	return text.Style{Font: font.From(Font, size), Handler: plot.DefaultTextHandler}
}

// newPlot returns a plot in the charts' style (sans-serif text at the sizes above, a bold title) with the given
// title and axis labels.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, yLabel
	p.Title.TextStyle.Font = font.From(Font, TitleSize)
	p.Title.TextStyle.Font.Weight = stdfont.WeightBold
	p.Title.Padding = vg.Points(6)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(Font, AxisSize)
		a.Tick.Label.Font = font.From(Font, TickSize)
	}
	p.Legend.TextStyle.Font = font.From(Font, LegendSize)
	p.Legend.ThumbnailWidth = vg.Points(14)
	p.Legend.Padding = vg.Points(2)
	return p
}

// maxLegendRunes is the longest legend entry; longer names end in "…" (the tables give them whole).
const maxLegendRunes = 48

// addLegend adds an entry to the plot's legend, its name shortened to maxLegendRunes.
func addLegend(p *plot.Plot, name string, thumbs ...plot.Thumbnailer) {
	p.Legend.Add(ellipsize(name, maxLegendRunes), thumbs...)
}

// ellipsize shortens s to at most n runes, ending in "…" when cut.
func ellipsize(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// grid returns the charts' background grid: light, behind the data.
func grid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{0xe4}
	g.Horizontal.Color = color.Gray{0xe4}
	return g
}
