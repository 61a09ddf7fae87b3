package volume

import (
	"fmt"
	"math"
)

// singularTolerance is how small the affine's determinant may get, relative to the product of its column
// lengths, before the grid counts as degenerate: the cosine between two voxel axes within 1e-6 of ±1, or a
// voxel of (nearly) no volume. A voxel volume or an orientation computed from such an affine means nothing.
const singularTolerance = 1e-6

// CheckGeometry reports a grid whose extent in the world is unknown: a spacing of the first three axes that is
// not a positive finite number, or an affine whose 3×3 part is not finite or is singular (see [singularTolerance]).
// The readers refuse such files (a NIfTI sform falls back to its qform first), and callers that build volumes in
// memory can check theirs: a voxel volume in mL or the axis codes of a degenerate grid would be wrong, silently.
func (v *Volume) CheckGeometry() error {
	for axis := range min(3, len(v.Spacing)) {
		if s := v.Spacing[axis]; !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("volume %q: spacing %v: axis %d has spacing %g, not a positive finite length", v.Path,
				v.Spacing, axis, s)
		}
	}
	if err := affineProblem(v.Affine); err != nil {
		return fmt.Errorf("volume %q: %w", v.Path, err)
	}
	return nil
}

// affineProblem returns why the 3×3 part and offset of a voxel-to-world affine cannot describe a grid, or nil.
func affineProblem(a [4][4]float64) error {
	norms := 1.0
	for j := range 3 {
		norm := 0.0
		for i := range 3 {
			if math.IsNaN(a[i][j]) || math.IsInf(a[i][j], 0) || math.IsNaN(a[i][3]) || math.IsInf(a[i][3], 0) {
				return fmt.Errorf("affine %v is not finite", a[:3])
			}
			norm += a[i][j] * a[i][j]
		}
		norms *= math.Sqrt(norm)
	}
	det := a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) - a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) +
		a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	if norms == 0 || math.Abs(det) <= singularTolerance*norms {
		return fmt.Errorf("affine %v is singular (determinant %g): its voxel axes span no volume", a[:3], det)
	}
	return nil
}
