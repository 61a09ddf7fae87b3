package chart

import (
	"bytes"
	"fmt"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is an output encoding of a figure.
type Format int

const (
	// PNG is a raster image, for notebooks and files.
	PNG Format = iota
	// SVG is a vector image: sharp at any size, and usually smaller for line charts.
	SVG
)

// String returns the format's file extension.
func (f Format) String() string {
	switch f {
	case PNG:
		return "png"
	case SVG:
		return "svg"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Default size of one panel of a figure.
const (
	PanelWidth  = 5 * vg.Inch
	PanelHeight = 3.5 * vg.Inch
)

// Figure is one or more plots side by side, ready to encode.
type Figure struct {
	plots         []*plot.Plot
	width, height vg.Length
}

// NewFigure returns a figure of the plots in one row, each panel [PanelWidth]×[PanelHeight] by default.
func NewFigure(plots ...*plot.Plot) *Figure {
	return &Figure{plots: plots, width: PanelWidth * vg.Length(len(plots)), height: PanelHeight}
}

// Size sets the size of the whole figure.
func (f *Figure) Size(width, height vg.Length) *Figure {
	f.width, f.height = width, height
	return f
}

// Plots returns the figure's plots, to adjust them before encoding.
func (f *Figure) Plots() []*plot.Plot { return f.plots }

// Encode draws the figure and returns it encoded in the given format.
func (f *Figure) Encode(format Format) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	var canvas interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch format {
	case PNG:
		canvas = vgimg.PngCanvas{Canvas: vgimg.New(f.width, f.height)}
	case SVG:
		canvas = vgsvg.New(f.width, f.height)
	default:
		return nil, fmt.Errorf("chart: unknown format %v", format)
	}
	f.draw(draw.New(canvas))
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encoding %v: %w", format, err)
	}
	return buf.Bytes(), nil
}

func (f *Figure) check() error {
	if len(f.plots) == 0 {
		return fmt.Errorf("chart: figure has no plots")
	}
	if !(f.width > 0 && f.height > 0) {
		return fmt.Errorf("chart: invalid figure size %v×%v", f.width, f.height)
	}
	return nil
}

// draw draws the figure's panels on dc and returns where their parts went.
func (f *Figure) draw(dc draw.Canvas) Layout {
	tiles := draw.Tiles{Rows: 1, Cols: len(f.plots), PadX: vg.Millimeter * 4}
	cells := plot.Align([][]*plot.Plot{f.plots}, tiles, dc)
	layout := Layout{Width: float64(f.width) * pixelsPerPoint, Height: float64(f.height) * pixelsPerPoint}
	for i, p := range f.plots {
		p.Draw(cells[0][i])
		data := p.DataCanvas(cells[0][i])
		pl := PanelLayout{Data: box(data.Rectangle, f.height), Title: p.Title.Text}
		// The legend goes at the top right of the data area.
		if l := p.Legend.Rectangle(data); l.Size().X > 0 {
			w, h := l.Size().X, l.Size().Y
			pl.Legend = box(vg.Rectangle{Min: vg.Point{X: data.Max.X - w, Y: data.Max.Y - h}, Max: data.Max}, f.height)
		}
		// Point labels are the glyph boxes offset to the right of their point (markers are centred on theirs).
		for _, g := range p.GlyphBoxes(p) {
			if g.Rectangle.Min.X > 0 {
				at := vg.Point{X: data.X(g.X), Y: data.Y(g.Y)}
				pl.Labels = append(pl.Labels, Label{Box: box(g.Rectangle.Add(at), f.height)})
			}
		}
		layout.Panels = append(layout.Panels, pl)
	}
	return layout
}

// PNG encodes the figure as PNG.
func (f *Figure) PNG() ([]byte, error) { return f.Encode(PNG) }

// SVG encodes the figure as SVG.
func (f *Figure) SVG() ([]byte, error) { return f.Encode(SVG) }

// newPlot returns a plot with the given title and axis labels and the legend at the top right.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, yLabel
	p.Legend.Top = true
	return p
}
