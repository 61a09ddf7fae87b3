package train

import (
	"fmt"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Predictor runs a trained model's inference: class maps (argmax of the logits) for slices.
type Predictor struct {
	model *Model
	exec  *model.Exec
}

// NewPredictor compiles the model's inference on backend (once per batch shape).
func (m *Model) NewPredictor(backend compute.Backend) (*Predictor, error) {
	exec, err := model.NewExec(backend, m.Store, func(scope *model.Scope, images *Node) *Node {
		return ArgMax(m.Net.Logits(scope.In("%s", NetScope), images), -1, dtypes.Int32)
	})
	if err != nil {
		return nil, fmt.Errorf("inference of %q: %w", m.Name, err)
	}
	return &Predictor{model: m, exec: exec}, nil
}

// Predict returns one class map (Size·Size class ids) per sample, in batches of batchSize. The last batch is
// padded to batchSize so that every batch has the same shape (one compiled graph).
func (p *Predictor) Predict(samples []datasets.Sample, batchSize int) ([][]int32, error) {
	if batchSize <= 0 {
		return nil, fmt.Errorf("inference of %q: batch size %d", p.model.Name, batchSize)
	}
	out := make([][]int32, 0, len(samples))
	for start := 0; start < len(samples); start += batchSize {
		end := min(start+batchSize, len(samples))
		images, err := StackImages(samples[start:end], batchSize)
		if err != nil {
			return nil, fmt.Errorf("inference of %q: %w", p.model.Name, err)
		}
		maps, err := p.run(images)
		if err != nil {
			return nil, err
		}
		out = append(out, maps[:end-start]...)
	}
	return out, nil
}

// run executes one batch and splits the result into class maps.
func (p *Predictor) run(images *tensors.Tensor) ([][]int32, error) {
	defer func() { _ = images.FinalizeAll() }()
	outputs, err := p.exec.Exec(images)
	if err != nil {
		return nil, fmt.Errorf("inference of %q: %w", p.model.Name, err)
	}
	classes := outputs[0]
	defer func() { _ = classes.FinalizeAll() }()
	flat, err := tensors.CopyFlatData[int32](classes)
	if err != nil {
		return nil, fmt.Errorf("inference of %q: %w", p.model.Name, err)
	}
	dims := classes.Shape().Dimensions
	pixels := dims[1] * dims[2]
	maps := make([][]int32, dims[0])
	for i := range maps {
		maps[i] = flat[i*pixels : (i+1)*pixels : (i+1)*pixels]
	}
	return maps, nil
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
