package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Interval is a confidence interval of a mean: Mean is the point estimate, [Low, High] the interval.
type Interval struct {
	Mean, Low, High float64
	Level           float64 // Coverage, e.g. 0.95.
	Resamples       int
}

// Contains reports whether v lies inside the interval (ends included).
func (i Interval) Contains(v float64) bool { return i.Low <= v && v <= i.High }

// BootstrapMeanCI returns the percentile bootstrap confidence interval, at the given level (e.g. 0.95), of the
// mean of gaps (paired differences, one per test case): resamples draws of len(gaps) gaps with replacement,
// from a random stream seeded by seed (the same seed gives the same interval).
func BootstrapMeanCI(gaps []float64, level float64, resamples int, seed uint64) (Interval, error) {
	if len(gaps) == 0 {
		return Interval{}, fmt.Errorf("stats: bootstrap of no gaps")
	}
	if !(level > 0 && level < 1) || resamples < 1 {
		return Interval{}, fmt.Errorf("stats: bootstrap at level %v with %d resamples: want 0 < level < 1 and resamples ≥ 1",
			level, resamples)
	}
	rng := rand.New(rand.NewPCG(seed, 0xB0075))
	means := make([]float64, resamples)
	for b := range means {
		sum := 0.0
		for range gaps {
			sum += gaps[rng.IntN(len(gaps))]
		}
		means[b] = sum / float64(len(gaps))
	}
	slices.Sort(means)
	tail := (1 - level) / 2
	return Interval{Mean: mean(gaps), Low: quantile(means, tail), High: quantile(means, 1-tail), Level: level,
		Resamples: resamples}, nil
}

func mean(values []float64) float64 {
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	return sum / float64(len(values))
}

// quantile is the q-quantile (0–1) of ascending values, interpolating linearly (numpy's default).
func quantile(sorted []float64, q float64) float64 {
	rank := q * float64(len(sorted)-1)
	below := int(math.Floor(rank))
	if below >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[below] + (rank-float64(below))*(sorted[below+1]-sorted[below])
}
