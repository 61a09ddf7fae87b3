package kernelext

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/gokd/gokd/datasets"
)

// CaseSamples returns the slices of one case (site/case key, see datasets.Sample.CaseKey) in slice order.
func CaseSamples(samples []datasets.Sample, caseKey string) []datasets.Sample {
	out, _ := CasePredictions(samples, make([][]int32, len(samples)), caseKey)
	return out
}

// Pick returns the samples at the given indices with their predictions, e.g. a few rows for ShowComparison.
func Pick(samples []datasets.Sample, predictions [][]int32, indices ...int) ([]datasets.Sample, [][]int32) {
	picked, masks := make([]datasets.Sample, len(indices)), make([][]int32, len(indices))
	for i, index := range indices {
		picked[i], masks[i] = samples[index], predictions[index]
	}
	return picked, masks
}

// PickLargest picks, from each of the first n cases of samples, the slice with the largest ground-truth gland,
// with its prediction: representative rows for ShowComparison.
func PickLargest(samples []datasets.Sample, predictions [][]int32, n int) ([]datasets.Sample, [][]int32) {
	best := map[string]int{}
	var order []string
	for i, s := range samples {
		j, seen := best[s.CaseKey()]
		if !seen {
			order = append(order, s.CaseKey())
		}
		if !seen || area(s.Mask) > area(samples[j].Mask) {
			best[s.CaseKey()] = i
		}
	}
	var indices []int
	for _, key := range order[:min(n, len(order))] {
		indices = append(indices, best[key])
	}
	return Pick(samples, predictions, indices...)
}

// CasePredictions returns the slices of one case in slice order with their predictions (predictions[i] belongs
// to samples[i]).
func CasePredictions(samples []datasets.Sample, predictions [][]int32, caseKey string) ([]datasets.Sample, [][]int32) {
	var indices []int
	for i, s := range samples {
		if s.CaseKey() == caseKey {
			indices = append(indices, i)
		}
	}
	slices.SortFunc(indices, func(a, b int) int { return samples[a].Index - samples[b].Index })
	return Pick(samples, predictions, indices...)
}

func area(mask []int32) int {
	n := 0
	for _, v := range mask {
		if v > 0 {
			n++
		}
	}
	return n
}

// MedianCase returns the case whose Dice is the median of caseDice (the lower median for an even count; ties by
// key), so that a notebook shows a typical case rather than a chosen one; "" when caseDice is empty.
func MedianCase(caseDice map[string]float64) string {
	keys := slices.Collect(maps.Keys(caseDice))
	if len(keys) == 0 {
		return ""
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(caseDice[a], caseDice[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return keys[(len(keys)-1)/2]
}
