package metrics

import (
	"fmt"
	"math"
)

// Grid describes the voxel lattice a flat mask is laid out on: row-major, the last axis varying fastest.
type Grid struct {
	Shape     []int     // Voxels per axis, e.g. {slices, rows, columns} or {rows, columns}.
	SpacingMM []float64 // Distance between neighbouring voxel centres along each axis, in mm.
}

// NumVoxels is the product of the grid's dimensions.
func (g Grid) NumVoxels() int {
	n := 1
	for _, d := range g.Shape {
		n *= d
	}
	return n
}

// Validate reports whether the grid has at least one axis, positive dimensions and positive finite spacings.
func (g Grid) Validate() error {
	if len(g.Shape) == 0 {
		return fmt.Errorf("metrics: grid has no axes")
	}
	if len(g.SpacingMM) != len(g.Shape) {
		return fmt.Errorf("metrics: grid shape %v has %d axes but %d spacings %v", g.Shape, len(g.Shape),
			len(g.SpacingMM), g.SpacingMM)
	}
	for axis, d := range g.Shape {
		if d <= 0 {
			return fmt.Errorf("metrics: grid shape %v has non-positive dimension on axis %d", g.Shape, axis)
		}
		if s := g.SpacingMM[axis]; !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("metrics: grid spacing %v mm has invalid value %v on axis %d", g.SpacingMM, s, axis)
		}
	}
	return nil
}

// SurfaceMetrics are the boundary distances between a prediction and its reference, in mm.
//
// The surface of a mask is its voxels with at least one face neighbour outside the mask (voxels on the border of
// the grid count as surface): the mask minus its erosion by the face-connected structuring element, as in MONAI
// and MedPy. Each surface voxel of one mask is given the Euclidean distance to the nearest surface voxel of the
// other. HD95 is a 95th percentile with linear interpolation (numpy.percentile's and torch.quantile's default) of
// these distances, pooled or per direction as the [HD95Definition] says; the Hausdorff distance and ASSD summarise
// the pooled distances of both directions.
// If both masks are empty all distances are 0; if exactly one is empty they are +Inf.
type SurfaceMetrics struct {
	HD95      float64 // 95th percentile of the distances, under the Workspace's HD95Definition (pooled by default).
	Hausdorff float64 // Largest distance: the Hausdorff distance.
	ASSD      float64 // Mean of the pooled distances: the average symmetric surface distance.

	PredSurfaceVoxels, RefSurfaceVoxels int // Number of surface voxels of each mask.
}

// Workspace holds the buffers of surface-distance computations, so that evaluating many cases allocates only
// when a case is larger than any before it, and the choice of [HD95Definition]. The zero value is ready to use
// (with [HD95Pooled]); it is not safe for concurrent use.
type Workspace struct {
	hd95Definition HD95Definition

	predLabels, refLabels []bool    // Whole-volume binarisation of label maps.
	pred, ref             []bool    // Masks cropped to the bounding box of their union.
	predSurf, refSurf     []bool    // Surfaces of the cropped masks.
	sqDist                []float64 // Squared distance transform of the crop.
	distances             []float64 // Surface distances: prediction to reference, then reference to prediction.
	lo, hi, cropShape     []int     // Bounding box of the union, and its size.
	coords                []int     // Scratch coordinates for lattice walks.

	// Scratch of the 1D distance transform.
	line       []float64
	envelope   []int
	boundaries []float64
}

// Surface computes the surface distances between two binary masks laid out on grid.
// It allocates a fresh [Workspace]; hold one to evaluate many cases.
func Surface(pred, ref []bool, grid Grid) (SurfaceMetrics, error) {
	return new(Workspace).Surface(pred, ref, grid)
}

// HD95 is the 95th percentile of the pooled surface distances of both directions between two binary masks, in mm
// ([HD95Pooled]); see [SurfaceMetrics] for the definition and the empty-mask conventions.
func HD95(pred, ref []bool, grid Grid) (float64, error) {
	m, err := Surface(pred, ref, grid)
	return m.HD95, err
}

// SurfaceLabels is [Workspace.Surface] for two label maps, taking the voxels labelled class as the foreground.
func (w *Workspace) SurfaceLabels(pred, ref []int32, class int32, grid Grid) (SurfaceMetrics, error) {
	w.predLabels = binarizeInto(w.predLabels, pred, class)
	w.refLabels = binarizeInto(w.refLabels, ref, class)
	return w.Surface(w.predLabels, w.refLabels, grid)
}

// Surface computes the surface distances between two binary masks laid out on grid.
//
// The work is confined to the bounding box of the union of both masks: every surface voxel, and thus every
// distance, lies inside it, so the result is the same as on the whole grid.
func (w *Workspace) Surface(pred, ref []bool, grid Grid) (SurfaceMetrics, error) {
	if err := grid.Validate(); err != nil {
		return SurfaceMetrics{}, err
	}
	if err := w.hd95Definition.validate(); err != nil {
		return SurfaceMetrics{}, err
	}
	if n := grid.NumVoxels(); len(pred) != n || len(ref) != n {
		return SurfaceMetrics{}, fmt.Errorf("metrics: grid %v has %d voxels, but prediction has %d and reference %d",
			grid.Shape, n, len(pred), len(ref))
	}
	predEmpty, refEmpty := w.unionBoundingBox(pred, ref, grid.Shape)
	switch {
	case predEmpty && refEmpty:
		return SurfaceMetrics{}, nil
	case predEmpty || refEmpty:
		inf := math.Inf(1)
		return SurfaceMetrics{HD95: inf, Hausdorff: inf, ASSD: inf}, nil
	}

	cropSize := 1
	for _, d := range w.cropShape {
		cropSize *= d
	}
	w.pred = w.crop(w.pred, pred, grid.Shape, cropSize)
	w.ref = w.crop(w.ref, ref, grid.Shape, cropSize)
	w.predSurf = w.markSurface(w.predSurf, w.pred)
	w.refSurf = w.markSurface(w.refSurf, w.ref)

	w.distances = w.distances[:0]
	nPred := w.collectDistances(w.predSurf, w.refSurf, grid.SpacingMM)
	nRef := w.collectDistances(w.refSurf, w.predSurf, grid.SpacingMM)
	var sum, largest float64 // Summed in lattice order, so that ASSD is the same under every HD95Definition.
	for _, d := range w.distances {
		sum += d
		largest = max(largest, d)
	}
	hd95 := w.hd95Definition.hd95(w.distances, nPred)
	return SurfaceMetrics{
		HD95:              hd95,
		Hausdorff:         largest,
		ASSD:              sum / float64(len(w.distances)),
		PredSurfaceVoxels: nPred,
		RefSurfaceVoxels:  nRef,
	}, nil
}

// unionBoundingBox sets w.lo, w.hi and w.cropShape to the bounding box of the voxels in pred or ref, and reports
// which masks are empty. The box is meaningless when both are.
func (w *Workspace) unionBoundingBox(pred, ref []bool, shape []int) (predEmpty, refEmpty bool) {
	rank := len(shape)
	w.lo, w.hi, w.coords = grow(w.lo, rank), grow(w.hi, rank), grow(w.coords, rank)
	for axis := range rank {
		w.lo[axis], w.hi[axis], w.coords[axis] = shape[axis], -1, 0
	}
	predEmpty, refEmpty = true, true
	rowLen, last := shape[rank-1], rank-1
	for start := 0; start < len(pred); start += rowLen { // One run along the last axis at a time.
		first, final := -1, -1
		for x, p := range pred[start : start+rowLen] {
			if r := ref[start+x]; p || r {
				predEmpty = predEmpty && !p
				refEmpty = refEmpty && !r
				if first < 0 {
					first = x
				}
				final = x
			}
		}
		if first >= 0 {
			for axis, c := range w.coords[:last] {
				w.lo[axis] = min(w.lo[axis], c)
				w.hi[axis] = max(w.hi[axis], c)
			}
			w.lo[last] = min(w.lo[last], first)
			w.hi[last] = max(w.hi[last], final)
		}
		nextCoords(w.coords[:last], shape[:last])
	}
	w.cropShape = grow(w.cropShape, rank)
	for axis := range rank {
		w.cropShape[axis] = w.hi[axis] - w.lo[axis] + 1
	}
	return predEmpty, refEmpty
}

// crop copies the bounding box w.lo…w.hi of mask (laid out on shape) into dst, one run along the last axis at a time.
func (w *Workspace) crop(dst, mask []bool, shape []int, cropSize int) []bool {
	dst = grow(dst, cropSize)
	rank := len(shape)
	rowLen := w.cropShape[rank-1]
	clear(w.coords)
	for start := 0; start < cropSize; start += rowLen {
		src := 0
		for axis := range rank {
			src = src*shape[axis] + w.lo[axis] + w.coords[axis]
		}
		copy(dst[start:start+rowLen], mask[src:src+rowLen])
		nextCoords(w.coords[:rank-1], w.cropShape[:rank-1])
	}
	return dst
}

// markSurface sets dst to the surface of mask (laid out on w.cropShape): mask voxels with a face neighbour outside
// the mask or outside the box. Outside the box is outside both masks, since the box bounds their union.
func (w *Workspace) markSurface(dst, mask []bool) []bool {
	dst = grow(dst, len(mask))
	shape := w.cropShape
	clear(w.coords)
	for i, in := range mask {
		dst[i] = in && w.touchesBackground(mask, i)
		nextCoords(w.coords, shape)
	}
	return dst
}

// touchesBackground reports whether voxel i, at w.coords, has a face neighbour outside mask or outside w.cropShape.
func (w *Workspace) touchesBackground(mask []bool, i int) bool {
	stride := 1
	for axis := len(w.cropShape) - 1; axis >= 0; axis-- {
		c, n := w.coords[axis], w.cropShape[axis]
		if c == 0 || c == n-1 || !mask[i-stride] || !mask[i+stride] {
			return true
		}
		stride *= n
	}
	return false
}

// collectDistances appends to w.distances the distance from every voxel of from to the nearest voxel of to, and
// returns how many it appended.
func (w *Workspace) collectDistances(from, to []bool, spacing []float64) int {
	w.sqDist = grow(w.sqDist, len(to))
	inf := math.Inf(1)
	for i, t := range to {
		if t {
			w.sqDist[i] = 0
		} else {
			w.sqDist[i] = inf
		}
	}
	w.squaredEDT(w.sqDist, w.cropShape, spacing)
	n := 0
	for i, f := range from {
		if f {
			w.distances = append(w.distances, math.Sqrt(w.sqDist[i]))
			n++
		}
	}
	return n
}

// nextCoords advances coords to the next voxel of shape in row-major order, wrapping to all zeros after the last.
func nextCoords(coords, shape []int) {
	for axis := len(shape) - 1; axis >= 0; axis-- {
		coords[axis]++
		if coords[axis] < shape[axis] {
			return
		}
		coords[axis] = 0
	}
}

// binarizeInto sets dst (resized to len(labels)) to whether each label equals class.
func binarizeInto(dst []bool, labels []int32, class int32) []bool {
	dst = grow(dst, len(labels))
	for i, l := range labels {
		dst[i] = l == class
	}
	return dst
}
