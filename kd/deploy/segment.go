package deploy

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/prostate"
	"github.com/gokd/gokd/datasets/volume"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gomlx/compute"
)

// ErrNeedFrame is wrapped by [SelectFrame]'s error for a 4D volume when no frame was chosen.
var ErrNeedFrame = errors.New("4D volume: choose a frame")

// ErrNonFinite is wrapped by [Segmenter.Segment]'s error for a volume with more than [MaxNonFiniteFraction] of
// its voxels NaN or infinite.
var ErrNonFinite = errors.New("too many non-finite voxels")

// ErrGeometry is wrapped by [Segmenter.Segment]'s error for a volume whose grid is degenerate
// ([volume.Volume.CheckGeometry]): its mask's volume in mL and orientation would mean nothing.
var ErrGeometry = errors.New("degenerate geometry")

// MaxNonFiniteFraction is the largest fraction of a volume's voxels that may be NaN or ±Inf. Up to it, they are
// left out of the normalisation's percentiles and set to the low clip value, the darkest intensity (see
// datasets.NormalizeVolume), and [Segmentation.NonFiniteVoxels] counts them; beyond it the volume is refused
// (ErrNonFinite): a tenth of a scan missing is no longer a few bad voxels but a hole the network was never
// trained on, and the percentiles of the rest may not describe the scan.
const MaxNonFiniteFraction = 0.1

// SegmenterBuilder configures a [Segmenter]; create it with [NewSegmenter], finish with [SegmenterBuilder.Done].
type SegmenterBuilder struct {
	backend   compute.Backend
	model     *Model
	batchSize int
	progress  func(done, total int)
}

// NewSegmenter starts a segmenter of model on backend, with batches of 8 slices and no progress report.
func NewSegmenter(backend compute.Backend, model *Model) *SegmenterBuilder {
	return &SegmenterBuilder{backend: backend, model: model, batchSize: 8}
}

// BatchSize sets how many slices run through the network at once (default 8). The labels do not depend on it.
// The segmenter runs fewer when a batch would need more than [MaxBatchMemory] (see [BatchLimit]), and a volume
// with fewer slices runs them all in one batch.
func (b *SegmenterBuilder) BatchSize(n int) *SegmenterBuilder { b.batchSize = n; return b }

// Progress sets a function called after each batch with the slices done and the volume's total.
func (b *SegmenterBuilder) Progress(report func(done, total int)) *SegmenterBuilder {
	b.progress = report
	return b
}

// Done compiles the model's inference and returns the Segmenter.
func (b *SegmenterBuilder) Done() (*Segmenter, error) {
	if b.batchSize < 1 {
		return nil, fmt.Errorf("deploy: batch size %d, want ≥ 1", b.batchSize)
	}
	loader, err := b.model.Preprocessing.Loader()
	if err != nil {
		return nil, err
	}
	predictor, err := b.model.Net.NewPredictor(b.backend)
	if err != nil {
		return nil, fmt.Errorf("deploy: compiling %s: %w", b.model.Name, err)
	}
	return &Segmenter{model: b.model, loader: loader, predictor: predictor,
		batchSize: min(b.batchSize, BatchLimit(b.model.Description)), progress: b.progress}, nil
}

// Segmenter segments volumes with one model. It is not safe for concurrent use: give each goroutine its own.
type Segmenter struct {
	model     *Model
	loader    *prostate.Loader
	predictor *inference.Predictor
	batchSize int
	progress  func(done, total int)
}

// Segmentation is a segmented volume.
type Segmentation struct {
	// Labels has the input's first three dims, its spacing and its affine, one class id per voxel (0 background).
	Labels           *volume.Volume
	ForegroundVoxels int
	ForegroundML     float64       // Foreground volume: voxels times the voxel volume of the affine, in mL.
	Slices           int           // Axial slices run through the network.
	BatchSize        int           // Slices per batch: the segmenter's, at most Slices.
	NonFiniteVoxels  int           // Input voxels that were NaN or ±Inf, set to the low clip value.
	Elapsed          time.Duration // Preparation, inference and restoring the labels.
}

// Segment segments one 3D volume (see [SelectFrame] for 4D ones): prepared as in training, run slice-wise in
// batches of at most its slice count, labels brought back onto the input's grid. A degenerate grid is refused
// (ErrGeometry), and so is a volume with too many non-finite voxels (ErrNonFinite, see [MaxNonFiniteFraction]).
func (s *Segmenter) Segment(v *volume.Volume) (*Segmentation, error) {
	start := time.Now()
	name := filepath.Base(v.Path)
	if err := v.CheckGeometry(); err != nil {
		return nil, fmt.Errorf("deploy: %w: %w", ErrGeometry, err)
	}
	nonFinite := datasets.CountNonFinite(v.Data)
	if float64(nonFinite) > MaxNonFiniteFraction*float64(len(v.Data)) {
		return nil, fmt.Errorf("deploy: %s: %w: %d of its %d voxels (%.1f%%) are NaN or infinite, more than the %g%% "+
			"that are set to the low clip value", v.Path, ErrNonFinite, nonFinite, len(v.Data),
			100*float64(nonFinite)/float64(len(v.Data)), 100*MaxNonFiniteFraction)
	}
	st, err := s.loader.ImageStack(v, "input", name)
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	samples, err := st.Samples(s.model.Preprocessing.Channels, false)
	if err != nil {
		return nil, fmt.Errorf("deploy: %s: %w", v.Path, err)
	}
	labels := make([]int32, 0, st.Slices*st.Size*st.Size)
	batch := min(s.batchSize, len(samples)) // A batch beyond the volume would only compute padding.
	for first := 0; first < len(samples); first += batch {
		last := min(first+batch, len(samples))
		maps, err := s.predictor.Predict(samples[first:last], batch)
		if err != nil {
			return nil, fmt.Errorf("deploy: segmenting %s: %w", v.Path, err)
		}
		for _, m := range maps {
			labels = append(labels, m...)
		}
		if s.progress != nil {
			s.progress(last, len(samples))
		}
	}
	restored, err := prostate.RestoreLabels(labels, st.Size, v)
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	seg := &Segmentation{Labels: restored, Slices: st.Slices, BatchSize: batch, NonFiniteVoxels: nonFinite}
	for _, label := range restored.Data {
		if label != 0 {
			seg.ForegroundVoxels++
		}
	}
	seg.ForegroundML = float64(seg.ForegroundVoxels) * VoxelVolumeMM3(v) / 1000
	seg.Elapsed = time.Since(start)
	return seg, nil
}

// VoxelVolumeMM3 returns the volume of one voxel of v in mm³: the absolute determinant of its affine's 3×3 part.
func VoxelVolumeMM3(v *volume.Volume) float64 {
	a := v.Affine
	det := a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) - a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) +
		a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	return math.Abs(det)
}

// SelectFrame returns the 3D volume to segment: v itself when it is 3D (frame must then be 0 or negative, which
// means "not chosen"), else its frame-th 3D frame (from 0). A 4D volume without a chosen frame is an error wrapping
// [ErrNeedFrame].
func SelectFrame(v *volume.Volume, frame int) (*volume.Volume, error) {
	frames := v.NumFrames()
	switch {
	case frames == 1 && frame <= 0:
		return v, nil
	case frames == 1:
		return nil, fmt.Errorf("deploy: %s is 3D (dims %v): there is no frame %d", v.Path, v.Dims, frame)
	case frame < 0:
		return nil, fmt.Errorf("deploy: %s: %w (it has %d frames, dims %v; pick one from 0 to %d)", v.Path,
			ErrNeedFrame, frames, v.Dims, frames-1)
	case frame >= frames:
		return nil, fmt.Errorf("deploy: %s has %d frames (dims %v): there is no frame %d", v.Path, frames, v.Dims,
			frame)
	}
	return &volume.Volume{Dims: append([]int(nil), v.Dims[:3]...), Spacing: append([]float64(nil), v.Spacing[:3]...),
		Affine: v.Affine, Data: v.Frame(frame), Path: v.Path}, nil
}
