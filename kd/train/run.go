package train

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/losses"
	"github.com/gokd/gokd/kd/nets"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	gomlxtrain "github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/metric"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/ml/train/optimizer/cosineschedule"
	"github.com/gomlx/gomlx/support/exceptions"
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

// termMetricName names the metric of an objective term, apart from "loss" and "dice": the Dice loss term is
// "dice_loss".
func termMetricName(term string) string {
	if term == losses.TermDice {
		return "dice_loss"
	}
	return term
}

// allTerms are the objective's terms, in its fixed order: each gets a metric slot (0 when the term is absent).
var allTerms = losses.TermNames()

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
	modelFn := func(scope *model.Scope, inputs []*Node) []*Node {
		images, labels := inputs[0], inputs[1]
		student := mustApply(job.Net, scope.In(studentScope).In("%s", inference.NetScope), images)
		in := losses.Inputs{Labels: labels, StudentLogits: student.Logits}
		if job.Precomputed != nil {
			logits, features := splitPrecomputed(inputs[2], job.Precomputed)
			for k := range logits {
				addTeacher(&in, student, k, logits[k], job.Features, features[k])
			}
		}
		for k, teacher := range job.Teachers {
			out := mustApply(teacher.Net, teacherNetScope(scope, k), images)
			features := make([]*Node, len(job.Features))
			for i, name := range job.Features {
				features[i] = StopGradient(out.Features[name])
			}
			addTeacher(&in, student, k, StopGradient(out.Logits), job.Features, features)
		}
		if job.CosineDecay {
			cosineschedule.New(scope, images.Graph(), student.Logits.DType()).LearningRate(lr).
				PeriodSteps(job.Steps).Done()
		}
		total, terms := objective.Loss(scope.In("objective"), in)
		gomlxtrain.AddMainLoss(total)
		predictions := []*Node{student.Logits}
		for _, term := range allTerms {
			node, found := terms[term]
			if !found {
				node = ScalarZero(images.Graph(), total.DType())
			}
			present[term] = found
			predictions = append(predictions, node)
		}
		return predictions
	}

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
	every := job.ProgressEvery
	if every <= 0 {
		every = 10
	}
	loop.OnStep("gokd-history", 0, func(loop *gomlxtrain.Loop, values []*tensors.Tensor) error {
		step := loop.LoopStep + 1
		if step%every != 0 && step != job.Steps {
			return nil
		}
		metrics := readMetrics(trainer.TrainMetrics(), values, present)
		history.Steps = append(history.Steps, step)
		for k, v := range metrics {
			history.Metrics[k] = append(history.Metrics[k], v)
		}
		if job.Progress != nil {
			job.Progress(Progress{Job: job.Name, Step: step, Steps: job.Steps, Elapsed: time.Since(start), Metrics: metrics})
		}
		return nil
	})
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

// currentModel copies the network being trained in store, as it is now, into an inference.Model of its own.
func currentModel(job Job, store *model.Store) (*inference.Model, error) {
	m := &inference.Model{Name: job.Name, Net: job.Net, Store: model.NewStore()}
	if err := copyVariables(store, studentScope+"/"+inference.NetScope, m.Store, inference.NetScope, true); err != nil {
		return nil, fmt.Errorf("extracting the trained network: %w", err)
	}
	return m, nil
}

const studentScope = "student"

// teacherScope is where the k-th frozen teacher's network lives in a training store.
func teacherScope(k int) string { return fmt.Sprintf("teacher%d/%s", k, inference.NetScope) }

// teacherNetScope is teacherScope as a model scope under root.
func teacherNetScope(root *model.Scope, k int) *model.Scope {
	return root.In("teacher%d", k).In("%s", inference.NetScope)
}

// graftTeacher copies a trained teacher's variables, frozen, into the training store where teacherNetScope finds
// them.
func graftTeacher(store *model.Store, k int, teacher *inference.Model) error {
	return copyVariables(teacher.Store, inference.NetScope, store, teacherScope(k), false)
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

func mustApply(net *nets.Config, scope *model.Scope, images *Node) *nets.Output {
	out, err := net.Apply(scope, images)
	if err != nil {
		exceptions.Panicf("%v", err)
	}
	return out
}

// trainMetrics are the moving averages reported in Progress: hard Dice, then one per objective term.
func trainMetrics() []metric.Interface {
	const weight = 0.1 // Moving average over about the last 10 steps.
	metrics := []metric.Interface{metric.NewExponentialMovingAverageMetric("Dice", "dice", "dice",
		func(_ *model.Scope, labels, predictions []*Node) *Node { return hardDice(labels[0], predictions[0]) }, nil, weight)}
	for i, term := range allTerms {
		index := i + 1
		metrics = append(metrics, metric.NewExponentialMovingAverageMetric(term, termMetricName(term), metric.LossMetricType,
			func(_ *model.Scope, _, predictions []*Node) *Node { return predictions[index] }, nil, weight))
	}
	return metrics
}

// hardDice is the Dice of class 1 between argmax(logits) and labels, pooled over the batch's labelled pixels (1
// when both are empty): unlabelled pixels (datasets.Unlabelled, with partial labels) are left out.
func hardDice(labels, logits *Node) *Node {
	if labels.Rank() == 4 {
		labels = Squeeze(labels, -1)
	}
	predicted := And(Equal(ArgMax(logits, -1, labels.DType()), OnesLike(labels)), GreaterOrEqual(labels, ZerosLike(labels)))
	predicted = ConvertDType(predicted, logits.DType())
	truth := ConvertDType(Equal(labels, OnesLike(labels)), logits.DType())
	intersection := ReduceAllSum(Mul(predicted, truth))
	sizes := Add(ReduceAllSum(predicted), ReduceAllSum(truth))
	eps := Scalar(logits.Graph(), logits.DType(), 1e-6)
	return Div(Add(MulScalar(intersection, 2), eps), Add(sizes, eps))
}

// readMetrics turns the trainer's metric tensors into named values, leaving out absent objective terms.
func readMetrics(defs []metric.Interface, values []*tensors.Tensor, present map[string]bool) map[string]float64 {
	out := map[string]float64{}
	for i, def := range defs {
		name := def.ShortName()
		switch {
		case name == "loss":
			continue // The batch loss is noisy: "~loss", its moving average, is reported as "loss".
		case name == "~loss":
			name = "loss"
		}
		if term, isTerm := termOf(name); isTerm && !present[term] {
			continue
		}
		out[name] = scalarOf(values[i])
	}
	return out
}

func termOf(metricName string) (string, bool) {
	for _, t := range allTerms {
		if termMetricName(t) == metricName {
			return t, true
		}
	}
	return "", false
}

func scalarOf(t *tensors.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	return 0
}

// copyVariables copies every variable under scope from (e.g. "student/net") of src into dst under scope to,
// with the given trainable flag.
func copyVariables(src *model.Store, from string, dst *model.Store, to string, trainable bool) error {
	prefix := "/" + from + "/"
	copied := 0
	for v := range src.IterVariables() {
		path := v.Path()
		if len(path) <= len(prefix) || path[:len(prefix)] != prefix {
			continue
		}
		value, err := v.Value()
		if err != nil {
			return fmt.Errorf("variable %s has no value: %w", path, err)
		}
		clone, err := value.Clone()
		if err != nil {
			return err
		}
		scopePath, name := model.SplitPath("/" + to + "/" + path[len(prefix):])
		dst.Scope(scopePath).VariableWithValue(name, clone).SetTrainable(trainable)
		copied++
	}
	if copied == 0 {
		return errors.New("no variables under /" + from)
	}
	return nil
}

// fusionWeights reads the adaptive fusion's teacher weight logits from a training store and returns their softmax
// over the teachers (axis 0); nil when the objective has no adaptive fusion.
func fusionWeights(store *model.Store) ([]float64, error) {
	for v := range store.IterVariables() {
		if _, name := model.SplitPath(v.Path()); name != losses.AdaptiveWeightsVariable {
			continue
		}
		value, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("fusion weights %s: %w", v.Path(), err)
		}
		logits := tensors.MustCopyFlatData[float32](value)
		dims := value.Shape().Dimensions
		k, classes := dims[0], len(logits)/dims[0]
		weights := make([]float64, len(logits))
		for c := range classes {
			peak := math.Inf(-1)
			for t := range k {
				peak = max(peak, float64(logits[t*classes+c]))
			}
			sum := 0.0
			for t := range k {
				weights[t*classes+c] = math.Exp(float64(logits[t*classes+c]) - peak)
				sum += weights[t*classes+c]
			}
			for t := range k {
				weights[t*classes+c] /= sum
			}
		}
		return weights, nil
	}
	return nil, nil
}

// addTeacher adds teacher k's logits to the objective's inputs, and its features (one per name of features)
// paired with the student's, weighted as the objective weights the teacher's logits.
func addTeacher(in *losses.Inputs, student *nets.Output, k int, logits *Node, features []string, teacher []*Node) {
	index := len(in.TeacherLogits)
	in.TeacherLogits = append(in.TeacherLogits, logits)
	for i, name := range features {
		in.Features = append(in.Features, losses.FeaturePair{Name: fmt.Sprintf("t%d_%s", k, name),
			Student: student.Features[name], Teacher: teacher[i], TeacherIndex: index})
	}
}

// labelsAsInput passes each batch's label tensors to the model function too (after the images), where the
// objective — which needs the labels and the model's scope together — is built.
type labelsAsInput struct {
	gomlxtrain.Dataset
	labels int // Label tensors expected per batch: the class maps, and the teachers' targets if any.
}

// Iter implements train.Dataset.
func (d labelsAsInput) Iter() iter.Seq2[gomlxtrain.Batch, error] {
	return func(yield func(gomlxtrain.Batch, error) bool) {
		for batch, err := range d.Dataset.Iter() {
			if err == nil {
				err = d.moveLabels(&batch)
			}
			if !yield(batch, err) {
				return
			}
		}
	}
}

func (d labelsAsInput) moveLabels(batch *gomlxtrain.Batch) error {
	if len(batch.Inputs) != 1 || len(batch.Labels) != d.labels {
		return fmt.Errorf("dataset %q: want batches of 1 input (images) and %d label tensors, got %d and %d",
			d.Name(), d.labels, len(batch.Inputs), len(batch.Labels))
	}
	for _, l := range batch.Labels {
		// A copy: the trainer owns and frees inputs and labels separately.
		clone, err := l.Clone()
		if err != nil {
			return err
		}
		batch.Inputs = append(batch.Inputs, clone)
	}
	return nil
}
