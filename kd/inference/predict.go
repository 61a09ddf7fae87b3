package inference

import (
	"fmt"
	"sync"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Predictor runs a trained model's inference on slices: logits, or class maps (their argmax).
//
// It always uses the model's current weights. The Go backend bakes the weights of an inference graph into the
// compiled program as constants (compute's PreferConstantsForVariables: faster inference), so a compiled graph
// would keep old weights after a checkpoint load, a SetValue or more training; the Predictor notices that a
// variable's value was replaced and compiles again.
type Predictor struct {
	model   *Model
	backend compute.Backend
	exec    *model.Exec
	// sequentialExec runs the same inference on SequentialBackend(backend); built by the first batch-1 Latency.
	sequentialExec *model.Exec
	// compiledWith holds the value of each variable when the execs were built, to detect replaced weights.
	compiledWith map[*model.Variable]*tensors.Tensor
}

// NewPredictor compiles the model's inference on backend (once per batch shape).
func (m *Model) NewPredictor(backend compute.Backend) (*Predictor, error) {
	p := &Predictor{model: m, backend: backend}
	if err := p.compile(); err != nil {
		return nil, err
	}
	return p, nil
}

// compile (re)builds the inference exec on the model's current weights.
func (p *Predictor) compile() error {
	exec, err := p.model.newInferenceExec(p.backend, p.model.Store)
	if err != nil {
		return err
	}
	p.exec, p.sequentialExec, p.compiledWith = exec, nil, weightValues(p.model.Store)
	return nil
}

// current returns the inference exec, compiled again when a weight was replaced since it was built.
func (p *Predictor) current() (*model.Exec, error) {
	if !sameValues(p.compiledWith, weightValues(p.model.Store)) {
		if err := p.compile(); err != nil {
			return nil, err
		}
	}
	return p.exec, nil
}

// weightValues maps each variable of store that has a value to that value (the tensor, by identity).
func weightValues(store *model.Store) map[*model.Variable]*tensors.Tensor {
	values := map[*model.Variable]*tensors.Tensor{}
	for v := range store.IterVariables() {
		if !v.HasValue() {
			continue
		}
		if value, err := v.Value(); err == nil {
			values[v] = value
		}
	}
	return values
}

// sameValues reports whether two weightValues snapshots hold the same variables with the same value tensors.
func sameValues(a, b map[*model.Variable]*tensors.Tensor) bool {
	if len(a) != len(b) {
		return false
	}
	for v, value := range a {
		if b[v] != value {
			return false
		}
	}
	return true
}

// newInferenceExec compiles the model's inference on backend; store holds its variables, on that backend.
func (m *Model) newInferenceExec(backend compute.Backend, store *model.Store) (*model.Exec, error) {
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, images *Node) *Node {
		return m.Net.Logits(scope.In("%s", NetScope), images)
	})
	if err != nil {
		return nil, fmt.Errorf("inference of %q: %w", m.Name, err)
	}
	return exec, nil
}

// sequentialGoBackend is the process's Go backend that runs each graph's ops one after another.
var sequentialGoBackend = sync.OnceValues(func() (compute.Backend, error) {
	return gobackend.New("ops_sequential")
})

// SequentialBackend returns, for the Go backend, a second Go backend that executes a graph's ops one after another
// ("ops_sequential"; each op still uses every core), and nil for any other backend.
//
// The Go backend's default schedules independent ops of a graph in parallel. For a batch, or a large network,
// that pays; for one slice through a small network the scheduling costs more than the ops. Measured on 2 cores, one
// slice: the flagship's teacher (48²) 16.3 ms instead of 17.7, its student 2.7 ms instead of 4.5; but the default
// teacher at 128² 401 ms instead of 244. [Predictor.Latency] therefore times both.
func SequentialBackend(backend compute.Backend) (compute.Backend, error) {
	if backend.String() != gobackend.BackendName {
		return nil, nil
	}
	sequential, err := sequentialGoBackend()
	if err != nil {
		return nil, fmt.Errorf("creating the sequential Go backend: %w", err)
	}
	return sequential, nil
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
	exec, err := p.current()
	if err != nil {
		return nil, err
	}
	outputs, err := exec.Exec(images)
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

// Latency measures the median inference time of one batch of batchSize copies of sample, after warm-up. For one
// slice on the Go backend it times both op schedules (see [SequentialBackend]) and reports the faster, as an
// application serving one slice at a time would be configured.
func (p *Predictor) Latency(sample datasets.Sample, batchSize, runs int) (metrics.Latency, error) {
	exec, err := p.current()
	if err != nil {
		return metrics.Latency{}, err
	}
	latency, err := p.timeExec(exec, sample, batchSize, runs)
	if err != nil || batchSize != 1 {
		return latency, err
	}
	if p.sequentialExec == nil {
		backend, err := SequentialBackend(p.backend)
		if err != nil || backend == nil {
			return latency, err
		}
		// A tensor lives on one backend instance: the other one gets its own copy of the weights.
		store, err := localCopy(p.model.Store)
		if err != nil {
			return latency, fmt.Errorf("inference of %q: %w", p.model.Name, err)
		}
		if p.sequentialExec, err = p.model.newInferenceExec(backend, store); err != nil {
			return latency, err
		}
	}
	sequential, err := p.timeExec(p.sequentialExec, sample, batchSize, runs)
	if err != nil || sequential.MedianMS() >= latency.MedianMS() {
		return latency, err
	}
	return sequential, nil
}

// timeExec measures exec's median time on one batch of batchSize copies of sample.
func (p *Predictor) timeExec(exec *model.Exec, sample datasets.Sample, batchSize, runs int) (metrics.Latency, error) {
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
		outputs, err := exec.Exec(images)
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

// localCopy returns a copy of store whose variable values are held in local memory, usable by any backend.
func localCopy(store *model.Store) (*model.Store, error) {
	clone, err := store.Clone()
	if err != nil {
		return nil, err
	}
	for v := range clone.IterVariables() {
		if !v.HasValue() {
			continue
		}
		value, err := v.Value()
		if err == nil {
			err = value.ToLocal()
		}
		if err != nil {
			return nil, fmt.Errorf("copying variable %s: %w", v.Path(), err)
		}
	}
	return clone, nil
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
