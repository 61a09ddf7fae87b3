package chart

import (
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// panelGap is the space between two panels of a figure.
const panelGap = 6 * vg.Millimeter

// captionHeight is the height of the caption line below the plots.
func captionHeight() vg.Length {
	e := textStyle(CaptionSize).FontExtents()
	return e.Height + vg.Points(6)
}

// draw draws the figure on dc (the whole figure's canvas) and returns where its parts went.
func (f *Figure) draw(dc draw.Canvas) Layout {
	w, h := f.canvasSize()
	layout := Layout{Width: float64(w) * pixelsPerPoint, Height: float64(h) * pixelsPerPoint}
	area := dc
	if f.caption != "" {
		area = draw.Crop(dc, 0, 0, captionHeight(), 0)
		sty := textStyle(CaptionSize)
		sty.Color = captionColour
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
		at := vg.Point{X: dc.Min.X + vg.Points(4), Y: dc.Min.Y + sty.FontExtents().Descent + vg.Points(2)}
		dc.FillText(sty, at, f.caption)
		layout.Caption = Label{Text: f.caption, Box: box(textBox(sty, f.caption, at), h)}
	}
	tiles := draw.Tiles{Rows: 1, Cols: len(f.plots), PadX: panelGap, PadTop: vg.Points(2), PadLeft: vg.Points(2),
		PadRight: vg.Points(4)}
	for i, p := range f.plots {
		f.listUnplaced(tiles.At(area, i, 0), i)
		data, legend, title := drawOutside(tiles.At(area, i, 0), p)
		pl := PanelLayout{Data: box(data.Rectangle, h), Title: p.Title.Text}
		if title.Size().X > 0 {
			pl.TitleBox = box(title, h)
		}
		if legend.Size().X > 0 {
			pl.Legend = box(legend, h)
		}
		if l := f.layers[i]; l != nil {
			for _, placed := range l.labels.placed {
				pl.Labels = append(pl.Labels, Label{Text: placed.text, Box: box(placed.box, h)})
			}
			for _, k := range l.labels.unplaced {
				pl.Unplaced = append(pl.Unplaced, l.points[k].text)
			}
		}
		layout.Panels = append(layout.Panels, pl)
	}
	return layout
}

// listUnplaced gives the point labels of panel i that find no room in its data area a legend entry instead,
// by dry runs on a recording canvas (a longer legend leaves less room: it tries again, a few times).
func (f *Figure) listUnplaced(cell draw.Canvas, i int) {
	l := f.layers[i]
	if l == nil {
		return
	}
	listed := map[int]bool{}
	for range 3 {
		dry := draw.Canvas{Canvas: &recorder.Canvas{}, Rectangle: cell.Rectangle}
		_, _, _ = drawOutside(dry, f.plots[i])
		added := false
		for _, k := range l.labels.unplaced {
			if !listed[k] {
				addLegend(f.plots[i], l.points[k].text, glyphThumb{l.points[k].glyph})
				listed[k], added = true, true
			}
		}
		if !added {
			return
		}
	}
}

// textBox is the extent of txt drawn with sty at at.
func textBox(sty text.Style, txt string, at vg.Point) vg.Rectangle {
	return sty.Rectangle(txt).Add(at)
}
