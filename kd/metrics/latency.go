package metrics

import (
	"fmt"
	"slices"
	"time"
)

// Latency summarises the wall-clock time of repeated runs of one inference.
type Latency struct {
	Runs             int           // Timed runs (warm-up runs excluded).
	Median, P10, P90 time.Duration // Percentiles of the timed runs (linear interpolation).
	Min, Max         time.Duration
}

// MedianMS is the median in milliseconds, the figure usually reported.
func (l Latency) MedianMS() float64 { return milliseconds(l.Median) }

// String renders the latency as "median ms (p10–p90 ms, n runs)".
func (l Latency) String() string {
	return fmt.Sprintf("%.3f ms (p10 %.3f – p90 %.3f ms, %d runs)", l.MedianMS(), milliseconds(l.P10),
		milliseconds(l.P90), l.Runs)
}

// MeasureLatency runs infer warmup times untimed (to let caches, JIT compilation and allocators settle), then runs
// it runs times, timing each run. It knows nothing of models: infer should run one complete inference, including
// whatever synchronisation makes its result available. It returns an error if runs < 1 or warmup < 0.
func MeasureLatency(infer func(), warmup, runs int) (Latency, error) {
	if runs < 1 || warmup < 0 {
		return Latency{}, fmt.Errorf("metrics: latency needs runs ≥ 1 and warmup ≥ 0, got runs=%d warmup=%d",
			runs, warmup)
	}
	for range warmup {
		infer()
	}
	nanos := make([]float64, runs)
	for i := range nanos {
		start := time.Now()
		infer()
		nanos[i] = float64(time.Since(start))
	}
	slices.Sort(nanos)
	percentile := func(p float64) time.Duration { return time.Duration(percentileOfSorted(nanos, p)) }
	return Latency{
		Runs:   runs,
		Median: percentile(50),
		P10:    percentile(10),
		P90:    percentile(90),
		Min:    time.Duration(nanos[0]),
		Max:    time.Duration(nanos[runs-1]),
	}, nil
}

func milliseconds(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
