package experiment

import (
	"fmt"

	"github.com/gokd/gokd/datasets"
)

// Predict returns a trained model's class maps (one Size·Size map per sample) on the runner's backend, in batches
// of the configuration's batch size: what the notebooks show next to the ground truth.
func (r *Runner) Predict(t *Trained, samples []datasets.Sample) ([][]int32, error) {
	predictor, err := t.Model.NewPredictor(r.Backend)
	if err != nil {
		return nil, fmt.Errorf("experiment: predicting with %s: %w", t.Name, err)
	}
	maps, err := predictor.Predict(samples, r.Config.Train.BatchSize)
	if err != nil {
		return nil, fmt.Errorf("experiment: predicting with %s: %w", t.Name, err)
	}
	return maps, nil
}
