package volume

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
)

// Volume is a 3D (or 4D) medical image.
//
// Volumes with fewer than three axes (2D MetaImage or NIfTI files) are padded to three axes of size 1, so that
// Dims, Spacing and Affine always describe at least x, y and z. Axes beyond the third (time, vector components)
// are kept: Data holds Dims[3]·Dims[4]·… consecutive 3D frames.
type Volume struct {
	Dims    []int         // voxel counts per axis as stored (x, y, z[, t])
	Data    []float32     // voxel values in file order (first axis fastest), scl_slope/scl_inter applied
	Spacing []float64     // mm per axis (pixdim)
	Affine  [4][4]float64 // voxel index → world, RAS+ mm: exactly nibabel's img.affine
	Path    string        // file it came from ("" if built in memory)
}

// GridTolerance is the largest difference, in mm, between two affine entries that [Volume.SameGrid] still accepts:
// headers written by different tools round the same geometry differently (float32 quaternions, for example).
const GridTolerance = 1e-3

// ReadVolume reads a medical volume, choosing the format from the file name: .nii, .nii.gz, .hdr (with its .img)
// for NIfTI-1/NIfTI-2, and .mha or .mhd for MetaImage.
func ReadVolume(path string) (*Volume, error) {
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".nii"), strings.HasSuffix(lower, ".nii.gz"),
		strings.HasSuffix(lower, ".hdr"), strings.HasSuffix(lower, ".hdr.gz"):
		return readNIfTIFile(path)
	case strings.HasSuffix(lower, ".mha"), strings.HasSuffix(lower, ".mhd"):
		return readMetaImageFile(path)
	}
	return nil, fmt.Errorf("volume: %s: unknown file type %q (want .nii, .nii.gz, .hdr, .mha or .mhd)",
		path, filepath.Ext(path))
}

// NumVoxels returns the number of voxels of one 3D frame (Dims[0]·Dims[1]·Dims[2]).
func (v *Volume) NumVoxels() int { return v.Dims[0] * v.Dims[1] * v.Dims[2] }

// NumFrames returns the number of 3D frames: the product of the axes beyond the third (1 for a 3D volume).
func (v *Volume) NumFrames() int {
	frames := 1
	for _, d := range v.Dims[3:] {
		frames *= d
	}
	return frames
}

// Frame returns the t-th 3D frame of Data (shared, not copied), first axis fastest.
func (v *Volume) Frame(t int) []float32 {
	n := v.NumVoxels()
	return v.Data[t*n : (t+1)*n]
}

// AxialSlice returns slice z of the first frame (shared, not copied), row-major with row = axis 1 and
// column = axis 0. After [Volume.Canonical] it displays anterior up and the patient's left on the right.
func (v *Volume) AxialSlice(z int) []float32 {
	n := v.Dims[0] * v.Dims[1]
	return v.Data[z*n : (z+1)*n]
}

// At returns the voxel (x, y, z) of the first frame. It panics, like a slice index, when out of range.
func (v *Volume) At(x, y, z int) float32 {
	if x < 0 || x >= v.Dims[0] || y < 0 || y >= v.Dims[1] || z < 0 || z >= v.Dims[2] {
		panic(fmt.Sprintf("volume: At(%d, %d, %d) out of range for dims %v", x, y, z, v.Dims))
	}
	return v.Data[(z*v.Dims[1]+y)*v.Dims[0]+x]
}

// Validate reports whether Dims, Spacing and Data agree with each other.
func (v *Volume) Validate() error {
	if len(v.Dims) < 3 {
		return fmt.Errorf("volume %q: %d axes, want at least 3", v.Path, len(v.Dims))
	}
	if len(v.Spacing) != len(v.Dims) {
		return fmt.Errorf("volume %q: %d spacings for %d axes", v.Path, len(v.Spacing), len(v.Dims))
	}
	n, err := voxelCount(v.Dims)
	if err != nil {
		return fmt.Errorf("volume %q: %w", v.Path, err)
	}
	if len(v.Data) != n {
		return fmt.Errorf("volume %q: %d values for dims %v (want %d)", v.Path, len(v.Data), v.Dims, n)
	}
	return nil
}

// SameGrid returns an error when other does not lie on v's voxel grid: different spatial dims, or affines that
// differ by more than [GridTolerance] mm. Use it to check that an image and its mask line up.
func (v *Volume) SameGrid(other *Volume) error {
	for axis := range 3 {
		if v.Dims[axis] != other.Dims[axis] {
			return fmt.Errorf("volume: %q has dims %v but %q has dims %v", v.Path, v.Dims[:3], other.Path,
				other.Dims[:3])
		}
	}
	for row := range 3 {
		for col := range 4 {
			if diff := math.Abs(v.Affine[row][col] - other.Affine[row][col]); !(diff <= GridTolerance) {
				return fmt.Errorf("volume: %q and %q are on different grids: affine[%d][%d] is %g vs %g",
					v.Path, other.Path, row, col, v.Affine[row][col], other.Affine[row][col])
			}
		}
	}
	return nil
}

// WithData returns a volume on v's grid (same Dims, Spacing, Affine) holding data, e.g. a predicted mask to
// export with [NIfTIWriter]. Path is empty. data is used, not copied.
func (v *Volume) WithData(data []float32) (*Volume, error) {
	out := &Volume{Dims: clone(v.Dims), Spacing: clone(v.Spacing), Affine: v.Affine, Data: data}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return out, nil
}

// Clone returns a deep copy of v.
func (v *Volume) Clone() *Volume {
	return &Volume{Dims: clone(v.Dims), Spacing: clone(v.Spacing), Affine: v.Affine, Data: clone(v.Data),
		Path: v.Path}
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }

// maxVoxels bounds the voxel count a header may declare (2³¹, i.e. 8 GiB of float32), so that a corrupt header
// yields an error instead of an impossible allocation.
const maxVoxels = 1 << 31

// voxelCount multiplies dims, rejecting non-positive axes and products beyond maxVoxels.
func voxelCount(dims []int) (int, error) {
	n := 1
	for axis, d := range dims {
		if d <= 0 {
			return 0, fmt.Errorf("axis %d has size %d (dims %v)", axis, d, dims)
		}
		if d > maxVoxels || n > maxVoxels/d {
			return 0, fmt.Errorf("dims %v hold more than %d voxels", dims, maxVoxels)
		}
		n *= d
	}
	return n, nil
}

// padTo3 pads dims and spacing with axes of size 1 (spacing 1) up to three axes.
func padTo3(dims []int, spacing []float64) ([]int, []float64) {
	for len(dims) < 3 {
		dims = append(dims, 1)
		spacing = append(spacing, 1)
	}
	return dims, spacing
}
