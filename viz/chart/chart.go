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
	if len(f.plots) == 0 {
		return nil, fmt.Errorf("chart: figure has no plots")
	}
	if !(f.width > 0 && f.height > 0) {
		return nil, fmt.Errorf("chart: invalid figure size %v×%v", f.width, f.height)
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
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: 1, Cols: len(f.plots), PadX: vg.Millimeter * 4}
	cells := plot.Align([][]*plot.Plot{f.plots}, tiles, dc)
	for i, p := range f.plots {
		p.Draw(cells[0][i])
	}
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encoding %v: %w", format, err)
	}
	return buf.Bytes(), nil
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
