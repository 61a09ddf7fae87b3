package chart

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
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
	// PNG is a raster image, for notebooks and files, drawn at the figure's [Figure.Scale] (2× by default).
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

// Default sizes: a one-panel figure is FigureWidth wide, legend included (the width of a notebook's text); a
// figure of several panels gives each PanelWidth. Both are PanelHeight high, plus the caption.
const (
	FigureWidth = 7.2 * vg.Inch
	PanelWidth  = 4.8 * vg.Inch
	PanelHeight = 3.6 * vg.Inch
)

// DefaultScale is the PNG resolution in image pixels per display pixel: 2, sharp on high-DPI screens when shown
// at its display size ([Figure.HTML] sets it).
const DefaultScale = 2

// Figure is one or more plots side by side, each with its legend outside its data area (to the right, or below
// when it would take too much of the width), and an optional caption below: ready to encode.
type Figure struct {
	plots         []*plot.Plot
	layers        []*pointLayer // Per plot: its labelled points (a scatter chart's), or nil.
	width, height vg.Length
	sized         bool // Size was called: the height is the caller's, caption included.
	caption       string
	scale         float64
}

// NewFigure returns a figure of the plots in one row: [FigureWidth] wide for one plot, [PanelWidth] per plot for
// more, [PanelHeight] high. Each plot's legend (plot.Legend) is drawn outside its data area.
func NewFigure(plots ...*plot.Plot) *Figure {
	return &Figure{plots: plots, layers: make([]*pointLayer, len(plots)),
		width: max(FigureWidth, PanelWidth*vg.Length(len(plots))), height: PanelHeight, scale: DefaultScale}
}

// Size sets the size of the whole figure, caption included.
func (f *Figure) Size(width, height vg.Length) *Figure {
	f.width, f.height, f.sized = width, height, true
	return f
}

// Caption sets a line of text drawn below the plots: what the whiskers or intervals show, for instance.
func (f *Figure) Caption(text string) *Figure {
	f.caption = text
	return f
}

// Scale sets the PNG resolution in image pixels per display pixel ([DefaultScale] by default; 1 for a PNG
// shown at its own size).
func (f *Figure) Scale(scale float64) *Figure {
	f.scale = scale
	return f
}

// Plots returns the figure's plots, to adjust them before encoding.
func (f *Figure) Plots() []*plot.Plot { return f.plots }

// DisplaySize returns the figure's size in display (CSS) pixels, 96 per inch: the size to show its PNG at.
func (f *Figure) DisplaySize() (width, height int) {
	w, h := f.canvasSize()
	return int(float64(w)*pixelsPerPoint + 0.5), int(float64(h)*pixelsPerPoint + 0.5)
}

// canvasSize is the size of the whole figure, a caption added below the plots unless the size was set.
func (f *Figure) canvasSize() (vg.Length, vg.Length) {
	if f.caption != "" && !f.sized {
		return f.width, f.height + captionHeight()
	}
	return f.width, f.height
}

// Encode draws the figure and returns it encoded in the given format.
func (f *Figure) Encode(format Format) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	w, h := f.canvasSize()
	var canvas interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch format {
	case PNG:
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(int(96*f.scale+0.5)))}
	case SVG:
		canvas = vgsvg.New(w, h)
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

// PNG encodes the figure as PNG, at [Figure.Scale] image pixels per display pixel.
func (f *Figure) PNG() ([]byte, error) { return f.Encode(PNG) }

// SVG encodes the figure as SVG.
func (f *Figure) SVG() ([]byte, error) { return f.Encode(SVG) }

// HTML returns the figure as an HTML image: its PNG inline, shown at its display size (sharp on high-DPI
// screens) and no wider than the page, with alt the image's text alternative.
func (f *Figure) HTML(alt string) (string, error) {
	data, err := f.PNG()
	if err != nil {
		return "", err
	}
	w, h := f.DisplaySize()
	return fmt.Sprintf(`<img alt="%s" width="%d" height="%d" style="max-width:100%%;height:auto" src="data:image/png;base64,%s"/>`,
		html.EscapeString(alt), w, h, base64.StdEncoding.EncodeToString(data)), nil
}

func (f *Figure) check() error {
	if len(f.plots) == 0 {
		return fmt.Errorf("chart: figure has no plots")
	}
	if !(f.width > 0 && f.height > 0) {
		return fmt.Errorf("chart: invalid figure size %v×%v", f.width, f.height)
	}
	if !(f.scale > 0) {
		return fmt.Errorf("chart: invalid PNG scale %g", f.scale)
	}
	return nil
}
