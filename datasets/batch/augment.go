package batch

import (
	"fmt"
	"math/rand/v2"

	"github.com/gokd/gokd/datasets"
)

// Augmentation selects the random, label-preserving transformations applied to training samples. Geometric
// transformations move image and mask together; intensity jitter touches the image only.
type Augmentation struct {
	Flips     bool // Random horizontal and vertical flips.
	Rotations bool // Random rotations by multiples of 90°.
	// IntensityJitter is the largest relative change of contrast and the largest shift (in normalised units) of
	// the image intensities: image·(1+a)+b with a, b uniform in [−IntensityJitter, IntensityJitter].
	IntensityJitter float64
}

// NoAugmentation is the setting for evaluation: samples are yielded as stored.
var NoAugmentation = Augmentation{}

// DefaultAugmentation is the training setting: flips, 90° rotations and ±10% intensity jitter.
var DefaultAugmentation = Augmentation{Flips: true, Rotations: true, IntensityJitter: 0.1}

// Enabled reports whether any transformation is on.
func (a Augmentation) Enabled() bool { return a.Flips || a.Rotations || a.IntensityJitter > 0 }

// dihedral is one of the 8 symmetries of the square: output pixel (y, x) is optionally mirrored, then rotated by
// quarterTurns·90° counter-clockwise, to find its source pixel.
type dihedral struct {
	flipY, flipX bool
	quarterTurns int
}

// source returns the source pixel of output pixel (y, x) in an n×n image.
func (d dihedral) source(y, x, n int) (int, int) {
	if d.flipY {
		y = n - 1 - y
	}
	if d.flipX {
		x = n - 1 - x
	}
	switch d.quarterTurns {
	case 1: // out[y][x] = in[x][n-1-y], as numpy.rot90.
		return x, n - 1 - y
	case 2:
		return n - 1 - y, n - 1 - x
	case 3:
		return n - 1 - x, y
	}
	return y, x
}

// NumViews is the number of distinct geometric views the augmentation draws: the 8 symmetries of the square (two
// flips combined equal a half turn, so flips × quarter turns give 8, not 16).
const NumViews = 8

// view returns the index in [0, NumViews) of the symmetry: a vertical flip or none, then 0–3 quarter turns (a
// horizontal flip is a vertical one and a half turn).
func (d dihedral) view() int {
	flipY, turns := d.flipY, d.quarterTurns
	if d.flipX {
		flipY, turns = !flipY, (turns+2)%4
	}
	if flipY {
		return 1 + 2*turns
	}
	return 2 * turns
}

// viewGeometry is the symmetry of index view (see dihedral.view).
func viewGeometry(view int) dihedral { return dihedral{flipY: view%2 == 1, quarterTurns: view / 2} }

// View returns sample s seen in a geometric view (0 ≤ view < [NumViews]): image and mask flipped and rotated as
// the augmentation does when it draws that view, without intensity jitter. View 0 is s unchanged. It is how
// targets for [Config.Targets] are computed: a teacher run on View(s, v) gives sample s's target in view v.
func View(s datasets.Sample, view int) (datasets.Sample, error) {
	if view < 0 || view >= NumViews {
		return datasets.Sample{}, fmt.Errorf("batch: view %d of sample %s/%s#%d, want 0 to %d", view, s.Site, s.Case,
			s.Index, NumViews-1)
	}
	if err := s.Validate(); err != nil {
		return datasets.Sample{}, fmt.Errorf("batch: view %d: %w", view, err)
	}
	out := s
	out.Image, out.Mask = make([]float32, len(s.Image)), make([]int32, len(s.Mask))
	viewGeometry(view).transform(1, 0, s.Image, s.Mask, s.Size, s.Channels, out.Image, out.Mask)
	return out, nil
}

// draw picks one sample's transformation; it always consumes the same random numbers, so a sample's
// augmentation depends only on its seed, not on which transformations are enabled.
func (a Augmentation) draw(rng *rand.Rand) (geometry dihedral, gain, shift float32) {
	bits := rng.Uint64()
	if a.Flips {
		geometry.flipY, geometry.flipX = bits&1 != 0, bits&2 != 0
	}
	if a.Rotations {
		geometry.quarterTurns = int(bits>>2) & 3
	}
	jitter := func() float32 { return float32(a.IntensityJitter * (2*rng.Float64() - 1)) }
	gain, shift = 1+jitter(), jitter()
	return geometry, gain, shift
}

// apply writes the transformed sample into image (n·n·channels) and mask (n·n).
func (a Augmentation) apply(rng *rand.Rand, srcImage []float32, srcMask []int32, n, channels int, image []float32,
	mask []int32) {
	geometry, gain, shift := a.draw(rng)
	geometry.transform(gain, shift, srcImage, srcMask, n, channels, image, mask)
}

// transform writes srcImage and srcMask moved by the symmetry, the image's intensities scaled by gain and shifted.
func (geometry dihedral) transform(gain, shift float32, srcImage []float32, srcMask []int32, n,
	channels int, image []float32, mask []int32) {
	for y := range n {
		for x := range n {
			sy, sx := geometry.source(y, x, n)
			src, dst := sy*n+sx, y*n+x
			mask[dst] = srcMask[src]
			for c := range channels {
				image[dst*channels+c] = srcImage[src*channels+c]*gain + shift
			}
		}
	}
}
