package prostate

import (
	"fmt"
	"runtime"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/volume"
)

// Loader describes how volumes become samples; create it with [New] and adjust it with its builder methods.
type Loader struct {
	size, channels int
	normalization  datasets.Normalization
	clip           datasets.Percentiles
	onlyProstate   bool
	sites          []string
	requireAll     bool
	workers        int
}

// New returns a loader with the defaults: 128×128 slices (CPU-friendly; use Size(384) for the multi-site
// dataset's native resolution), one channel, clipping at the 1st and 99th percentile followed by z-score
// normalisation per volume, all slices kept, every site folder found loaded (Liu et al.'s six sites required
// complete).
func New() *Loader {
	return &Loader{size: 128, channels: 1, normalization: datasets.ZScore, clip: datasets.DefaultPercentiles,
		requireAll: true, workers: runtime.GOMAXPROCS(0)}
}

// Size sets the height and width slices are resized to; 0 keeps the native in-plane size (which must then be
// square). Non-square slices are stretched to the square, and the pixel spacing adjusted accordingly.
func (l *Loader) Size(pixels int) *Loader { l.size = pixels; return l }

// Channels sets the input channels: 1, or an odd 2k+1 for 2.5D input with k adjacent slices on each side (edge
// slices replicated).
func (l *Loader) Channels(n int) *Loader { l.channels = n; return l }

// Normalization sets the per-volume intensity normalisation (default [datasets.ZScore]).
func (l *Loader) Normalization(mode datasets.Normalization) *Loader { l.normalization = mode; return l }

// Clip sets the percentiles each volume is clipped at before normalisation (default 1st and 99th); the zero
// value disables clipping.
func (l *Loader) Clip(p datasets.Percentiles) *Loader { l.clip = p; return l }

// OnlyProstate keeps only slices whose mask contains prostate.
func (l *Loader) OnlyProstate(only bool) *Loader { l.onlyProstate = only; return l }

// Sites restricts loading of the multi-site layout to the named site folders (default: every site folder found,
// see [DiscoverSites]).
func (l *Loader) Sites(names ...string) *Loader { l.sites = names; return l }

// RequireAllCases sets whether a site with fewer cases than the published dataset is an error (default true,
// which catches incomplete downloads); set it to false to load a subset.
func (l *Loader) RequireAllCases(require bool) *Loader { l.requireAll = require; return l }

// Workers sets how many cases are read in parallel (default GOMAXPROCS). The output does not depend on it.
func (l *Loader) Workers(n int) *Loader { l.workers = n; return l }

func (l *Loader) validate() error {
	if l.size < 0 || l.channels < 1 || l.channels%2 == 0 {
		return fmt.Errorf("prostate: invalid size %d or channels %d (want size >= 0, channels 1 or odd 2k+1)",
			l.size, l.channels)
	}
	return nil
}

// Load reads every case under root (see [FindCases] for the accepted layouts) and returns their slices, case by
// case in site and case order.
func (l *Loader) Load(root string) ([]datasets.Sample, error) {
	stacks, err := l.LoadStacks(root)
	if err != nil {
		return nil, err
	}
	return l.samples(stacks...)
}

// LoadStacks reads every case under root as a prepared 3D stack (for per-case 3D metrics and viewers).
func (l *Loader) LoadStacks(root string) ([]*datasets.Stack, error) {
	if err := l.validate(); err != nil {
		return nil, err
	}
	cases, err := FindCases(root, l.sites, l.requireAll)
	if err != nil {
		return nil, err
	}
	return datasets.BuildStacks(len(cases), l.workers, func(i int) (*datasets.Stack, error) {
		return l.LoadPairStack(cases[i].Image, cases[i].Mask, cases[i].Site, cases[i].Case)
	})
}

// LoadPair reads one image and its segmentation (e.g. Case00.nii.gz and Case00_segmentation.nii.gz) as the
// slices of one case with the given site and case names.
func (l *Loader) LoadPair(imagePath, maskPath, site, caseName string) ([]datasets.Sample, error) {
	if err := l.validate(); err != nil {
		return nil, err
	}
	st, err := l.LoadPairStack(imagePath, maskPath, site, caseName)
	if err != nil {
		return nil, err
	}
	return l.samples(st)
}

func (l *Loader) samples(stacks ...*datasets.Stack) ([]datasets.Sample, error) {
	samples, err := datasets.SamplesOf(stacks, l.channels, l.onlyProstate)
	if err != nil {
		return nil, fmt.Errorf("prostate: %w", err)
	}
	return samples, nil
}

// LoadPairStack reads one image and its segmentation as a prepared stack: canonical orientation, normalised,
// resized, labels above 0 mapped to 1. A 4D image (the Decathlon's T2 and ADC) contributes its first volume, T2.
func (l *Loader) LoadPairStack(imagePath, maskPath, site, caseName string) (*datasets.Stack, error) {
	image, err := readFirstFrame(imagePath)
	if err != nil {
		return nil, fmt.Errorf("prostate: case %s/%s: %w", site, caseName, err)
	}
	mask, err := readFirstFrame(maskPath)
	if err != nil {
		return nil, fmt.Errorf("prostate: case %s/%s: %w", site, caseName, err)
	}
	if err := image.SameGrid(mask); err != nil {
		return nil, fmt.Errorf("prostate: case %s/%s: image and segmentation do not line up: %w", site, caseName, err)
	}
	st, err := l.prepare(image, site, caseName)
	if err != nil {
		return nil, err
	}
	mask = mask.Canonical()
	cols, rows := mask.Dims[0], mask.Dims[1]
	plane, resized := rows*cols, st.Size*st.Size
	labels := make([]int32, plane)
	for z := range st.Slices {
		for i, v := range mask.Data[z*plane : (z+1)*plane] {
			labels[i] = 0
			if v > 0.5 { // Integer labels stored as floats: 1 (and 2 for the Decathlon's zones) are prostate.
				labels[i] = 1
			}
		}
		copy(st.Mask[z*resized:], resizeNearest(labels, rows, cols, st.Size))
	}
	return st, nil
}

// prepare turns one 3D image into a stack of the loader's slices, mask all background: canonical orientation,
// clipped and normalised over the whole volume, each axial slice resized to Size×Size.
func (l *Loader) prepare(image *volume.Volume, site, caseName string) (*datasets.Stack, error) {
	image = image.Canonical() // A copy: normalisation below works in place.
	cols, rows, slices := image.Dims[0], image.Dims[1], image.Dims[2]
	size := l.size
	if size == 0 {
		if rows != cols {
			return nil, fmt.Errorf("prostate: case %s/%s (%s): native slices are %d×%d, not square; set a Size",
				site, caseName, image.Path, rows, cols)
		}
		size = cols
	}
	if err := datasets.NormalizeVolume(image.Data, l.clip, l.normalization); err != nil {
		return nil, fmt.Errorf("prostate: case %s/%s (%s): %w", site, caseName, image.Path, err)
	}
	plane, resized := rows*cols, size*size
	st := &datasets.Stack{
		Site: site, Case: caseName, Size: size, Slices: slices,
		Image: make([]float32, slices*resized), Mask: make([]int32, slices*resized),
		PixelSpacingMM: [2]float64{image.Spacing[1] * float64(rows) / float64(size),
			image.Spacing[0] * float64(cols) / float64(size)},
		SliceSpacingMM: image.Spacing[2],
	}
	for z := range slices {
		copy(st.Image[z*resized:], resizeLinear(image.Data[z*plane:(z+1)*plane], rows, cols, size))
	}
	return st, nil
}

// readFirstFrame reads a volume and keeps only its first 3D frame.
func readFirstFrame(path string) (*volume.Volume, error) {
	v, err := volume.ReadVolume(path)
	if err != nil {
		return nil, err
	}
	if v.NumFrames() == 1 {
		return v, nil
	}
	return &volume.Volume{Dims: v.Dims[:3], Spacing: v.Spacing[:3], Affine: v.Affine, Data: v.Frame(0),
		Path: v.Path}, nil
}
