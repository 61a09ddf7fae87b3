package train

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/losses"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	gomlxtrain "github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// Run trains job.Net and returns the trained model and its history.
func Run(backend compute.Backend, job Job) (trained *inference.Model, history *History, err error) {
	if err := job.validate(); err != nil {
		return nil, nil, err
	}
	devices, err := job.numDevices(backend)
	if err != nil {
		return nil, nil, err
	}
	var data gomlxtrain.Dataset = labelsAsInput{job.Data, 1}
	if job.Precomputed != nil {
		data = labelsAsInput{job.Data, 2}
	}
	if devices > 1 || job.forceSharding {
		if data, err = newDataParallel(backend, data, devices); err != nil {
			return nil, nil, fmt.Errorf("training %q: %w", job.Name, err)
		}
	}
	start := time.Now()
	defer func() { // GoMLX reports graph-building errors as panics.
		if r := recover(); r != nil {
			trained, history, err = nil, nil, fmt.Errorf("training %q: %v", job.Name, r)
		}
	}()
	objective := job.Objective
	if objective == nil {
		objective = losses.DefaultObjective()
	}
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, job.Seed)
	lr := job.LearningRate
	if lr == 0 {
		lr = DefaultLearningRate
	}
	for k, teacher := range job.Teachers {
		if err := graftTeacher(store, k, teacher); err != nil {
			return nil, nil, fmt.Errorf("training %q: teacher %d (%s): %w", job.Name, k, teacher.Name, err)
		}
	}

	present := map[string]bool{}
	modelFn := job.stepGraph(objective, lr, present)

	if job.CheckpointDir != "" {
		// Created on load: the trainer then reuses them (and checks their shapes) when it builds its graph.
		if _, err := ckpt.Dir(job.CheckpointDir).CreateMissing().Load(store); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("training %q: resuming: %w", job.Name, err)
		}
	}
	trainer := gomlxtrain.NewTrainer(backend, store, modelFn, nil,
		optimizer.Adam().LearningRate(lr).Done(), trainMetrics(), nil)
	loop := gomlxtrain.NewLoop(trainer)
	history = &History{Metrics: map[string][]float64{}}
	job.recordHistory(loop, trainer, history, present, start)
	saveEvery := job.CheckpointEvery
	if saveEvery <= 0 {
		saveEvery = 50
	}
	save := func(step int) error {
		return ckpt.Dir(job.CheckpointDir).Metadata(ckpt.Metadata{Step: int64(step)}).Save(store)
	}
	if job.CheckpointDir != "" {
		loop.OnStep("gokd-checkpoint", 1, func(loop *gomlxtrain.Loop, _ []*tensors.Tensor) error {
			if step := loop.LoopStep + 1; step%saveEvery == 0 && step != job.Steps {
				return save(step)
			}
			return nil
		})
	}
	var best *plateau
	if job.Validate != nil {
		best = newPlateau(job, store, history)
		loop.OnStep("gokd-validate", 2, func(loop *gomlxtrain.Loop, _ []*tensors.Tensor) error {
			return best.step(loop.LoopStep + 1)
		})
	}
	if _, err := loop.RunToGlobalStep(data, job.Steps); err != nil && !errors.Is(err, errPlateaued) {
		return nil, nil, fmt.Errorf("training %q: %w", job.Name, err)
	}
	// An early stop saves no final checkpoint: its step would tell a resumed run to train on.
	if stoppedEarly := best != nil && history.StoppedStep < job.Steps; job.CheckpointDir != "" && !stoppedEarly {
		if err := save(job.Steps); err != nil {
			return nil, nil, fmt.Errorf("training %q: %w", job.Name, err)
		}
	}
	history.Wall = time.Since(start)
	history.StepMS = float64(loop.MedianTrainStepDuration().Microseconds()) / 1000

	if history.FusionWeights, err = fusionWeights(store); err != nil {
		return nil, nil, fmt.Errorf("training %q: %w", job.Name, err)
	}
	if best != nil {
		return best.model, history, nil
	}
	if trained, err = currentModel(job, store); err != nil {
		return nil, nil, fmt.Errorf("training %q: %w", job.Name, err)
	}
	return trained, history, nil
}
