package train

import (
	"fmt"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Predictor runs a trained model's inference on slices: logits, or class maps (their argmax).
type Predictor struct {
	model *Model
	exec  *model.Exec
}

// NewPredictor compiles the model's inference on backend (once per batch shape).
func (m *Model) NewPredictor(backend compute.Backend) (*Predictor, error) {
	exec, err := model.NewExec(backend, m.Store, func(scope *model.Scope, images *Node) *Node {
		return m.Net.Logits(scope.In("%s", NetScope), images)
	})
	if err != nil {
		return nil, fmt.Errorf("inference of %q: %w", m.Name, err)
	}
	return &Predictor{model: m, exec: exec}, nil
}

// Predict returns one class map (Size·Size class ids, the argmax of the logits) per sample, in batches of
// batchSize.
func (p *Predictor) Predict(samples []datasets.Sample, batchSize int) ([][]int32, error) {
	logits, err := p.Logits(samples, batchSize)
	if err != nil {
		return nil, err
	}
	classes := p.model.Net.NumClasses()
	maps := make([][]int32, len(logits))
	for i, l := range logits {
		maps[i] = make([]int32, len(l)/classes)
		for px := range maps[i] {
			best := 0
			for c := 1; c < classes; c++ {
				if l[px*classes+c] > l[px*classes+best] {
					best = c
				}
			}
			maps[i][px] = int32(best)
		}
	}
	return maps, nil
}

// Logits returns the logits (Size·Size·classes, channels last) of each sample, in batches of batchSize. The last
// batch is padded to batchSize so that every batch has the same shape (one compiled graph).
func (p *Predictor) Logits(samples []datasets.Sample, batchSize int) ([][]float32, error) {
	if batchSize <= 0 {
		return nil, fmt.Errorf("inference of %q: batch size %d", p.model.Name, batchSize)
	}
	out := make([][]float32, 0, len(samples))
	for start := 0; start < len(samples); start += batchSize {
		end := min(start+batchSize, len(samples))
		images, err := StackImages(samples[start:end], batchSize)
		if err != nil {
			return nil, fmt.Errorf("inference of %q: %w", p.model.Name, err)
		}
		logits, err := p.run(images)
		if err != nil {
			return nil, err
		}
		out = append(out, logits[:end-start]...)
	}
	return out, nil
}

// run executes one batch and splits the logits per sample.
func (p *Predictor) run(images *tensors.Tensor) ([][]float32, error) {
	defer func() { _ = images.FinalizeAll() }()
	outputs, err := p.exec.Exec(images)
	if err != nil {
		return nil, fmt.Errorf("inference of %q: %w", p.model.Name, err)
	}
	logits := outputs[0]
	defer func() { _ = logits.FinalizeAll() }()
	flat, err := tensors.CopyFlatData[float32](logits)
	if err != nil {
		return nil, fmt.Errorf("inference of %q: %w", p.model.Name, err)
	}
	n := logits.Shape().Dimensions[0]
	per := len(flat) / n
	out := make([][]float32, n)
	for i := range out {
		out[i] = flat[i*per : (i+1)*per : (i+1)*per]
	}
	return out, nil
}

// Latency measures the median inference time of one batch of batchSize copies of sample, after warm-up.
func (p *Predictor) Latency(sample datasets.Sample, batchSize, runs int) (metrics.Latency, error) {
	batch := make([]datasets.Sample, batchSize)
	for i := range batch {
		batch[i] = sample
	}
	images, err := StackImages(batch, batchSize)
	if err != nil {
		return metrics.Latency{}, err
	}
	defer func() { _ = images.FinalizeAll() }()
	var runErr error
	latency, err := metrics.MeasureLatency(func() {
		outputs, err := p.exec.Exec(images)
		if err != nil {
			runErr = err
			return
		}
		for _, o := range outputs {
			_ = o.FinalizeAll()
		}
	}, 2, runs)
	if runErr != nil {
		return latency, fmt.Errorf("inference of %q: %w", p.model.Name, runErr)
	}
	return latency, err
}

// StackImages packs the samples' images into a [batchSize, S, S, C] float32 tensor, zero-padding missing rows.
func StackImages(samples []datasets.Sample, batchSize int) (*tensors.Tensor, error) {
	if len(samples) == 0 || len(samples) > batchSize {
		return nil, fmt.Errorf("stacking %d samples into a batch of %d", len(samples), batchSize)
	}
	size, channels := samples[0].Size, samples[0].Channels
	per := size * size * channels
	data := make([]float32, batchSize*per)
	for i := range samples {
		s := &samples[i]
		if err := s.Validate(); err != nil {
			return nil, err
		}
		if s.Size != size || s.Channels != channels {
			return nil, fmt.Errorf("sample %s#%d is %d²×%d, the batch %d²×%d", s.CaseKey(), s.Index, s.Size, s.Channels, size, channels)
		}
		copy(data[i*per:], s.Image)
	}
	return tensors.FromFlatDataAndDimensions(data, batchSize, size, size, channels), nil
}
