package experiment

import (
	"fmt"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/metrics"
)

// VolumeRuns is how many times TimeVolume times each model: at least 30, for a median and a spread that hold.
const VolumeRuns = 30

// VolumeTiming is the time a model takes to segment one whole test volume (every slice, in batches of
// Train.BatchSize), measured alternating with the other models timed with it (metrics.MeasureAlternating).
type VolumeTiming struct {
	Name    string
	Case    string // The test case timed (its CaseKey).
	Slices  int
	Latency metrics.Latency // Of the whole volume.
}

// MsPerSlice is the median time per slice, in milliseconds.
func (v VolumeTiming) MsPerSlice() float64 { return v.Latency.MedianMS() / float64(v.Slices) }

// TimeVolume times the models on the first test case, alternating between them for runs rounds after two warm-up
// rounds, in this process: the teacher and the student measured under the same conditions.
func (r *Runner) TimeVolume(models []*Trained, runs int) ([]VolumeTiming, error) {
	d, err := r.Data()
	if err != nil {
		return nil, err
	}
	key := d.Test[0].CaseKey()
	var volume []datasets.Sample
	for _, s := range d.Test {
		if s.CaseKey() == key {
			volume = append(volume, s)
		}
	}
	var runErr error
	infers := make([]func(), len(models))
	for i, m := range models {
		predictor, err := m.Model.NewPredictor(r.Backend)
		if err != nil {
			return nil, fmt.Errorf("experiment: timing %s: %w", m.Name, err)
		}
		infers[i] = func() {
			if _, err := predictor.Predict(volume, r.Config.Train.BatchSize); err != nil && runErr == nil {
				runErr = fmt.Errorf("experiment: timing %s: %w", m.Name, err)
			}
		}
	}
	latencies, err := metrics.MeasureAlternating(2, runs, infers...)
	if err != nil {
		return nil, err
	}
	if runErr != nil {
		return nil, runErr
	}
	out := make([]VolumeTiming, len(models))
	for i, m := range models {
		out[i] = VolumeTiming{Name: m.Name, Case: key, Slices: len(volume), Latency: latencies[i]}
	}
	return out, nil
}

// SpeedTable lists volume timings: the median per volume and per slice, and the spread (10th–90th percentile).
func SpeedTable(timings []VolumeTiming) metrics.Table {
	t := metrics.Table{Columns: []string{"model", "case", "slices", "ms/volume (median)", "p10–p90", "ms/slice", "runs"}}
	for _, v := range timings {
		t.Rows = append(t.Rows, []string{v.Name, v.Case, fmt.Sprint(v.Slices), fmt.Sprintf("%.1f", v.Latency.MedianMS()),
			fmt.Sprintf("%.1f–%.1f", float64(v.Latency.P10.Microseconds())/1000, float64(v.Latency.P90.Microseconds())/1000),
			fmt.Sprintf("%.2f", v.MsPerSlice()), fmt.Sprint(v.Latency.Runs)})
	}
	return t
}
