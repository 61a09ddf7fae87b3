// Package metrics evaluates segmentations: it scores predicted masks against reference masks on the host, without
// building any graph.
//
// Overlap metrics (Dice, IoU, sensitivity, specificity, precision) come from a [Confusion] count. Boundary metrics
// (HD95, Hausdorff distance, average symmetric surface distance) come from [Surface], which measures distances in
// millimetres between the surfaces of two masks on an anisotropic voxel [Grid], using an exact Euclidean distance
// transform. [Evaluator] stacks the 2D slices of each case ([datasets.Sample]) into a volume and aggregates the
// scores per case and per site into a [Report] that renders as a [Table]. [MeasureLatency] times any inference
// function.
//
// Conventions, chosen once for the whole package:
//   - Dice and IoU of two empty masks are 1 (nothing to find, nothing found).
//   - Ratios whose denominator is zero otherwise (sensitivity of an empty reference, precision of an empty
//     prediction, specificity of a full reference) are NaN: undefined, and skipped by [Stat] when aggregating.
//   - Surface distances of two empty masks are 0; if exactly one mask is empty they are +Inf. (MONAI 1.3 gives NaN
//     for both empty, and for HD95 with one empty; MedPy raises an error.)
//
// HD95 has two definitions in the field, selected by [HD95Definition]: [HD95Pooled], the default, is the 95th
// percentile of both directions' distances pooled (MedPy's hd95); [HD95Directed] is the larger of the two
// directed 95th percentiles (MONAI's compute_hausdorff_distance with percentile=95). The directed one is usually
// the larger, by up to a third on irregular masks. The Hausdorff distance and ASSD (the mean of the pooled
// distances, as MONAI's symmetric compute_average_surface_distance and MedPy 0.5's assd compute it; MedPy 0.4
// averaged the two directed means instead) do not depend on the choice. Surfaces (the mask minus its erosion by
// the face-connected element, grid border counted as surface) and percentile interpolation (linear) are the
// references' own. On the 24 non-empty mask pairs of testdata/surface_goldens.json (2D and 3D, anisotropic spacing,
// single voxels, disjoint, nested, thin, seeded random blobs) GoKD matches MedPy 0.5.2 to 2·10⁻¹⁴ (both float64)
// and MONAI 1.3.2 to 1.4·10⁻⁶ relative (MONAI computes in float32).
package metrics
