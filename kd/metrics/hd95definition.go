package metrics

import (
	"fmt"
	"slices"
)

// HD95Definition selects how HD95 combines the surface distances of the two directions (prediction to reference,
// reference to prediction). The two definitions the field uses differ: on the golden pairs of
// testdata/surface_goldens.json the directed HD95 is up to a third larger (9.12 mm against 6.84 mm), so a
// comparison with published numbers must use the definition of the tool that produced them.
//
// The choice affects HD95 only: the Hausdorff distance (the largest distance) is the same under both, and ASSD is
// always the mean of the pooled distances, as both MONAI (symmetric=True) and MedPy 0.5 compute it.
type HD95Definition int

const (
	// HD95Pooled is the 95th percentile of the distances of both directions pooled together: MedPy's
	// medpy.metric.binary.hd95. It is the default (the zero value).
	HD95Pooled HD95Definition = iota

	// HD95Directed is the larger of the two directed 95th percentiles: MONAI's
	// monai.metrics.compute_hausdorff_distance with percentile=95 (and directed=False).
	HD95Directed
)

// String names the definition: "pooled" or "directed".
func (d HD95Definition) String() string {
	switch d {
	case HD95Pooled:
		return "pooled"
	case HD95Directed:
		return "directed"
	}
	return fmt.Sprintf("HD95Definition(%d)", int(d))
}

// validate reports whether d is one of the defined constants.
func (d HD95Definition) validate() error {
	if d != HD95Pooled && d != HD95Directed {
		return fmt.Errorf("metrics: unknown HD95 definition %d (want HD95Pooled or HD95Directed)", int(d))
	}
	return nil
}

// hd95 computes HD95 under d from distances: the first nPred measured from the prediction's surface to the
// reference's, the rest the other way round. Neither part may be empty. It sorts distances in place: wholly for
// HD95Pooled, each part on its own for HD95Directed.
func (d HD95Definition) hd95(distances []float64, nPred int) float64 {
	if d == HD95Directed {
		predToRef, refToPred := distances[:nPred], distances[nPred:]
		slices.Sort(predToRef)
		slices.Sort(refToPred)
		return max(percentileOfSorted(predToRef, 95), percentileOfSorted(refToPred, 95))
	}
	slices.Sort(distances)
	return percentileOfSorted(distances, 95)
}

// HD95Definition sets how [Workspace.Surface] computes HD95; the default is [HD95Pooled].
func (w *Workspace) HD95Definition(d HD95Definition) *Workspace {
	w.hd95Definition = d
	return w
}
