package render

import (
	"fmt"
	"image"
	"math"
)

// Interpolation selects how intensities are resampled when zooming. Masks are always resampled with
// nearest-neighbour, since blending class ids has no meaning.
type Interpolation int

const (
	// Nearest keeps each voxel a crisp square: what radiologists expect when judging a boundary.
	Nearest Interpolation = iota
	// Bilinear interpolates intensities smoothly between voxel centres.
	Bilinear
)

// Renderer renders slices to images. Create one with [New] and configure it with its setters, which
// modify and return it:
//
//	r := render.New().Zoom(3).Interpolation(render.Bilinear)
//	img, err := r.Overlay(slice, render.NewLayer("GT", mask, palette.GroundTruth, render.Contour))
//
// A Renderer is not safe for concurrent configuration, but rendering with it from several goroutines is fine.
type Renderer struct {
	window                        *Window
	lowPercentile, highPercentile float64
	zoom                          float64
	interpolation                 Interpolation
	fillOpacity                   float64
	contourWidth                  int
}

// New returns a Renderer with the default configuration: window from the 1st to the 99th percentile of each
// slice, zoom 1, nearest-neighbour scaling, fills at 35% opacity and 1-pixel contours.
func New() *Renderer {
	return &Renderer{lowPercentile: 1, highPercentile: 99, zoom: 1, interpolation: Nearest, fillOpacity: 0.35,
		contourWidth: 1}
}

// Clone returns an independent copy, to derive a configuration without changing the original.
func (r *Renderer) Clone() *Renderer {
	c := *r
	if r.window != nil {
		w := *r.window
		c.window = &w
	}
	return &c
}

// FixedWindow fixes the window instead of computing it from percentiles.
func (r *Renderer) FixedWindow(w Window) *Renderer {
	r.window = &w
	return r
}

// Percentiles sets the percentiles (0–100) the automatic window spans, and drops any fixed window.
func (r *Renderer) Percentiles(low, high float64) *Renderer {
	r.window, r.lowPercentile, r.highPercentile = nil, low, high
	return r
}

// Zoom sets the scale factor from slice pixels to image pixels; it may be below 1 to shrink.
func (r *Renderer) Zoom(zoom float64) *Renderer {
	r.zoom = zoom
	return r
}

// Interpolation sets how intensities are resampled when zooming.
func (r *Renderer) Interpolation(i Interpolation) *Renderer {
	r.interpolation = i
	return r
}

// FillOpacity sets the opacity (0–1) of mask fills; contours are always opaque.
func (r *Renderer) FillOpacity(opacity float64) *Renderer {
	r.fillOpacity = opacity
	return r
}

// ContourWidth sets the contour thickness in image pixels.
func (r *Renderer) ContourWidth(pixels int) *Renderer {
	r.contourWidth = pixels
	return r
}

// ZoomFactor returns the configured scale factor.
func (r *Renderer) ZoomFactor() float64 { return r.zoom }

// InterpolationMode returns the configured intensity resampling.
func (r *Renderer) InterpolationMode() Interpolation { return r.interpolation }

func (r *Renderer) validate() error {
	if !(r.zoom > 0) || math.IsInf(r.zoom, 0) {
		return fmt.Errorf("render: invalid zoom %g: want a finite value > 0", r.zoom)
	}
	if r.interpolation != Nearest && r.interpolation != Bilinear {
		return fmt.Errorf("render: unknown interpolation %d", r.interpolation)
	}
	if !(r.fillOpacity >= 0 && r.fillOpacity <= 1) {
		return fmt.Errorf("render: invalid fill opacity %g: want 0–1", r.fillOpacity)
	}
	if r.contourWidth < 1 {
		return fmt.Errorf("render: invalid contour width %d: want ≥ 1 pixel", r.contourWidth)
	}
	return nil
}

// OutputSize returns the height and width in image pixels of a rendered height×width slice.
func (r *Renderer) OutputSize(height, width int) (outHeight, outWidth int) {
	return max(1, int(math.Round(float64(height)*r.zoom))), max(1, int(math.Round(float64(width)*r.zoom)))
}

// Window returns the window used for slices: the fixed one, or the configured percentiles of all the given
// slices' pixels together. Passing every slice of a volume gives one window for the whole volume, so that a
// montage or a viewer does not flicker in brightness from slice to slice.
func (r *Renderer) Window(slices ...Slice) (Window, error) {
	if r.window != nil {
		return *r.window, r.window.validate()
	}
	var all []float32
	if len(slices) == 1 {
		all = slices[0].Pixels
	} else {
		for _, s := range slices {
			all = append(all, s.Pixels...)
		}
	}
	return PercentileWindow(all, r.lowPercentile, r.highPercentile)
}

// Gray renders the slice alone, windowed and zoomed.
func (r *Renderer) Gray(s Slice) (*image.Gray, error) {
	w, err := r.Window(s)
	if err != nil {
		return nil, err
	}
	return r.GrayWindowed(s, w)
}

// GrayWindowed is [Renderer.Gray] with an explicit window, for slices of one volume that share it.
func (r *Renderer) GrayWindowed(s Slice, w Window) (*image.Gray, error) {
	if err := r.check(s); err != nil {
		return nil, err
	}
	if err := w.validate(); err != nil {
		return nil, err
	}
	return r.gray(s, w), nil
}

func (r *Renderer) check(s Slice) error {
	if err := r.validate(); err != nil {
		return err
	}
	return s.Validate()
}

// gray renders a validated slice with window w.
func (r *Renderer) gray(s Slice, w Window) *image.Gray {
	outH, outW := r.OutputSize(s.Height, s.Width)
	img := image.NewGray(image.Rect(0, 0, outW, outH))
	scaleY, scaleX := float64(s.Height)/float64(outH), float64(s.Width)/float64(outW)
	for oy := range outH {
		row := img.Pix[oy*img.Stride : oy*img.Stride+outW]
		for ox := range outW {
			var v float32
			if r.interpolation == Bilinear {
				v = bilinear(s, (float64(oy)+0.5)*scaleY-0.5, (float64(ox)+0.5)*scaleX-0.5)
			} else {
				v = s.Pixels[nearestIndex(oy, scaleY, s.Height)*s.Width+nearestIndex(ox, scaleX, s.Width)]
			}
			row[ox] = w.Gray(v)
		}
	}
	return img
}

// nearestIndex maps output pixel o to the source pixel whose area holds its centre.
func nearestIndex(o int, scale float64, n int) int {
	return min(n-1, int((float64(o)+0.5)*scale))
}

// bilinear samples s at fractional source coordinates (y, x) measured between pixel centres, clamped to the edge.
func bilinear(s Slice, y, x float64) float32 {
	y = min(max(y, 0), float64(s.Height-1))
	x = min(max(x, 0), float64(s.Width-1))
	y0, x0 := int(y), int(x)
	y1, x1 := min(y0+1, s.Height-1), min(x0+1, s.Width-1)
	fy, fx := float32(y-float64(y0)), float32(x-float64(x0))
	at := func(yy, xx int) float32 { return s.Pixels[yy*s.Width+xx] }
	top := at(y0, x0)*(1-fx) + at(y0, x1)*fx
	bottom := at(y1, x0)*(1-fx) + at(y1, x1)*fx
	return top*(1-fy) + bottom*fy
}

// scaleMask resamples a height×width mask to the output size with nearest-neighbour: true where nonzero.
func (r *Renderer) scaleMask(mask []int32, height, width int) (inside []bool, outH, outW int) {
	outH, outW = r.OutputSize(height, width)
	inside = make([]bool, outH*outW)
	scaleY, scaleX := float64(height)/float64(outH), float64(width)/float64(outW)
	for oy := range outH {
		sy := nearestIndex(oy, scaleY, height)
		for ox := range outW {
			inside[oy*outW+ox] = mask[sy*width+nearestIndex(ox, scaleX, width)] != 0
		}
	}
	return inside, outH, outW
}
