package viewer_test

import (
	"fmt"
	"strings"

	"github.com/gokd/gokd/viz/palette"
	"github.com/gokd/gokd/viz/render"
	"github.com/gokd/gokd/viz/viewer"
)

// A viewer of three slices with a ground-truth layer. In a notebook, kernelext.ShowCase builds one for a case;
// here its HTML is checked for the slider.
func ExampleNew() {
	const size = 16
	slices := make([]render.Slice, 3)
	masks := make([][]int32, 3)
	for i := range slices {
		pixels := make([]float32, size*size)
		mask := make([]int32, size*size)
		for p := range pixels {
			pixels[p] = float32(p%size + i)
			if p%size > 4 && p%size < 10 && p/size > 4 && p/size < 10 {
				mask[p] = 1
			}
		}
		slices[i], masks[i] = render.Slice{Pixels: pixels, Height: size, Width: size}, mask
	}
	html, err := viewer.New(slices).Title("phantom").Layer("ground truth", masks, palette.GroundTruth,
		render.FillAndContour).HTML()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("has a slider:", strings.Contains(html, `type="range"`))
	// Output:
	// has a slider: true
}
