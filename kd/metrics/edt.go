package metrics

import "math"

// squaredEDT replaces, in place, each value of sq (0 at feature voxels, +Inf elsewhere) by the exact squared
// Euclidean distance in mm² to the nearest feature voxel, on a row-major lattice of the given shape and per-axis
// spacing. Voxels stay +Inf only when there is no feature at all.
//
// It is the separable algorithm of Felzenszwalb and Huttenlocher ("Distance Transforms of Sampled Functions",
// 2012): one exact 1D lower-envelope-of-parabolas pass per axis, O(voxels) per axis. Spacing enters as the
// physical position of each sample along the axis, which keeps the result exact for anisotropic voxels.
func (w *Workspace) squaredEDT(sq []float64, shape []int, spacing []float64) {
	stride := len(sq)
	for axis, n := range shape {
		stride /= n // Distance in sq between neighbours along this axis.
		w.line = grow(w.line, n)
		w.envelope = grow(w.envelope, n)
		w.boundaries = grow(w.boundaries, n)
		for block := 0; block < len(sq); block += n * stride {
			for lineStart := block; lineStart < block+stride; lineStart++ {
				for i := range n {
					w.line[i] = sq[lineStart+i*stride]
				}
				w.transformLine(sq, lineStart, stride, spacing[axis])
			}
		}
	}
}

// transformLine runs the 1D transform on w.line[:n] (a copy of one line of sq) and writes the result back to sq.
func (w *Workspace) transformLine(sq []float64, lineStart, stride int, spacing float64) {
	f := w.line
	n := len(f)
	v, z := w.envelope, w.boundaries // Sites of the parabolas in the lower envelope, and their left boundaries.
	k := -1                          // Index of the rightmost parabola in the envelope.
	for q := range n {
		if math.IsInf(f[q], 1) {
			continue // No feature reachable on this line through q yet: it adds no parabola.
		}
		xq := float64(q) * spacing
		var s float64
		for k >= 0 {
			xv := float64(v[k]) * spacing
			s = ((f[q] + xq*xq) - (f[v[k]] + xv*xv)) / (2 * (xq - xv))
			if s > z[k] {
				break
			}
			k-- // Parabola k is hidden by q's everywhere to the right of z[k]: drop it.
		}
		k++
		v[k] = q
		if k == 0 {
			z[0] = math.Inf(-1)
		} else {
			z[k] = s
		}
	}
	if k < 0 {
		return // No finite value on the line: it stays +Inf.
	}
	j := 0
	for q := range n {
		xq := float64(q) * spacing
		for j < k && z[j+1] < xq {
			j++
		}
		dx := xq - float64(v[j])*spacing
		sq[lineStart+q*stride] = dx*dx + f[v[j]]
	}
}

// grow returns buf resliced to length n, reallocating only when its capacity is short.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}
