package experiment

import (
	"fmt"
	"math"
	"slices"

	"github.com/gokd/gokd/kd/metrics"
	"github.com/gokd/gokd/kd/runcache"
)

// Evaluation is a trained model scored on the held-out test cases.
type Evaluation struct {
	Name string
	// Dice is the mean over test cases of the 3D Dice of each case (slices stacked); DiceStd its spread.
	Dice, DiceStd float64
	SliceDice     float64            // Mean 2D Dice over test slices.
	IoU           float64            // Mean over cases.
	Sensitivity   float64            // Mean over cases.
	Specificity   float64            // Mean over cases.
	HD95MM        float64            // Mean over cases with a prediction (NaN-free: missed cases are counted apart).
	MissedCases   int                // Test cases with prostate where the model predicted none.
	SiteDice      map[string]float64 // Mean case Dice per site.
	Params        int
	FLOPsPerSlice int64
	MsPerSlice    float64 // Median inference latency, batch of 1.
	MsPerSliceB8  float64 // Median inference latency of a batch of 8, per slice.
	TrainWallS    float64
}

// evaluationVersion changes when the way a model is scored changes, so cached scores are recomputed (the trained
// models are kept). 2: batch-1 latency takes the faster op schedule of the Go backend (train.SequentialBackend).
const evaluationVersion = 2

// latencyRuns is how many timed inferences each latency figure takes the median of.
const latencyRuns = 15

// Evaluate scores a trained model on the test cases (cached with the model: re-running reloads the scores).
func (r *Runner) Evaluate(t *Trained) (*Evaluation, error) {
	d, err := r.Data()
	if err != nil {
		return nil, err
	}
	key := struct {
		Model   string
		Data    DataConfig
		Version int
	}{t.Key, r.Config.Data, evaluationVersion}
	eval, _, err := runcache.GetJSON(r.Cache, "eval-"+t.Key, key, func() (*Evaluation, error) {
		predictor, err := t.Model.NewPredictor(r.Backend)
		if err != nil {
			return nil, err
		}
		predictions, err := predictor.Predict(d.Test, r.Config.Train.BatchSize)
		if err != nil {
			return nil, err
		}
		report, err := metrics.NewEvaluator().Evaluate(d.Test, predictions)
		if err != nil {
			return nil, fmt.Errorf("evaluating %s: %w", t.Name, err)
		}
		e := summarise(t, report)
		b1, err := predictor.Latency(d.Test[0], 1, latencyRuns)
		if err != nil {
			return nil, err
		}
		b8, err := predictor.Latency(d.Test[0], 8, latencyRuns)
		if err != nil {
			return nil, err
		}
		e.MsPerSlice, e.MsPerSliceB8 = b1.MedianMS(), b8.MedianMS()/8
		e.FLOPsPerSlice = t.Model.Net.FLOPsPerSlice(r.Config.Data.Size)
		return e, nil
	})
	if err != nil {
		return nil, fmt.Errorf("experiment: evaluating %s: %w", t.Name, err)
	}
	eval.Name = t.Name
	return eval, nil
}

func summarise(t *Trained, report *metrics.Report) *Evaluation {
	o := report.Overall
	e := &Evaluation{Name: t.Name, Dice: o.Dice.Mean, DiceStd: o.Dice.Std, SliceDice: o.SliceDice.Mean, IoU: o.IoU.Mean,
		Sensitivity: o.Sensitivity.Mean, Specificity: o.Specificity.Mean, SiteDice: map[string]float64{},
		Params: t.Model.ParamCount(), TrainWallS: t.History.Wall.Seconds()}
	var hd95 []float64
	for _, c := range report.Cases {
		switch h := c.Surface.HD95; {
		case math.IsInf(h, 1):
			e.MissedCases++
		case !math.IsNaN(h):
			hd95 = append(hd95, h)
		}
	}
	e.HD95MM = metrics.NewStat(hd95).Mean
	if len(hd95) == 0 {
		e.HD95MM = 0
	}
	for _, s := range report.Sites {
		e.SiteDice[s.Site] = s.Dice.Mean
	}
	return e
}

// SiteNames returns the sites of an evaluation, sorted.
func (e *Evaluation) SiteNames() []string {
	var names []string
	for s := range e.SiteDice {
		names = append(names, s)
	}
	slices.Sort(names)
	return names
}
