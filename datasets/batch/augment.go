package batch

import "math/rand/v2"

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
