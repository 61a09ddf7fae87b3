package stats

import (
	"fmt"
	"math"
	"slices"
)

// Wilcoxon is the result of a two-sided paired Wilcoxon signed-rank test.
type Wilcoxon struct {
	N          int     // Pairs with a non-zero difference: the ones ranked (zeros are dropped, Wilcoxon's rule).
	Zeros      int     // Pairs with a zero difference, dropped.
	Ties       bool    // Whether some non-zero |differences| are equal (they share their mean rank).
	RPlus      float64 // Sum of the ranks of the positive differences.
	RMinus     float64 // Sum of the ranks of the negative differences.
	Statistic  float64 // min(RPlus, RMinus), as scipy reports it.
	Z          float64 // Normal approximation's z of RPlus (tie-corrected); NaN when the p-value is exact.
	P          float64 // Two-sided p-value.
	Exact      bool    // Whether P comes from the exact null distribution rather than the normal approximation.
	MeanRPlus  float64 // RPlus's mean under the null hypothesis, n(n+1)/4.
	TotalPairs int     // Pairs given, zeros included.
}

// exactLimit is the largest sample for which the p-value is exact when there are neither ties nor zeros;
// exactTiesLimit the largest (zeros counted) for which it is still exact with ties or zeros: scipy's "auto".
const (
	exactLimit     = 50
	exactTiesLimit = 13
)

// SignedRank runs the two-sided Wilcoxon signed-rank test of x − y (paired samples, same length), as
// scipy.stats.wilcoxon(x, y) does with its defaults: zero differences are dropped, tied |differences| get their
// mean rank, and the p-value is
//   - exact (the null distribution of RPlus, every sign equally likely) when at most 50 pairs have neither
//     ties nor zeros;
//   - exact conditional on the tied ranks (scipy's permutation test over all 2ⁿ signs) when there are ties or
//     zeros among at most 13 pairs;
//   - otherwise from the normal approximation with the tie correction of the variance and no continuity
//     correction.
//
// With every difference zero the test is undefined: P is NaN.
func SignedRank(x, y []float64) (Wilcoxon, error) {
	if len(x) != len(y) {
		return Wilcoxon{}, fmt.Errorf("stats: signed-rank test of %d against %d values: want pairs", len(x), len(y))
	}
	if len(x) == 0 {
		return Wilcoxon{}, fmt.Errorf("stats: signed-rank test of no pairs")
	}
	var d []float64
	w := Wilcoxon{TotalPairs: len(x), Z: math.NaN()}
	for i := range x {
		diff := x[i] - y[i]
		switch {
		case math.IsNaN(diff):
			return Wilcoxon{}, fmt.Errorf("stats: signed-rank test: pair %d (%v, %v) has no difference", i, x[i], y[i])
		case diff == 0:
			w.Zeros++
		default:
			d = append(d, diff)
		}
	}
	w.N = len(d)
	if w.N == 0 {
		w.P = math.NaN()
		return w, nil
	}
	// Ranks of |d|, ties sharing their mean rank; doubled they are integers.
	order := make([]int, w.N)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareFloat(math.Abs(d[a]), math.Abs(d[b])) })
	doubled := make([]int, w.N) // 2·rank of d[i].
	tieTerm := 0.0              // Σ t³ − t over groups of t tied values.
	for start := 0; start < w.N; {
		end := start + 1
		for end < w.N && math.Abs(d[order[end]]) == math.Abs(d[order[start]]) {
			end++
		}
		t := end - start
		if t > 1 {
			w.Ties = true
			tieTerm += float64(t*t*t - t)
		}
		for k := start; k < end; k++ {
			doubled[order[k]] = start + end + 1 // 2 · mean of ranks start+1 … end.
		}
		start = end
	}
	rPlus2 := 0 // 2·RPlus
	total2 := 0
	for i, r := range doubled {
		total2 += r
		if d[i] > 0 {
			rPlus2 += r
		}
	}
	w.RPlus, w.RMinus = float64(rPlus2)/2, float64(total2-rPlus2)/2
	w.Statistic = min(w.RPlus, w.RMinus)
	n := float64(w.N)
	w.MeanRPlus = n * (n + 1) / 4
	switch {
	case !w.Ties && w.Zeros == 0 && w.TotalPairs <= exactLimit,
		(w.Ties || w.Zeros > 0) && w.TotalPairs <= exactTiesLimit:
		w.Exact = true
		w.P = exactP(doubled, rPlus2)
	default:
		sd := math.Sqrt((n*(n+1)*(2*n+1) - tieTerm/2) / 24)
		w.Z = (w.RPlus - w.MeanRPlus) / sd
		w.P = math.Min(1, math.Erfc(math.Abs(w.Z)/math.Sqrt2)) // 2·Φ(−|z|).
	}
	return w, nil
}

// exactP is the two-sided p-value 2·min(P(R ≥ r), P(R ≤ r)) of the doubled signed-rank sum r, under the null
// distribution where each doubled rank enters the sum with probability ½, independently: counted by dynamic
// programming over the reachable sums.
func exactP(doubled []int, r int) float64 {
	total := 0
	for _, v := range doubled {
		total += v
	}
	counts := make([]float64, total+1) // counts[s]: sign patterns with doubled sum s, divided by 2^(ranks so far).
	counts[0] = 1
	reach := 0
	for _, v := range doubled {
		for s := reach; s >= 0; s-- {
			if counts[s] != 0 {
				counts[s+v] += counts[s] / 2
				counts[s] /= 2
			}
		}
		reach += v
	}
	var below, above float64 // P(R ≤ r), P(R ≥ r).
	for s, c := range counts {
		if s <= r {
			below += c
		}
		if s >= r {
			above += c
		}
	}
	return math.Min(1, 2*math.Min(below, above))
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
