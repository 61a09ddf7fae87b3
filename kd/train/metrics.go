package train

import (
	"time"

	"github.com/gokd/gokd/kd/losses"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	gomlxtrain "github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/metric"
)

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

// recordHistory appends the step's metrics to history every ProgressEvery steps (default 10) and after the last
// one, and reports them to Progress.
func (job *Job) recordHistory(loop *gomlxtrain.Loop, trainer *gomlxtrain.Trainer, history *History, present map[string]bool, start time.Time) {
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
}
