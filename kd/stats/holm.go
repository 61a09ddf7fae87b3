package stats

import (
	"math"
	"slices"
)

// Holm adjusts the p-values of a family of tests for multiple comparisons with Holm's step-down method: the
// i-th smallest of m p-values is multiplied by m − i + 1, and the adjusted values are made non-decreasing in
// that order and capped at 1. A hypothesis is rejected at level α when its adjusted p-value is ≤ α; the
// family-wise error rate is then at most α. The result is in the order of p; a NaN p-value stays NaN and does
// not count in m.
func Holm(p []float64) []float64 {
	adjusted := make([]float64, len(p))
	var order []int
	for i, v := range p {
		adjusted[i] = math.NaN()
		if !math.IsNaN(v) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareFloat(p[a], p[b]) })
	m, running := len(order), 0.0
	for k, i := range order {
		running = math.Max(running, math.Min(1, float64(m-k)*p[i]))
		adjusted[i] = running
	}
	return adjusted
}
