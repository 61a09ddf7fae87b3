package render_test

import (
	"testing"

	"github.com/gokd/gokd/viz/internal/testimage"
	"github.com/gokd/gokd/viz/palette"
	"github.com/gokd/gokd/viz/render"
)

// BenchmarkOverlay renders a 128² slice at zoom 3 with a filled and contoured layer.
func BenchmarkOverlay(b *testing.B) {
	c := testimage.New(128, 0)
	r := render.New().Zoom(3).Interpolation(render.Bilinear)
	layer := render.NewLayer("GT", c.Truth, palette.GroundTruth, render.FillAndContour)
	for b.Loop() {
		if _, err := r.Overlay(c.Slice, layer); err != nil {
			b.Fatal(err)
		}
	}
}
