package metrics_test

import (
	"fmt"

	"github.com/gokd/gokd/kd/metrics"
)

// Overlap and boundary distance of a prediction shifted by one pixel from its reference, on a grid of
// 0.5 mm × 0.5 mm pixels.
func ExampleSurface() {
	const h, w = 6, 6
	square := func(top, left int) []bool {
		mask := make([]bool, h*w)
		for y := top; y < top+3; y++ {
			for x := left; x < left+3; x++ {
				mask[y*w+x] = true
			}
		}
		return mask
	}
	ref, pred := square(1, 1), square(1, 2)
	confusion, err := metrics.CountMasks(pred, ref)
	if err != nil {
		fmt.Println(err)
		return
	}
	surface, err := metrics.Surface(pred, ref, metrics.Grid{Shape: []int{h, w}, SpacingMM: []float64{0.5, 0.5}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Dice %.3f, HD95 %.2f mm, Hausdorff %.2f mm, ASSD %.3f mm\n",
		confusion.Dice(), surface.HD95, surface.Hausdorff, surface.ASSD)
	// Output:
	// Dice 0.667, HD95 0.50 mm, Hausdorff 0.50 mm, ASSD 0.250 mm
}
