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
	latencies, err := MeasureAlternating(warmup, runs, infer)
	if err != nil {
		return Latency{}, err
	}
	return latencies[0], nil
}

// MeasureAlternating times several inferences against each other: after warmup untimed rounds, it runs runs
// rounds, each calling every one of infers once in turn, and returns each one's latency. Alternating makes them
// share whatever the machine does meanwhile (another process, frequency scaling), so that their ratio is fair.
// It returns an error if runs < 1, warmup < 0 or no infer is given.
func MeasureAlternating(warmup, runs int, infers ...func()) ([]Latency, error) {
	if runs < 1 || warmup < 0 || len(infers) == 0 {
		return nil, fmt.Errorf("metrics: latency needs runs ≥ 1, warmup ≥ 0 and an inference, got runs=%d warmup=%d and %d inferences",
			runs, warmup, len(infers))
	}
	for range warmup {
		for _, infer := range infers {
			infer()
		}
	}
	nanos := make([][]float64, len(infers))
	for range runs {
		for i, infer := range infers {
			start := time.Now()
			infer()
			nanos[i] = append(nanos[i], float64(time.Since(start)))
		}
	}
	out := make([]Latency, len(infers))
	for i, times := range nanos {
		slices.Sort(times)
		percentile := func(p float64) time.Duration { return time.Duration(percentileOfSorted(times, p)) }
		out[i] = Latency{Runs: runs, Median: percentile(50), P10: percentile(10), P90: percentile(90),
			Min: time.Duration(times[0]), Max: time.Duration(times[runs-1])}
	}
	return out, nil
}

func milliseconds(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
