package metrics

import (
	"fmt"
	"math"
)

// Stat summarises one metric over a group (the cases of a site, say): mean ± sample standard deviation.
type Stat struct {
	Mean float64
	Std  float64 // Sample standard deviation (n−1 denominator); 0 for a single value.
	N    int     // Number of values summarised; NaN values (undefined metrics) are left out.
}

// NewStat summarises values, leaving out NaNs. An infinite value makes the mean infinite (and the std NaN): a
// case whose prediction missed the organ entirely is not averaged away. With no value left, Mean and Std are NaN.
func NewStat(values []float64) Stat {
	var s Stat
	var sum float64
	for _, v := range values {
		if !math.IsNaN(v) {
			sum += v
			s.N++
		}
	}
	if s.N == 0 {
		return Stat{Mean: math.NaN(), Std: math.NaN()}
	}
	s.Mean = sum / float64(s.N)
	if s.N == 1 {
		return s
	}
	var sumSq float64
	for _, v := range values {
		if !math.IsNaN(v) {
			sumSq += (v - s.Mean) * (v - s.Mean)
		}
	}
	s.Std = math.Sqrt(sumSq / float64(s.N-1))
	return s
}

// Format renders the stat as "mean ± std" with the given number of decimals.
func (s Stat) Format(decimals int) string {
	return fmt.Sprintf("%.*f ± %.*f", decimals, s.Mean, decimals, s.Std)
}

// percentileOfSorted is the p-th percentile (0–100) of ascending values, interpolating linearly between the
// two nearest ranks (numpy.percentile's default). It is NaN for no values.
func percentileOfSorted(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	rank := p / 100 * float64(len(sorted)-1)
	below := int(math.Floor(rank))
	if below >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := rank - float64(below)
	if frac == 0 {
		return sorted[below] // Also avoids 0·Inf = NaN when the next value is infinite.
	}
	return sorted[below] + frac*(sorted[below+1]-sorted[below])
}
