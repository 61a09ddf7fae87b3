package chart

import (
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Legend placement: outside the data area, to the right of the plot when it takes at most maxLegendShare of the
// panel's width and fits its height, else below it.
const (
	maxLegendShare = 0.4
	legendGap      = vg.Length(8)
)

// panelLayout splits a panel's cell between the plot and its legend. It returns the plot's area and the
// legend's box (zero without legend entries).
func panelLayout(cell draw.Canvas, p *plot.Plot) (plotArea draw.Canvas, legend vg.Rectangle) {
	size := p.Legend.Rectangle(cell).Size()
	if !(size.X > 0) {
		return cell, vg.Rectangle{}
	}
	height := size.Y + p.Legend.TextStyle.FontExtents().Descent
	if size.X+legendGap <= maxLegendShare*cell.Size().X {
		plotArea = draw.Crop(cell, 0, -(size.X + legendGap), 0, 0)
		if data := p.DataCanvas(plotArea); height <= data.Size().Y {
			x := plotArea.Max.X + legendGap
			return plotArea, vg.Rectangle{Min: vg.Point{X: x, Y: data.Max.Y - height},
				Max: vg.Point{X: x + size.X, Y: data.Max.Y}}
		}
	}
	plotArea = draw.Crop(cell, 0, 0, height+legendGap, 0)
	data := p.DataCanvas(plotArea)
	x := min(data.Min.X, cell.Max.X-size.X)
	return plotArea, vg.Rectangle{Min: vg.Point{X: x, Y: cell.Min.Y}, Max: vg.Point{X: x + size.X, Y: cell.Min.Y + height}}
}

// drawOutside draws the plot in its area and its legend in its box, never over the data: plot.Plot.Draw would
// put the legend inside, so the plot draws with an empty legend meanwhile. A title wider than the plot's area is
// wrapped at spaces to fit it (plot.Plot.Draw would let it run past both edges of the figure). It returns the data
// area, the legend's box and the title's.
func drawOutside(cell draw.Canvas, p *plot.Plot) (data draw.Canvas, legend, title vg.Rectangle) {
	area, legend := panelLayout(cell, p)
	text := p.Title.Text
	p.Title.Text = wrapText(p.Title.TextStyle, text, area.Size().X-2*p.Title.Padding)
	defer func() { p.Title.Text = text }()
	if p.Title.Text != "" {
		size := vg.Point{X: p.Title.TextStyle.Width(p.Title.Text), Y: p.Title.TextStyle.Height(p.Title.Text)}
		mid := (area.Min.X + area.Max.X) / 2
		top := area.Max.Y - p.Title.Padding
		title = vg.Rectangle{Min: vg.Point{X: mid - size.X/2, Y: top - size.Y}, Max: vg.Point{X: mid + size.X/2, Y: top}}
	}
	l := p.Legend
	p.Legend = plot.NewLegend()
	p.Draw(area)
	p.Legend = l
	if legend.Size().X > 0 {
		l.Top, l.Left = true, true
		l.Draw(draw.Canvas{Canvas: cell.Canvas, Rectangle: legend})
	}
	return p.DataCanvas(area), legend, title
}

// wrapText breaks txt at spaces into lines no wider than width drawn with sty (a single word wider than width
// stays on its own line).
func wrapText(sty text.Style, txt string, width vg.Length) string {
	if txt == "" || sty.Width(txt) <= width {
		return txt
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(txt) {
		switch candidate := strings.TrimSpace(line + " " + word); {
		case line == "" || sty.Width(candidate) <= width:
			line = candidate
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return strings.Join(append(lines, line), "\n")
}
