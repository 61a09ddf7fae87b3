package batch

import (
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gokd/gokd/datasets"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train"
)

// Config describes a batched dataset; create it with [New], adjust it with its builder methods and build it
// with [Config.Done].
type Config struct {
	name        string
	samples     []datasets.Sample
	batchSize   int
	shuffle     bool
	seed        uint64
	augment     Augmentation
	infinite    bool
	dropPartial bool
	prefetch    int
	workers     int

	targets      [][]float32 // Optional per-view targets (see Targets).
	targetLength int
}

// New returns the configuration of a dataset over samples with the evaluation defaults: batches of 16 in
// sample order, no augmentation, one epoch per iteration with the last partial batch kept, 4 batches
// prefetched by GOMAXPROCS workers, seed 1.
func New(name string, samples []datasets.Sample) *Config {
	return &Config{name: name, samples: samples, batchSize: 16, seed: 1, prefetch: 4, workers: runtime.GOMAXPROCS(0)}
}

// BatchSize sets the number of samples per batch.
func (c *Config) BatchSize(n int) *Config { c.batchSize = n; return c }

// Shuffle sets whether each epoch visits the samples in a new random order.
func (c *Config) Shuffle(shuffle bool) *Config { c.shuffle = shuffle; return c }

// Seed sets the seed of shuffling and augmentation: the same seed yields the same batches, epoch after epoch.
func (c *Config) Seed(seed uint64) *Config { c.seed = seed; return c }

// Augment sets the random transformations applied to every yielded sample ([NoAugmentation] by default; use
// [DefaultAugmentation] for training).
func (c *Config) Augment(a Augmentation) *Config { c.augment = a; return c }

// Infinite sets whether iteration loops over the data forever (reshuffling at each pass, always full batches)
// instead of ending after one epoch.
func (c *Config) Infinite(infinite bool) *Config { c.infinite = infinite; return c }

// DropPartial sets whether an epoch's last batch is dropped when it has fewer than BatchSize samples (default
// false: it is yielded smaller, which triggers one more graph compilation for that shape).
func (c *Config) DropPartial(drop bool) *Config { c.dropPartial = drop; return c }

// Prefetch sets how many batches are prepared ahead of the consumer (at least 1).
func (c *Config) Prefetch(n int) *Config { c.prefetch = n; return c }

// Workers sets how many goroutines assemble batches in parallel. The batches do not depend on it.
func (c *Config) Workers(n int) *Config { c.workers = n; return c }

// Targets attaches to each sample a target of length values for each of its [NumViews] geometric views, e.g. a
// frozen teacher's outputs precomputed for offline distillation: targets[i] holds NumViews·length values, view
// after view, view v's being sample i's target seen in that view ([View](sample i, v)). Batches then carry a
// second label tensor [B, length]: each sample's target in the view that the augmentation drew for it (view 0
// without augmentation). Intensity jitter is not a view: targets never see it. The dataset keeps targets without
// copying them (they may take gigabytes): leave them unchanged while it is in use.
func (c *Config) Targets(targets [][]float32, length int) *Config {
	c.targets, c.targetLength = targets, length
	return c
}

// Done validates the configuration and packs the samples into the in-memory cache.
func (c *Config) Done() (*Dataset, error) {
	if len(c.samples) == 0 {
		return nil, fmt.Errorf("batch: dataset %q has no samples", c.name)
	}
	if c.batchSize <= 0 || c.prefetch <= 0 || c.workers <= 0 {
		return nil, fmt.Errorf("batch: dataset %q: batch size %d, prefetch %d and workers %d must be positive",
			c.name, c.batchSize, c.prefetch, c.workers)
	}
	if c.dropPartial && !c.infinite && len(c.samples) < c.batchSize {
		return nil, fmt.Errorf("batch: dataset %q: %d samples make no full batch of %d and partial batches are "+
			"dropped", c.name, len(c.samples), c.batchSize)
	}
	first := &c.samples[0]
	d := &Dataset{config: *c, size: first.Size, channels: first.Channels}
	if err := d.packTargets(); err != nil {
		return nil, err
	}
	imageLen, maskLen := d.size*d.size*d.channels, d.size*d.size
	d.images = make([]float32, len(c.samples)*imageLen)
	d.masks = make([]int32, len(c.samples)*maskLen)
	for i := range c.samples {
		s := &c.samples[i]
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("batch: dataset %q: %w", c.name, err)
		}
		if s.Size != d.size || s.Channels != d.channels {
			return nil, fmt.Errorf("batch: dataset %q: sample %d (%s/%s#%d) is %d×%d×%d, but sample 0 is %d×%d×%d",
				c.name, i, s.Site, s.Case, s.Index, s.Size, s.Size, s.Channels, d.size, d.size, d.channels)
		}
		copy(d.images[i*imageLen:], s.Image)
		copy(d.masks[i*maskLen:], s.Mask)
	}
	return d, nil
}

// Dataset yields batches of samples; it implements train.Dataset. Build it with [New]…[Config.Done].
type Dataset struct {
	config         Config
	size, channels int
	images         []float32 // The cache: all samples' images, packed in sample order.
	masks          []int32
	targets        [][]float32 // Config.Targets, not copied: NumViews·targetLength per sample (nil without).

	epochs atomic.Uint64 // Number of iterations started: the epoch number of the next one.

	// Pull-style iteration state for Yield and Reset.
	pullNext func() (train.Batch, error, bool)
	pullStop func()
}

var _ train.Dataset = (*Dataset)(nil)

// Name implements train.Dataset.
func (d *Dataset) Name() string { return d.config.name }

// NumSamples returns the number of samples in one epoch.
func (d *Dataset) NumSamples() int { return len(d.config.samples) }

// BatchesPerEpoch returns the number of batches one epoch yields.
func (d *Dataset) BatchesPerEpoch() int {
	n, b := len(d.config.samples), d.config.batchSize
	if d.config.dropPartial || d.config.infinite {
		return n / b
	}
	return (n + b - 1) / b
}

// job is one batch to assemble: which samples, in order, and the seed of each one's augmentation.
type job struct {
	indices []int
	seeds   []uint64
	batch   train.Batch
	ready   chan struct{}
}

// Iter implements train.Dataset: each call starts a new epoch (a new shuffle and new augmentations) and, unless
// the dataset is infinite, ends after it. Batches are assembled ahead by a bounded pipeline of workers and
// yielded in order; stopping early releases the pipeline.
func (d *Dataset) Iter() iter.Seq2[train.Batch, error] {
	return func(yield func(train.Batch, error) bool) {
		epoch := d.epochs.Add(1) - 1
		done := make(chan struct{})
		order := make(chan *job, d.config.prefetch-1)
		work := make(chan *job)
		var wg sync.WaitGroup
		wg.Go(func() {
			defer close(order)
			defer close(work)
			for j := range d.jobs(epoch) {
				select { // Queue for the consumer first, then for a worker: order is preserved and bounded.
				case order <- j:
				case <-done:
					return
				}
				select {
				case work <- j:
				case <-done:
					close(j.ready)
					return
				}
			}
		})
		for range d.config.workers {
			wg.Go(func() {
				for j := range work {
					j.batch = d.assemble(j)
					close(j.ready)
				}
			})
		}
		defer func() {
			close(done)
			wg.Wait()
			for j := range order { // Free the batches prepared but never consumed.
				_ = j.batch.Finalize()
			}
		}()
		for j := range order {
			<-j.ready
			if !yield(j.batch, nil) {
				return
			}
		}
	}
}

// jobs lists the batches of an iteration: one epoch, or epoch after epoch when infinite.
func (d *Dataset) jobs(epoch uint64) iter.Seq[*job] {
	return func(yield func(*job) bool) {
		n, size := len(d.config.samples), d.config.batchSize
		var pending *job
		for ; ; epoch++ {
			order := make([]int, n)
			for i := range order {
				order[i] = i
			}
			if d.config.shuffle {
				rng := rand.New(rand.NewPCG(d.config.seed, epoch))
				rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
			}
			for position, index := range order {
				if pending == nil {
					pending = &job{ready: make(chan struct{})}
				}
				pending.indices = append(pending.indices, index)
				// Each sample's augmentation seed depends only on the epoch and its position in it.
				pending.seeds = append(pending.seeds, epoch<<32|uint64(position))
				if len(pending.indices) == size {
					if !yield(pending) {
						return
					}
					pending = nil
				}
			}
			if !d.config.infinite {
				if pending != nil && !d.config.dropPartial {
					yield(pending)
				}
				return
			}
		}
	}
}

// assemble copies (and augments) a job's samples into new tensors.
func (d *Dataset) assemble(j *job) train.Batch {
	b := len(j.indices)
	imageLen, maskLen := d.size*d.size*d.channels, d.size*d.size
	images := tensors.FromShape(shapes.Make(dtypes.Float32, b, d.size, d.size, d.channels))
	masks := tensors.FromShape(shapes.Make(dtypes.Int32, b, d.size, d.size))
	var targets *tensors.Tensor
	if d.targets != nil {
		targets = d.assembleTargets(j)
	}
	tensors.MustMutableFlatData(images, func(imageFlat []float32) {
		tensors.MustMutableFlatData(masks, func(maskFlat []int32) {
			for k, index := range j.indices {
				srcImage := d.images[index*imageLen : (index+1)*imageLen]
				srcMask := d.masks[index*maskLen : (index+1)*maskLen]
				dstImage := imageFlat[k*imageLen : (k+1)*imageLen]
				dstMask := maskFlat[k*maskLen : (k+1)*maskLen]
				if !d.config.augment.Enabled() {
					copy(dstImage, srcImage)
					copy(dstMask, srcMask)
					continue
				}
				d.config.augment.apply(d.sampleRNG(j, k), srcImage, srcMask, d.size, d.channels, dstImage, dstMask)
			}
		})
	})
	labels := []*tensors.Tensor{masks}
	if targets != nil {
		labels = append(labels, targets)
	}
	return train.Batch{Inputs: []*tensors.Tensor{images}, Labels: labels}
}

// packTargets validates Config.Targets and keeps them as they are, without a copy: precomputed teacher outputs
// take gigabytes, and a second copy would double them (the caller must not modify them while the dataset is in use).
func (d *Dataset) packTargets() error {
	c := &d.config
	if c.targets == nil {
		return nil
	}
	if len(c.targets) != len(c.samples) || c.targetLength <= 0 {
		return fmt.Errorf("batch: dataset %q: %d targets of length %d for %d samples", c.name, len(c.targets),
			c.targetLength, len(c.samples))
	}
	perSample := NumViews * c.targetLength
	for i, t := range c.targets {
		if len(t) != perSample {
			return fmt.Errorf("batch: dataset %q: target %d has %d values, want %d (%d views × %d)", c.name, i, len(t),
				perSample, NumViews, c.targetLength)
		}
	}
	d.targets = c.targets
	return nil
}

// assembleTargets copies each sample's target in the view that assemble's augmentation draws for it: the
// augmentation's random draws are replayed from the same per-sample seed.
func (d *Dataset) assembleTargets(j *job) *tensors.Tensor {
	length := d.config.targetLength
	targets := tensors.FromShape(shapes.Make(dtypes.Float32, len(j.indices), length))
	tensors.MustMutableFlatData(targets, func(flat []float32) {
		for k, index := range j.indices {
			view := 0
			if d.config.augment.Enabled() {
				geometry, _, _ := d.config.augment.draw(d.sampleRNG(j, k))
				view = geometry.view()
			}
			copy(flat[k*length:(k+1)*length], d.targets[index][view*length:(view+1)*length])
		}
	})
	return targets
}

// sampleRNG is the random source of the augmentation of the k-th sample of a job.
func (d *Dataset) sampleRNG(j *job, k int) *rand.Rand {
	return rand.New(rand.NewPCG(d.config.seed^0xA06E47, j.seeds[k]))
}

// Yield returns the next batch of the current epoch, pull-style, starting one if none is in progress; at the end
// of the epoch it returns io.EOF (and the next call starts a new epoch). The caller owns the batch's tensors.
// It is an alternative to ranging over Iter, for notebooks that step through batches.
func (d *Dataset) Yield() (train.Batch, error) {
	if d.pullNext == nil {
		d.pullNext, d.pullStop = iter.Pull2(d.Iter())
	}
	batch, err, ok := d.pullNext()
	if !ok {
		d.Reset()
		return train.Batch{}, io.EOF
	}
	return batch, err
}

// Reset abandons the epoch in progress of [Dataset.Yield], so that the next call starts a new epoch.
func (d *Dataset) Reset() {
	if d.pullStop != nil {
		d.pullStop()
	}
	d.pullNext, d.pullStop = nil, nil
}
