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
	// Over says what Dice's ± and the other columns summarise: "cases" for one model scored on the test cases, or
	// "N seeds" for a student kind's mean over its seeds (see Results.Representatives).
	Over string `json:",omitempty"`
	// Dice is the mean over test cases of the 3D Dice of each case (slices stacked); DiceStd its spread.
	Dice, DiceStd float64
	// CaseDice is the 3D Dice of each test case, by case key (site/case): the pairs of paired tests.
	CaseDice map[string]float64
	// SliceDice is the mean 2D Dice over the test slices where the truth or the prediction has foreground.
	SliceDice   float64
	IoU         float64 // Mean over cases.
	Sensitivity float64 // Mean over cases.
	Specificity float64 // Mean over cases.
	// HD95MM and ASSDMM are the means over the SurfaceCases test cases that have a distance; the MissedCases where
	// the model predicted no prostate are counted apart. With SurfaceCases 0 they are 0 and mean nothing: print
	// them with HD95Text.
	HD95MM, ASSDMM float64
	SurfaceCases   int
	MissedCases    int // Test cases with prostate where the model predicted none.
	// DistanceUnit is the unit of HD95MM and ASSDMM: "mm", or "voxels" when the data's voxel size is unknown
	// (DataConfig.VoxelSizeUnknown). Empty means "mm".
	DistanceUnit  string             `json:",omitempty"`
	SiteDice      map[string]float64 // Mean case Dice per site.
	Params        int
	FLOPsPerSlice int64
	MsPerSlice    float64 // Median inference latency, batch of 1.
	MsPerSliceB8  float64 // Median inference latency of a batch of 8, per slice.
	TrainWallS    float64
}

// evaluationVersion changes when the way a model is scored changes, so cached scores are recomputed (the trained
// models are kept). 2: batch-1 latency takes the faster op schedule of the Go backend (inference.SequentialBackend).
// 3: slice Dice leaves out slices empty in both masks; HD95 and ASSD count missed cases apart; per-case Dice.
const evaluationVersion = 3

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
	}{t.Key, r.Config.Data.keyed(), evaluationVersion}
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
	eval.Name, eval.DistanceUnit = t.Name, r.Config.Data.distanceUnit()
	return eval, nil
}

func summarise(t *Trained, report *metrics.Report) *Evaluation {
	o := report.Overall
	e := &Evaluation{Name: t.Name, Over: "cases", Dice: o.Dice.Mean, DiceStd: o.Dice.Std, SliceDice: o.SliceDice.Mean, IoU: o.IoU.Mean,
		Sensitivity: o.Sensitivity.Mean, Specificity: o.Specificity.Mean, SiteDice: map[string]float64{},
		Params: t.Model.ParamCount(), TrainWallS: t.History.Wall.Seconds()}
	e.CaseDice = map[string]float64{}
	for _, c := range report.Cases {
		e.CaseDice[c.Site+"/"+c.Case] = c.Confusion.Dice()
	}
	e.MissedCases, e.SurfaceCases = o.Missed, o.HD95.N
	if o.HD95.N > 0 { // Else they stay 0: JSON (the cache) has no NaN.
		e.HD95MM, e.ASSDMM = o.HD95.Mean, o.ASSD.Mean
	}
	for _, s := range report.Sites {
		e.SiteDice[s.Site] = s.Dice.Mean
	}
	return e
}

// HD95 returns the HD95 summary (mean over the cases with a distance; NaN when none has one).
func (e *Evaluation) HD95() metrics.Stat {
	if e.SurfaceCases == 0 {
		return metrics.Stat{Mean: math.NaN(), Std: math.NaN()}
	}
	return metrics.Stat{Mean: e.HD95MM, N: e.SurfaceCases}
}

// HD95Value returns the mean HD95 in mm over the cases with a distance, or nil when no case has one: JSON
// renders it as null, never as a distance.
func (e *Evaluation) HD95Value() *float64 {
	if e.SurfaceCases == 0 {
		return nil
	}
	v := e.HD95MM
	return &v
}

// HD95Text renders HD95 in mm with the number of missed cases beside it: "3.2", "3.2 (1 missed)", or "– (9
// missed)" when no case has a distance.
func (e *Evaluation) HD95Text() string {
	text := "–"
	if e.SurfaceCases > 0 {
		text = fmt.Sprintf("%.1f", e.HD95MM)
	}
	if e.MissedCases > 0 || e.SurfaceCases == 0 {
		text += fmt.Sprintf(" (%d missed)", e.MissedCases)
	}
	return text
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
