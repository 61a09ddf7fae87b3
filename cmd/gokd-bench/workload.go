package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"github.com/gokd/gokd/kd/nets"
)

// workload is one thing timed: a training step or an inference call of one network at one batch size.
type workload struct {
	net         string // "teacher" or "student".
	cfg         *nets.Config
	train       bool
	batch, size int
}

// task names the workload in the report and the ratio lines: "train-step", "infer-b1", ...
func (w workload) task() string {
	if w.train {
		return "train-step"
	}
	return fmt.Sprintf("infer-b%d", w.batch)
}

// kind is "train" or "infer", as the contenders' set-up requests name it.
func (w workload) kind() string {
	if w.train {
		return "train"
	}
	return "infer"
}

func (w workload) String() string { return fmt.Sprintf("%s %s %d²", w.task(), w.net, w.size) }

// flops is the work of one call: 2× the multiply-adds of all convolutions per slice, times 3 for a training step
// (forward, input gradient, kernel gradient).
func (w workload) flops() float64 {
	perCall := float64(w.cfg.FLOPsPerSlice(w.size)) * float64(w.batch)
	if w.train {
		perCall *= 3
	}
	return perCall
}

// measurement is what one implementation gave for a workload.
type measurement struct {
	ms        []float64 // One entry per timed call.
	peakBytes int64     // Resident-memory high-water mark above the idle process, over set-up and calls.
}

func (m measurement) median() float64 {
	sorted := slices.Clone(m.ms)
	slices.Sort(sorted)
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// goRunner runs one workload on GoKD's backend.
type goRunner struct {
	call func() error
}

// newGoRunner builds (and compiles, by running it once) the workload on backend.
func newGoRunner(backend compute.Backend, w workload) (*goRunner, error) {
	inputChannels := w.cfg.NumInputChannels()
	random := rand.New(rand.NewPCG(1, 2))
	images := make([]float32, w.batch*w.size*w.size*inputChannels)
	for i := range images {
		images[i] = float32(random.NormFloat64())
	}
	var r goRunner
	if w.train {
		labels := make([]int32, w.batch*w.size*w.size)
		for i := range labels {
			labels[i] = int32(random.IntN(w.cfg.NumClasses()))
		}
		trainer := train.NewTrainer(backend, model.NewStore(), w.cfg.Logits, loss.SparseCategoricalCrossEntropyLogits,
			optimizer.Adam().LearningRate(1e-3).Done(), nil, nil)
		r.call = func() error {
			// The trainer takes ownership of the batch tensors: make fresh ones each step.
			metrics, err := trainer.TrainStep(train.Batch{
				Inputs: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(images, w.batch, w.size, w.size, inputChannels)},
				Labels: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(labels, w.batch, w.size, w.size, 1)},
			})
			if err == nil {
				err = syncScalar(metrics) // The loss, as PyTorch's loss.item().
			}
			return err
		}
	} else {
		// The sum of the logits, as PyTorch's net(images).sum().item(): one scalar back, after the whole forward.
		exec, err := model.NewExec(backend, model.NewStore(), func(scope *model.Scope, x *Node) *Node {
			return ReduceAllSum(w.cfg.Logits(scope, x))
		})
		if err != nil {
			return nil, fmt.Errorf("%s: building the inference graph: %w", w, err)
		}
		input := tensors.FromFlatDataAndDimensions(images, w.batch, w.size, w.size, inputChannels)
		r.call = func() error {
			outputs, err := exec.Call(input)
			if err == nil {
				err = syncScalar(outputs)
			}
			return err
		}
	}
	if err := r.call(); err != nil { // Compiles and initialises the variables.
		return nil, fmt.Errorf("%s: first (compiling) call: %w", w, err)
	}
	return &r, nil
}

// syncScalar reads the first of outputs (a scalar) to the host, which waits for an accelerator to finish the
// step, and frees them all.
func syncScalar(outputs []*tensors.Tensor) error {
	defer func() {
		for _, o := range outputs {
			_ = o.FinalizeAll()
		}
	}()
	if len(outputs) == 0 {
		return fmt.Errorf("no output to read")
	}
	_, err := outputs[0].ValueSafe()
	return err
}

// timeCall times one call.
func (r *goRunner) timeCall() (float64, error) {
	start := time.Now()
	err := r.call()
	return float64(time.Since(start).Microseconds()) / 1000, err
}
