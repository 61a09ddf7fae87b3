package experiment

import (
	"fmt"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gokd/gokd/kd/runcache"
)

// Tuning is the choice of one student kind's setting on the validation cases.
type Tuning struct {
	Kind       StudentKind
	Candidates []Setting
	// ValDice is each candidate's mean 3D Dice over the validation cases (trained with Config.Tune.Seed, mean over
	// Config.Tune.Seeds seeds); empty without a grid (one candidate, nothing to choose).
	ValDice []float64
	Chosen  Setting
}

// Tuned returns the setting of a student kind, chosen (once per Runner) as the candidate of Config.Tune with the
// best mean validation Dice; the first one wins a tie. Every kind has the same number of candidates (see
// TuneSpec.Candidates). Without a grid it is the configured setting, and nothing is trained.
func (r *Runner) Tuned(kind StudentKind) (*Tuning, error) {
	return r.tuned.get(string(kind), func() (*Tuning, error) {
		c := r.Config
		t := &Tuning{Kind: kind, Candidates: c.Tune.Candidates(c.baseSetting(), kind.Distilled())}
		t.Chosen = t.Candidates[0]
		if len(t.Candidates) == 1 {
			return t, nil
		}
		best := -1.0
		for i, setting := range t.Candidates {
			dice := 0.0
			for s := range c.Tune.seeds() {
				trained, err := r.tuningRun(kind, i, s, setting)
				if err != nil {
					return nil, err
				}
				val, err := r.ValDice(trained)
				if err != nil {
					return nil, err
				}
				dice += val / float64(c.Tune.seeds())
			}
			t.ValDice = append(t.ValDice, dice)
			if dice > best {
				best, t.Chosen = dice, setting
			}
		}
		return t, nil
	})
}

// tuningRun trains (or reloads) the i-th candidate of a kind's tuning with its s-th seed (Tune.Seed + s). The
// first seed's run keeps the name it had before Tune.Seeds existed, and so its cache entry.
func (r *Runner) tuningRun(kind StudentKind, i, s int, setting Setting) (*Trained, error) {
	return r.student(kind, TuningID(kind, i+1, s+1).String(), r.Config.Tune.Seed+int64(s), setting)
}

// ValDice returns a trained model's mean 3D Dice over the validation cases (cached with the model).
func (r *Runner) ValDice(t *Trained) (float64, error) {
	d, err := r.Data()
	if err != nil {
		return 0, err
	}
	if len(d.Val) == 0 {
		return 0, fmt.Errorf("experiment: validating %s: no validation cases (Data.ValFraction is 0)", t.Name)
	}
	key := struct {
		Model   string
		Data    DataConfig
		Version int
		Set     string
	}{t.Key, r.Config.Data, evaluationVersion, "val"}
	dice, _, err := runcache.GetJSON(r.Cache, "val-"+t.Key, key, func() (*float64, error) {
		dice, err := r.meanDice(t.Model, d.Val)
		return &dice, err
	})
	if err != nil {
		return 0, fmt.Errorf("experiment: validating %s: %w", t.Name, err)
	}
	return *dice, nil
}

// meanDice returns a model's mean 3D Dice over the cases of samples.
func (r *Runner) meanDice(m *inference.Model, samples []datasets.Sample) (float64, error) {
	predictor, err := m.NewPredictor(r.Backend)
	if err != nil {
		return 0, err
	}
	predictions, err := predictor.Predict(samples, r.Config.Train.BatchSize)
	if err != nil {
		return 0, err
	}
	report, err := metrics.NewEvaluator().Evaluate(samples, predictions)
	if err != nil {
		return 0, err
	}
	return report.Overall.Dice.Mean, nil
}

// TuningTable lists each kind's candidates with their validation Dice, the chosen one marked.
func (res *Results) TuningTable() metrics.Table {
	t := metrics.Table{Columns: []string{"student", "learning rate", "temperature", "KL weight", "validation Dice", "chosen"}}
	for _, tuning := range res.Tuning {
		for i, s := range tuning.Candidates {
			val, mark := "–", ""
			if i < len(tuning.ValDice) {
				val = fmt.Sprintf("%.3f", tuning.ValDice[i])
			}
			if s == tuning.Chosen {
				mark = "✓"
			}
			temperature, kl := fmt.Sprintf("%g", s.Temperature), fmt.Sprintf("%g", s.KL)
			if !tuning.Kind.Distilled() {
				temperature, kl = "–", "–"
			}
			t.Rows = append(t.Rows, []string{string(tuning.Kind), fmt.Sprintf("%.3g", s.LearningRate), temperature, kl, val, mark})
		}
	}
	return t
}
