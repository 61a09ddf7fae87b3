package render

import (
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// face is the one bitmap font of GoKD's pictures: small, legible without anti-aliasing, no font files needed.
var face = basicfont.Face7x13

// Text metrics of the label font, in pixels.
const (
	// LineHeight is the height of one line of text.
	LineHeight = 13
	// textAscent is the distance from the top of a line to its baseline.
	textAscent = 11
)

// TextWidth returns the width in pixels of s drawn with [DrawText].
func TextWidth(s string) int {
	return font.MeasureString(face, s).Ceil()
}

// DrawText draws s on dst with its top-left corner at (x, y).
func DrawText(dst draw.Image, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y+textAscent)}
	d.DrawString(s)
}

// Legend colours: light text on a dark strip, matching the dark background of MRI slices.
var (
	legendBackground = color.NRGBA{0x20, 0x20, 0x20, 0xff}
	legendText       = color.NRGBA{0xf0, 0xf0, 0xf0, 0xff}
)

// legendSwatch is the side of a legend's colour square; legendGap the spacing around entries.
const (
	legendSwatch = 10
	legendGap    = 6
)

// Legend returns a strip naming each layer beside a square of its colour, wrapped onto as many lines as
// needed to fit within maxWidth pixels (at least one entry per line).
func Legend(layers []Layer, maxWidth int) *image.RGBA {
	type placed struct{ x, line int }
	positions := make([]placed, len(layers))
	x, line, widest := legendGap, 0, 0
	for i, l := range layers {
		w := legendSwatch + 4 + TextWidth(l.Name)
		if x > legendGap && x+w+legendGap > maxWidth {
			x, line = legendGap, line+1
		}
		positions[i] = placed{x, line}
		x += w + 2*legendGap
		widest = max(widest, x-legendGap)
	}
	lineStep := LineHeight + legendGap
	img := image.NewRGBA(image.Rect(0, 0, max(maxWidth, widest), legendGap+(line+1)*lineStep))
	draw.Draw(img, img.Bounds(), image.NewUniform(legendBackground), image.Point{}, draw.Src)
	for i, l := range layers {
		px, py := positions[i].x, legendGap+positions[i].line*lineStep
		swatchTop := py + (LineHeight-legendSwatch)/2
		draw.Draw(img, image.Rect(px, swatchTop, px+legendSwatch, swatchTop+legendSwatch),
			image.NewUniform(l.Color), image.Point{}, draw.Src)
		DrawText(img, px+legendSwatch+4, py, l.Name, legendText)
	}
	return img
}

// WithLegend returns img with a [Legend] of the layers below it.
func WithLegend(img image.Image, layers []Layer) *image.RGBA {
	b := img.Bounds()
	legend := Legend(layers, b.Dx())
	out := image.NewRGBA(image.Rect(0, 0, max(b.Dx(), legend.Bounds().Dx()), b.Dy()+legend.Bounds().Dy()))
	draw.Draw(out, out.Bounds(), image.NewUniform(legendBackground), image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(0, 0, b.Dx(), b.Dy()), img, b.Min, draw.Src)
	draw.Draw(out, legend.Bounds().Add(image.Pt(0, b.Dy())), legend, image.Point{}, draw.Src)
	return out
}
