package testimage

import (
	"math"
	"math/rand/v2"

	"github.com/gokd/gokd/viz/render"
)

// Case is one synthetic slice with its masks.
type Case struct {
	Slice                   render.Slice
	Truth, Teacher, Student []int32
}

// Disc returns a size×size mask, 1 inside the disc of the given centre (row, column) and radius.
func Disc(size int, cy, cx, radius float64) []int32 {
	mask := make([]int32, size*size)
	for y := range size {
		for x := range size {
			if math.Hypot(float64(y)-cy, float64(x)-cx) <= radius {
				mask[y*size+x] = 1
			}
		}
	}
	return mask
}

// New returns a size×size synthetic case; the prostate disc's centre moves with index (through a volume) and its
// radius shrinks towards the ends, and the noise is seeded by index, so each index is a different, reproducible
// slice. Teacher predictions are the truth shifted one pixel; student predictions a smaller, offset disc.
func New(size, index int) Case {
	rng := rand.New(rand.NewPCG(uint64(index), 7))
	s := float64(size)
	cy, cx := 0.40*s+float64(index%5), 0.5*s
	radius := 0.16 * s * (1 - 0.03*float64(index%7))
	pixels := make([]float32, size*size)
	truth := Disc(size, cy, cx, radius)
	for y := range size {
		for x := range size {
			v := float32(0)
			if math.Pow((float64(y)-0.5*s)/(0.45*s), 2)+math.Pow((float64(x)-0.5*s)/(0.42*s), 2) <= 1 {
				v = 300 + 100*float32(x)/float32(s) // Body with a left-right intensity ramp.
			}
			if truth[y*size+x] != 0 {
				v = 700
			}
			pixels[y*size+x] = v + float32(rng.NormFloat64()*20)
		}
	}
	return Case{
		Slice:   render.Slice{Pixels: pixels, Height: size, Width: size},
		Truth:   truth,
		Teacher: Disc(size, cy+1, cx, radius),
		Student: Disc(size, cy+2, cx-2, radius*0.8),
	}
}
