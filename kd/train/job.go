package train

import (
	"fmt"
	"slices"
	"time"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/losses"
	"github.com/gokd/gokd/kd/nets"
	gomlxtrain "github.com/gomlx/gomlx/ml/train"
)

// Job describes one training run: a network trained on labelled batches, distilled from frozen teachers when
// there are any.
type Job struct {
	Name string       // Names the run in progress reports and in the trained inference.Model.
	Net  *nets.Config // The network to train.

	// Teachers are frozen (forward only, no gradient, their variables not trained). None: supervised training.
	Teachers []*inference.Model
	// Objective is the loss; nil means losses.DefaultObjective(). Its distillation terms apply only with teachers,
	// its feature terms only with Features.
	Objective *losses.Objective
	// Features names the network features (nets.Config.FeatureNames) paired student ↔ teacher for the hint and
	// attention terms, e.g. {"bottleneck"}. With several teachers every teacher gets its pairs, weighted as the
	// objective weights that teacher's logits (see losses.Objective.Loss).
	Features []string

	// Precomputed, when set, distils offline: the teachers' outputs were computed beforehand (Precompute) and come
	// with the data as a second label tensor [B, Precomputed.Length()] (batch.Config.Targets), their features
	// paired with the student's as Features name them (which must be Precomputed.Features). The step then runs no
	// teacher network. Exclusive with Teachers.
	Precomputed *Precomputed

	// Data yields batches with inputs [images [B,S,S,C] float32] and labels [labels [B,S,S] int32] (plus the
	// targets with Precomputed), forever (an infinite dataset) or at least for Steps batches.
	Data gomlxtrain.Dataset

	Steps        int     // Optimisation steps in all (a resumed run does the remaining ones).
	LearningRate float64 // Adam's learning rate; 0 means DefaultLearningRate.
	// CosineDecay decays the learning rate from LearningRate at the first step to 0 at the last along a half
	// cosine (one cycle of Steps steps, no warm-up); false keeps it constant.
	CosineDecay bool
	Seed        int64 // Seeds the initial weights.

	// Progress, when set, is called every ProgressEvery steps (default 10) and after the last step.
	Progress      func(Progress)
	ProgressEvery int

	// CheckpointDir, when set, receives the whole training state (weights, optimizer moments, step) every
	// CheckpointEvery steps (default 50) and at the end, atomically; a run that finds a checkpoint there resumes
	// from its step. The batch stream restarts from its beginning on resume.
	CheckpointDir   string
	CheckpointEvery int

	// Devices > 1 trains data-parallel on the backend's first Devices devices (AllDevices: on all of them): one
	// replica of the network per device, each batch split evenly along its first axis (its size must be a
	// multiple of Devices), the variables replicated and the gradients all-reduced, so that a step computes the
	// loss and update of one device on the whole batch. It uses GoMLX's distributed.AutoSharding, which XLA's
	// Shardy partitioner implements: it needs an XLA backend with that many devices (several GPUs, or TPU
	// chips); GoMLX's Go backend has one device, and more is an error wrapping ErrTooFewDevices. 0 or 1 (the
	// default): one device, plain training.
	Devices int

	// Validate, when set, scores the network on held-out data every ValidateEvery steps (default
	// DefaultValidateEvery) and after the last one — higher is better, e.g. the mean Dice of validation cases —
	// and training stops once Patience scores in a row (default DefaultPatience) have not beaten the best one:
	// training until the validation score plateaus, with Steps as the most it may take. The inference.Model returned is then
	// the best-scoring one, and History records every score. A resumed run tracks the best from its resume point.
	Validate      func(*inference.Model) (float64, error)
	ValidateEvery int
	Patience      int

	// forceSharding takes the data-parallel path even on one device (tests).
	forceSharding bool
}

// Defaults of Job.ValidateEvery and Job.Patience.
const (
	DefaultValidateEvery = 100
	DefaultPatience      = 3
)

// DefaultLearningRate is Adam's learning rate when Job.LearningRate is 0: our choice, fast and stable for these
// small normalised U-Nets.
const DefaultLearningRate = 3e-3

// Progress reports a running Job.
type Progress struct {
	Job     string
	Step    int // Steps done.
	Steps   int // Steps in all.
	Elapsed time.Duration
	// Metrics are moving averages over the last steps: "loss", "dice" (hard Dice of the prostate on the
	// training batches) and each loss term present ("dice_loss", "lovasz", "kl", ...).
	Metrics map[string]float64
}

// History records a finished Job.
type History struct {
	Steps   []int                // Steps at which Metrics were recorded.
	Metrics map[string][]float64 // Same keys as Progress.Metrics.
	Wall    time.Duration        // Whole run, graph compilation included.
	StepMS  float64              // Median milliseconds per training step.
	// FusionWeights are the adaptive fusion's learned teacher weights at the end of training (softmax of
	// losses.AdaptiveWeightsVariable; K values, or K·C teacher-major when per class); nil without one.
	FusionWeights []float64 `json:",omitempty"`
	// With Job.Validate: the steps at which the network was scored and its scores, the step of the best score (the
	// inference.Model returned) and the step training stopped at (Job.Steps unless the score plateaued before).
	ValidationSteps  []int     `json:",omitempty"`
	ValidationScores []float64 `json:",omitempty"`
	BestStep         int       `json:",omitempty"`
	StoppedStep      int       `json:",omitempty"`
}

func (job *Job) validate() error {
	switch {
	case job.Net == nil:
		return fmt.Errorf("training %q: Job.Net is nil", job.Name)
	case job.Data == nil:
		return fmt.Errorf("training %q: Job.Data is nil", job.Name)
	case job.Steps <= 0:
		return fmt.Errorf("training %q: Job.Steps is %d, want > 0", job.Name, job.Steps)
	}
	if err := job.Net.Validate(); err != nil {
		return fmt.Errorf("training %q: %w", job.Name, err)
	}
	names := map[string]bool{}
	for _, n := range job.Net.FeatureNames() {
		names[n] = true
	}
	for _, f := range job.Features {
		if !names[f] {
			return fmt.Errorf("training %q: feature %q is not one of the network's %v", job.Name, f, job.Net.FeatureNames())
		}
	}
	if p := job.Precomputed; p != nil {
		if len(job.Teachers) > 0 {
			return fmt.Errorf("training %q: precomputed outputs of %d teachers and %d teacher networks: give one or the other",
				job.Name, p.Teachers, len(job.Teachers))
		}
		if !slices.Equal(p.Features, job.Features) {
			return fmt.Errorf("training %q: the teachers' precomputed features are %v, Job.Features %v", job.Name,
				p.Features, job.Features)
		}
	}
	for k, t := range job.Teachers {
		if t == nil || t.Net == nil || t.Store == nil {
			return fmt.Errorf("training %q: teacher %d is not a trained model", job.Name, k)
		}
		if t.Net.NumClasses() != job.Net.NumClasses() || t.Net.NumInputChannels() != job.Net.NumInputChannels() {
			return fmt.Errorf("training %q: teacher %d (%s) has %d classes and %d input channels, the student %d and %d",
				job.Name, k, t.Name, t.Net.NumClasses(), t.Net.NumInputChannels(), job.Net.NumClasses(), job.Net.NumInputChannels())
		}
		if len(job.Features) > 0 && t.Net.NumLevels() != job.Net.NumLevels() {
			return fmt.Errorf("training %q: feature distillation pairs features by name, but teacher %d has %d levels and the student %d",
				job.Name, k, t.Net.NumLevels(), job.Net.NumLevels())
		}
	}
	return nil
}
