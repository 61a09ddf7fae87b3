package render

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/gokd/gokd/viz/palette"
)

// Style says how a mask layer is drawn: a translucent fill, an opaque contour, or both.
type Style int

const (
	// Fill tints the inside of the mask.
	Fill Style = 1 << iota
	// Contour draws the mask's inner boundary.
	Contour
	// FillAndContour does both: a tinted inside with a crisp edge.
	FillAndContour = Fill | Contour
)

// Layer is one mask drawn over a slice: a ground truth, a model's prediction, or a class of errors.
type Layer struct {
	Name  string      // Shown in legends and viewer toggles.
	Mask  []int32     // Same shape as the slice; nonzero is inside.
	Color color.NRGBA // Opaque colour; fills get the renderer's fill opacity.
	Style Style
}

// NewLayer returns a layer; a convenience for a composite literal with positional fields.
func NewLayer(name string, mask []int32, c color.NRGBA, style Style) Layer {
	return Layer{Name: name, Mask: mask, Color: c, Style: style}
}

// ErrorLayers compares a prediction with the ground truth and returns two filled layers: false positives
// (predicted, not in the truth) and false negatives (in the truth, missed), in the palette's error colours.
func ErrorLayers(truth, prediction []int32) (falsePositives, falseNegatives Layer, err error) {
	if len(truth) != len(prediction) {
		return Layer{}, Layer{}, fmt.Errorf("render: error map: truth has %d values, prediction %d", len(truth),
			len(prediction))
	}
	fp, fn := make([]int32, len(truth)), make([]int32, len(truth))
	for i := range truth {
		t, p := truth[i] != 0, prediction[i] != 0
		if p && !t {
			fp[i] = 1
		} else if t && !p {
			fn[i] = 1
		}
	}
	return NewLayer("False positive", fp, palette.FalsePositive, Fill),
		NewLayer("False negative", fn, palette.FalseNegative, Fill), nil
}

// LayerImage renders one layer alone on a transparent background, at the renderer's zoom, for stacking over the
// gray slice elsewhere (the HTML viewer toggles layers this way). Its size is [Renderer.OutputSize] of the slice.
func (r *Renderer) LayerImage(s Slice, layer Layer) (*image.NRGBA, error) {
	if err := r.check(s); err != nil {
		return nil, err
	}
	if err := s.checkMask(layer.Name, layer.Mask); err != nil {
		return nil, err
	}
	if layer.Style&FillAndContour == 0 {
		return nil, fmt.Errorf("render: layer %q has no style (want Fill, Contour or both)", layer.Name)
	}
	inside, outH, outW := r.scaleMask(layer.Mask, s.Height, s.Width)
	img := image.NewNRGBA(image.Rect(0, 0, outW, outH))
	fill := layer.Color
	fill.A = uint8(float64(layer.Color.A)*r.fillOpacity + 0.5)
	for y := range outH {
		for x := range outW {
			if !inside[y*outW+x] {
				continue
			}
			switch {
			case layer.Style&Contour != 0 && onBoundary(inside, outH, outW, y, x, r.contourWidth):
				img.SetNRGBA(x, y, layer.Color)
			case layer.Style&Fill != 0:
				img.SetNRGBA(x, y, fill)
			}
		}
	}
	return img, nil
}

// onBoundary reports whether inside pixel (y, x) lies within width pixels of the outside (4-connected; the
// image border counts as outside, so a mask touching the edge is closed there).
func onBoundary(inside []bool, height, width, y, x, thickness int) bool {
	for d := 1; d <= thickness; d++ {
		for _, o := range [4][2]int{{-d, 0}, {d, 0}, {0, -d}, {0, d}} {
			yy, xx := y+o[0], x+o[1]
			if yy < 0 || yy >= height || xx < 0 || xx >= width || !inside[yy*width+xx] {
				return true
			}
		}
	}
	return false
}

// Overlay renders the slice with the layers drawn over it in order (later layers on top).
func (r *Renderer) Overlay(s Slice, layers ...Layer) (*image.RGBA, error) {
	w, err := r.Window(s)
	if err != nil {
		return nil, err
	}
	return r.OverlayWindowed(s, w, layers...)
}

// OverlayWindowed is [Renderer.Overlay] with an explicit window, for slices of one volume that share it.
func (r *Renderer) OverlayWindowed(s Slice, w Window, layers ...Layer) (*image.RGBA, error) {
	gray, err := r.GrayWindowed(s, w)
	if err != nil {
		return nil, err
	}
	dst := image.NewRGBA(gray.Bounds())
	draw.Draw(dst, dst.Bounds(), gray, image.Point{}, draw.Src)
	for _, layer := range layers {
		li, err := r.LayerImage(s, layer)
		if err != nil {
			return nil, err
		}
		draw.Draw(dst, dst.Bounds(), li, image.Point{}, draw.Over)
	}
	return dst, nil
}
