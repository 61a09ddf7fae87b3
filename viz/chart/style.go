package chart

import (
	"image/color"

	"gonum.org/v1/plot/vg/draw"

	"github.com/gokd/gokd/viz/palette"
)

// Style is how one series, bar set or point is drawn: its colour and, for points, its marker shape. The zero
// Style takes the next colour of the Okabe–Ito palette and a filled circle, so callers that give every model
// kind its own Style (package kernelext does) get the same colours in every chart.
type Style struct {
	Color color.NRGBA
	Shape draw.GlyphDrawer // nil: a filled circle (draw.CircleGlyph).
}

// colour returns the style's colour, or the i-th series colour when unset.
func (s Style) colour(i int) color.NRGBA {
	if s.Color.A == 0 {
		return palette.Series(i)
	}
	return s.Color
}

// shape returns the style's marker shape, a filled circle when unset.
func (s Style) shape() draw.GlyphDrawer {
	if s.Shape == nil {
		return draw.CircleGlyph{}
	}
	return s.Shape
}

// Neutral colours of the charts' furniture.
var (
	captionColour = color.NRGBA{0x44, 0x44, 0x44, 0xff} // Captions.
	leaderColour  = color.NRGBA{0x77, 0x77, 0x77, 0xff} // Lines from a point to its displaced label.
	whiskerColour = color.NRGBA{0x22, 0x22, 0x22, 0xff} // Error bars over bars.
	refColour     = color.NRGBA{0x55, 0x55, 0x55, 0xff} // Reference lines of a forest plot.
)
