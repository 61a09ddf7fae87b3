package metrics

import (
	"fmt"
	"math"
)

// Confusion counts the voxels of a binary prediction against its binary reference.
//
// Counts of several slices or cases add up ([Confusion.Add]), which is how volume-level overlap is computed from
// slices without stacking them.
type Confusion struct {
	TP int64 // In both prediction and reference.
	FP int64 // In the prediction only.
	FN int64 // In the reference only.
	TN int64 // In neither.
}

// CountLabels compares two label maps, taking the voxels labelled class as the foreground.
// It returns an error if their lengths differ.
func CountLabels(pred, ref []int32, class int32) (Confusion, error) {
	if len(pred) != len(ref) {
		return Confusion{}, fmt.Errorf("metrics: prediction has %d voxels, reference has %d", len(pred), len(ref))
	}
	var c Confusion
	for i, p := range pred {
		c.tally(p == class, ref[i] == class)
	}
	return c, nil
}

// CountMasks compares two binary masks. It returns an error if their lengths differ.
func CountMasks(pred, ref []bool) (Confusion, error) {
	if len(pred) != len(ref) {
		return Confusion{}, fmt.Errorf("metrics: prediction has %d voxels, reference has %d", len(pred), len(ref))
	}
	var c Confusion
	for i, p := range pred {
		c.tally(p, ref[i])
	}
	return c, nil
}

// tally adds one voxel to the counts.
func (c *Confusion) tally(inPred, inRef bool) {
	switch {
	case inPred && inRef:
		c.TP++
	case inPred:
		c.FP++
	case inRef:
		c.FN++
	default:
		c.TN++
	}
}

// Add returns the element-wise sum of the counts.
func (c Confusion) Add(other Confusion) Confusion {
	return Confusion{TP: c.TP + other.TP, FP: c.FP + other.FP, FN: c.FN + other.FN, TN: c.TN + other.TN}
}

// Total is the number of voxels counted.
func (c Confusion) Total() int64 { return c.TP + c.FP + c.FN + c.TN }

// Dice is 2·TP / (2·TP + FP + FN), the overlap score; 1 when both masks are empty.
func (c Confusion) Dice() float64 {
	if c.TP+c.FP+c.FN == 0 {
		return 1
	}
	return 2 * float64(c.TP) / float64(2*c.TP+c.FP+c.FN)
}

// IoU is TP / (TP + FP + FN), the Jaccard index; 1 when both masks are empty.
func (c Confusion) IoU() float64 {
	if c.TP+c.FP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP+c.FN)
}

// Sensitivity (recall) is TP / (TP + FN); NaN when the reference is empty.
func (c Confusion) Sensitivity() float64 { return ratio(c.TP, c.TP+c.FN) }

// Specificity is TN / (TN + FP); NaN when the reference covers every voxel.
func (c Confusion) Specificity() float64 { return ratio(c.TN, c.TN+c.FP) }

// Precision is TP / (TP + FP); NaN when the prediction is empty.
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// ratio is num/den, NaN (undefined) when den is 0.
func ratio(num, den int64) float64 {
	if den == 0 {
		return math.NaN()
	}
	return float64(num) / float64(den)
}
