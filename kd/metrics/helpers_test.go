package metrics

import (
	"math"
	"math/rand/v2"
)

// boxMask returns a mask on shape that is true inside the box [lo, lo+size) (clipped to the grid).
func boxMask(shape, lo, size []int) []bool {
	mask := make([]bool, Grid{Shape: shape}.NumVoxels())
	coords := make([]int, len(shape))
	for i := range mask {
		inside := true
		for axis, c := range coords {
			inside = inside && c >= lo[axis] && c < lo[axis]+size[axis]
		}
		mask[i] = inside
		nextCoords(coords, shape)
	}
	return mask
}

// randomBlobs returns a mask of a few random overlapping boxes, so that surfaces have concavities and holes.
func randomBlobs(rng *rand.Rand, shape []int, boxes int) []bool {
	mask := make([]bool, Grid{Shape: shape}.NumVoxels())
	for range boxes {
		lo, size := make([]int, len(shape)), make([]int, len(shape))
		for axis, n := range shape {
			lo[axis] = rng.IntN(n)
			size[axis] = 1 + rng.IntN(max(1, n/2))
		}
		for i, in := range boxMask(shape, lo, size) {
			mask[i] = mask[i] != in // XOR carves holes where boxes overlap.
		}
	}
	return mask
}

// bruteSurface lists the coordinates of the surface voxels of mask, testing neighbours by coordinates.
func bruteSurface(mask []bool, shape []int) [][]int {
	index := func(coords []int) int {
		i := 0
		for axis, c := range coords {
			i = i*shape[axis] + c
		}
		return i
	}
	var surface [][]int
	coords := make([]int, len(shape))
	for _, in := range mask {
		if in {
			onSurface := false
			for axis := range shape {
				for _, step := range []int{-1, 1} {
					neighbour := append([]int(nil), coords...)
					neighbour[axis] += step
					if neighbour[axis] < 0 || neighbour[axis] >= shape[axis] || !mask[index(neighbour)] {
						onSurface = true
					}
				}
			}
			if onSurface {
				surface = append(surface, append([]int(nil), coords...))
			}
		}
		nextCoords(coords, shape)
	}
	return surface
}

// bruteDistances returns, for every point of from, the distance in mm to the nearest point of to: O(n·m).
func bruteDistances(from, to [][]int, spacing []float64) []float64 {
	distances := make([]float64, len(from))
	for i, p := range from {
		best := math.Inf(1)
		for _, q := range to {
			var sq float64
			for axis := range p {
				d := float64(p[axis]-q[axis]) * spacing[axis]
				sq += d * d
			}
			best = min(best, sq)
		}
		distances[i] = math.Sqrt(best)
	}
	return distances
}

// closeTo reports whether a and b agree to a relative and absolute tolerance of tol (Infs must match exactly).
func closeTo(a, b, tol float64) bool {
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= tol*max(1, math.Abs(a), math.Abs(b))
}
