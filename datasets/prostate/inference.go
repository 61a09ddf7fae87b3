package prostate

import (
	"fmt"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/volume"
)

// ImageStack prepares one 3D image for inference exactly as [Loader.LoadPairStack] prepares a training case —
// canonical orientation, clipping and normalisation over the volume, each axial slice resized to Size×Size — with
// an all-background mask. Cut it into the network's inputs with [datasets.Stack.Samples] and the loader's channels;
// [RestoreLabels] brings the predicted labels back onto the image's own grid. A 4D image is refused: pick a frame.
func (l *Loader) ImageStack(image *volume.Volume, site, caseName string) (*datasets.Stack, error) {
	if err := l.validate(); err != nil {
		return nil, err
	}
	if err := image.Validate(); err != nil {
		return nil, fmt.Errorf("prostate: case %s/%s: %w", site, caseName, err)
	}
	if frames := image.NumFrames(); frames != 1 {
		return nil, fmt.Errorf("prostate: case %s/%s (%s): %d frames (dims %v), want one 3D volume",
			site, caseName, image.Path, frames, image.Dims)
	}
	return l.prepare(image, site, caseName)
}

// RestoreLabels maps labels predicted on the stack [Loader.ImageStack] made of image (slices·size·size class
// ids, slice-major then row-major) back onto image's own grid: each axial slice is resized from size×size to the
// canonical slice with nearest neighbour, then the canonical orientation is undone. The result has image's first
// three Dims, its Spacing and its Affine exactly, one label per voxel.
func RestoreLabels(labels []int32, size int, image *volume.Volume) (*volume.Volume, error) {
	dims := image.CanonicalDims()
	cols, rows, slices := dims[0], dims[1], dims[2]
	if size <= 0 || len(labels) != slices*size*size {
		return nil, fmt.Errorf("prostate: restoring labels of %q: %d labels, want %d slices of %d×%d", image.Path,
			len(labels), slices, size, size)
	}
	canonical := &volume.Volume{Dims: dims[:], Spacing: []float64{1, 1, 1}, Data: make([]float32, cols*rows*slices)}
	plane := rows * cols
	for z := range slices {
		restored := resizeNearestTo(labels[z*size*size:(z+1)*size*size], size, size, rows, cols)
		for i, label := range restored {
			canonical.Data[z*plane+i] = float32(label)
		}
	}
	out, err := image.FromCanonical(canonical)
	if err != nil {
		return nil, fmt.Errorf("prostate: restoring labels of %q: %w", image.Path, err)
	}
	return out, nil
}
