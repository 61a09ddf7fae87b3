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
//   - Surface distances of two empty masks are 0; if exactly one mask is empty they are +Inf.
package metrics
