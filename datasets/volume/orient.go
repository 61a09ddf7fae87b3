package volume

import (
	"fmt"
	"math"
)

// axisOrientation says which world axis (0 = x, 1 = y, 2 = z of RAS+) a voxel axis runs along, and whether it
// runs along it (+1) or against it (-1). A world axis of -1 means undetermined (a degenerate affine column).
type axisOrientation struct {
	worldAxis int
	sign      int
}

// worldLabels names, per world axis, the direction that a negative and a positive sign point to (nibabel's
// aff2axcodes labels for RAS+).
var worldLabels = [3][2]byte{{'L', 'R'}, {'P', 'A'}, {'I', 'S'}}

// canonicalSigns is the target orientation of Canonical, LPS: axis 0 towards Left (-x), axis 1 towards
// Posterior (-y), axis 2 towards Superior (+z).
var canonicalSigns = [3]int{-1, -1, +1}

// AxisCodes returns, for each of the first three voxel axes, the letter of the direction it runs towards in
// patient space (e.g. "RAS" or "LPS"), like nibabel's aff2axcodes; '?' marks an undetermined axis.
func (v *Volume) AxisCodes() string {
	codes := make([]byte, 3)
	for axis, o := range orientation(v.Affine) {
		codes[axis] = '?'
		if o.worldAxis >= 0 {
			codes[axis] = worldLabels[o.worldAxis][(o.sign+1)/2]
		}
	}
	return string(codes)
}

// orientation mirrors nibabel's io_orientation: it normalises the affine's columns, removes shear with a polar
// decomposition, then assigns each voxel axis, in order, the not yet used world axis its direction is closest to.
func orientation(affine [4][4]float64) [3]axisOrientation {
	var rs [3][3]float64
	for j := range 3 {
		norm := math.Sqrt(affine[0][j]*affine[0][j] + affine[1][j]*affine[1][j] + affine[2][j]*affine[2][j])
		if norm == 0 {
			norm = 1
		}
		for i := range 3 {
			rs[i][j] = affine[i][j] / norm
		}
	}
	r := closestRotation(rs)
	var out [3]axisOrientation
	for in := range 3 {
		out[in] = axisOrientation{worldAxis: -1}
		best, bestAbs := -1, 1e-8 // Columns within 1e-8 of zero are undetermined (numpy's allclose).
		for w := range 3 {
			if a := math.Abs(r[w][in]); a > bestAbs {
				best, bestAbs = w, a
			}
		}
		if best < 0 {
			continue
		}
		out[in] = axisOrientation{worldAxis: best, sign: 1}
		if r[best][in] < 0 {
			out[in].sign = -1
		}
		r[best] = [3]float64{} // That world axis is taken.
	}
	return out
}

// closestRotation returns the orthogonal polar factor of m (the orthogonal matrix closest to it) by Newton's
// iteration X ← (X + X⁻ᵀ)/2, or m itself when m is singular.
func closestRotation(m [3][3]float64) [3][3]float64 {
	x := m
	for range 100 {
		inv, ok := inverse3(x)
		if !ok {
			return m
		}
		var next [3][3]float64
		delta := 0.0
		for i := range 3 {
			for j := range 3 {
				next[i][j] = (x[i][j] + inv[j][i]) / 2
				delta = max(delta, math.Abs(next[i][j]-x[i][j]))
			}
		}
		x = next
		if delta < 1e-15 {
			break
		}
	}
	return x
}

// inverse3 inverts a 3×3 matrix, reporting false when it is (numerically) singular.
func inverse3(m [3][3]float64) ([3][3]float64, bool) {
	var c [3][3]float64 // Cofactors.
	for i := range 3 {
		for j := range 3 {
			i1, i2 := (i+1)%3, (i+2)%3
			j1, j2 := (j+1)%3, (j+2)%3
			c[i][j] = m[i1][j1]*m[i2][j2] - m[i1][j2]*m[i2][j1]
		}
	}
	det := m[0][0]*c[0][0] + m[0][1]*c[0][1] + m[0][2]*c[0][2]
	if math.Abs(det) < 1e-12 || math.IsNaN(det) {
		return c, false
	}
	var inv [3][3]float64
	for i := range 3 {
		for j := range 3 {
			inv[i][j] = c[j][i] / det
		}
	}
	return inv, true
}

// canonicalOrientation returns, for each voxel axis of v, the world axis it becomes in [Volume.Canonical] and its
// sign there. Axes with an undetermined orientation take the world axes nobody claimed, in order, unflipped.
func (v *Volume) canonicalOrientation() [3]axisOrientation {
	ornt := orientation(v.Affine)
	var taken [3]bool
	for _, o := range ornt {
		if o.worldAxis >= 0 {
			taken[o.worldAxis] = true
		}
	}
	for in := range ornt {
		if ornt[in].worldAxis < 0 {
			for w := range 3 {
				if !taken[w] {
					taken[w] = true
					ornt[in] = axisOrientation{worldAxis: w, sign: canonicalSigns[w]}
					break
				}
			}
		}
	}
	return ornt
}

// Canonical returns a copy reoriented (axis permutations and flips only, no resampling) so that axis 0 runs from
// the patient's Right to Left, axis 1 from Anterior to Posterior, axis 2 from Inferior to Superior (LPS index
// order). Then an axial slice z, stored row-major with row = axis 1 and column = axis 0, displays anterior up and
// the patient's left on the image's right (radiological convention). Spacing and Affine are updated consistently.
//
// The voxel data match nibabel's apply_orientation to 'LPS' of io_orientation's result. Axes whose orientation
// the affine leaves undetermined keep their order and direction, taking the remaining slots.
func (v *Volume) Canonical() *Volume {
	ornt := v.canonicalOrientation()
	out := &Volume{Dims: clone(v.Dims), Spacing: clone(v.Spacing), Path: v.Path, Data: make([]float32, len(v.Data))}
	var flip [3]bool
	for in, o := range ornt {
		out.Dims[o.worldAxis] = v.Dims[in]
		out.Spacing[o.worldAxis] = v.Spacing[in]
		flip[in] = o.sign != canonicalSigns[o.worldAxis]
	}

	// Old voxel index o relates to new index n by o[in] = n[w] or Dims[in]-1-n[w] (w = ornt[in].worldAxis):
	// o = P·n + c, so the new affine is A·[P c; 0 1].
	out.Affine = identity()
	for i := range 3 {
		out.Affine[i][3] = v.Affine[i][3]
		for in, o := range ornt {
			column := v.Affine[i][in]
			if flip[in] {
				out.Affine[i][3] += column * float64(v.Dims[in]-1)
				column = -column
			}
			out.Affine[i][o.worldAxis] = column
		}
	}

	base, step := canonicalSteps(ornt, v.Dims, out.Dims)
	n := v.NumVoxels()
	for t := range v.NumFrames() {
		src, dst := v.Data[t*n:(t+1)*n], out.Data[t*n:(t+1)*n]
		i := 0
		for z := range v.Dims[2] {
			for y := range v.Dims[1] {
				offset := base + z*step[2] + y*step[1]
				for range v.Dims[0] {
					dst[offset] = src[i]
					offset += step[0]
					i++
				}
			}
		}
	}
	return out
}

// canonicalSteps returns where voxel (0, 0, 0) of the original grid lies in the canonical data (base) and how far
// one step along each original axis moves there (step): walking the original voxels in file order visits the
// canonical offsets base + x·step[0] + y·step[1] + z·step[2].
func canonicalSteps(ornt [3]axisOrientation, dims, canonicalDims []int) (base int, step [3]int) {
	strides := [3]int{1, canonicalDims[0], canonicalDims[0] * canonicalDims[1]}
	for in, o := range ornt {
		step[in] = strides[o.worldAxis]
		if o.sign != canonicalSigns[o.worldAxis] {
			base += step[in] * (dims[in] - 1)
			step[in] = -step[in]
		}
	}
	return base, step
}

// FromCanonical undoes [Volume.Canonical] for data computed in v's canonical orientation — a segmentation
// predicted on v.Canonical(), say: it returns a volume on v's own grid (v's first three Dims, its Spacing and
// Affine, exactly) whose voxel (x, y, z) holds the canonical voxel that v's voxel (x, y, z) became. canonical
// must have the dims of v.Canonical() on its first three axes; further axes (frames) are kept. Path is empty.
func (v *Volume) FromCanonical(canonical *Volume) (*Volume, error) {
	if err := canonical.Validate(); err != nil {
		return nil, fmt.Errorf("volume: FromCanonical: %w", err)
	}
	ornt := v.canonicalOrientation()
	want := v.CanonicalDims()
	if canonical.Dims[0] != want[0] || canonical.Dims[1] != want[1] || canonical.Dims[2] != want[2] {
		return nil, fmt.Errorf("volume: FromCanonical: data has dims %v, the canonical grid of %q has %v",
			canonical.Dims, v.Path, want)
	}
	out := &Volume{Dims: append(clone(v.Dims[:3]), canonical.Dims[3:]...),
		Spacing: append(clone(v.Spacing[:3]), canonical.Spacing[3:]...), Affine: v.Affine,
		Data: make([]float32, len(canonical.Data))}
	base, step := canonicalSteps(ornt, v.Dims, want[:])
	n := v.NumVoxels()
	for t := range canonical.NumFrames() {
		src, dst := canonical.Data[t*n:(t+1)*n], out.Data[t*n:(t+1)*n]
		i := 0
		for z := range v.Dims[2] {
			for y := range v.Dims[1] {
				offset := base + z*step[2] + y*step[1]
				for range v.Dims[0] {
					dst[i] = src[offset]
					offset += step[0]
					i++
				}
			}
		}
	}
	return out, nil
}

// CanonicalDims returns the first three Dims that [Volume.Canonical] would give v, without copying its data.
func (v *Volume) CanonicalDims() [3]int {
	var dims [3]int
	for in, o := range v.canonicalOrientation() {
		dims[o.worldAxis] = v.Dims[in]
	}
	return dims
}
