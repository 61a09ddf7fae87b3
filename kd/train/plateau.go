package train

import (
	"errors"
	"fmt"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gomlx/gomlx/ml/model"
)

// errPlateaued stops the training loop once the validation score has plateaued (Job.Validate).
var errPlateaued = errors.New("the validation score plateaued")

// plateau scores a Job's network every ValidateEvery steps, keeps the best-scoring one, and stops training after
// Patience scores in a row without a new best.
type plateau struct {
	job          Job
	store        *model.Store
	history      *History
	every, limit int
	stale        int // Scores in a row that did not beat the best.
	model        *inference.Model
	score        float64
}

func newPlateau(job Job, store *model.Store, history *History) *plateau {
	p := &plateau{job: job, store: store, history: history, every: job.ValidateEvery, limit: job.Patience}
	if p.every <= 0 {
		p.every = DefaultValidateEvery
	}
	if p.limit <= 0 {
		p.limit = DefaultPatience
	}
	history.StoppedStep = job.Steps
	return p
}

// step scores the network after step steps when it is time to, and returns errPlateaued when training should stop.
func (p *plateau) step(step int) error {
	if step%p.every != 0 && step != p.job.Steps {
		return nil
	}
	current, err := currentModel(p.job, p.store)
	if err != nil {
		return err
	}
	score, err := p.job.Validate(current)
	if err != nil {
		return fmt.Errorf("validating at step %d: %w", step, err)
	}
	p.history.ValidationSteps = append(p.history.ValidationSteps, step)
	p.history.ValidationScores = append(p.history.ValidationScores, score)
	if p.model == nil || score > p.score {
		p.model, p.score, p.stale, p.history.BestStep = current, score, 0, step
		return nil
	}
	if p.stale++; p.stale >= p.limit && step < p.job.Steps {
		p.history.StoppedStep = step
		return errPlateaued
	}
	return nil
}
