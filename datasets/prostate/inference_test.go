package prostate

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/gokd/gokd/datasets/volume"
)

// TestImageStackMatchesTraining checks that an image prepared for inference is, value for value, the image of the
// training stack of the same file.
func TestImageStackMatchesTraining(t *testing.T) {
	dir := t.TempDir()
	imagePath, maskPath := filepath.Join(dir, "img.nii"), filepath.Join(dir, "seg.nii")
	writeCase(t, imagePath, maskPath, 12, 10, 5, 1)
	l := New().Size(8)
	training, err := l.LoadPairStack(imagePath, maskPath, "s", "c")
	if err != nil {
		t.Fatal(err)
	}
	image, err := volume.ReadVolume(imagePath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := l.ImageStack(image, "s", "c")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.Image, training.Image) || st.Slices != training.Slices || st.Size != 8 {
		t.Fatalf("inference stack differs from the training stack")
	}
	for _, label := range st.Mask {
		if label != 0 {
			t.Fatal("inference stack has a non-background mask")
		}
	}
	four := &volume.Volume{Dims: []int{12, 10, 5, 2}, Spacing: []float64{1, 1, 1, 1}, Affine: image.Affine,
		Data: make([]float32, 12*10*5*2)}
	if _, err := l.ImageStack(four, "s", "c"); err == nil {
		t.Error("ImageStack accepted a 4D image")
	}
}

// TestRestoreLabelsOnInputGrid restores a training mask (native size: nearest is exact) of a volume whose axes
// Canonical permutes and flips, and checks it lands voxel for voxel on the file's own mask and grid.
func TestRestoreLabelsOnInputGrid(t *testing.T) {
	dir := t.TempDir()
	imagePath, maskPath := filepath.Join(dir, "img.nii"), filepath.Join(dir, "seg.nii")
	writeCase(t, imagePath, maskPath, 6, 6, 4, 1)
	// Rewrite both with axes 0 and 2 swapped and axis 1 running anterior→posterior already.
	var permuted [2]*volume.Volume
	for i, path := range []string{imagePath, maskPath} {
		v, err := volume.ReadVolume(path)
		if err != nil {
			t.Fatal(err)
		}
		p := &volume.Volume{Dims: []int{4, 6, 6}, Spacing: []float64{3, 0.5, 0.5}, Data: make([]float32, len(v.Data))}
		for z := range 6 {
			for y := range 6 {
				for x := range 4 {
					p.Data[(z*6+y)*4+x] = v.At(z, 5-y, x)
				}
			}
		}
		p.Affine = [4][4]float64{{0, 0, 0.5, 0}, {0, -0.5, 0, 2.5}, {3, 0, 0, 0}, {0, 0, 0, 1}}
		permuted[i] = p
		if err := volume.NewNIfTIWriter(p).Write(path); err != nil {
			t.Fatal(err)
		}
	}
	st, err := New().Size(0).LoadPairStack(imagePath, maskPath, "s", "c")
	if err != nil {
		t.Fatal(err)
	}
	image, err := volume.ReadVolume(imagePath)
	if err != nil {
		t.Fatal(err)
	}
	restored, err := RestoreLabels(st.Mask, st.Size, image)
	if err != nil {
		t.Fatal(err)
	}
	if restored.Affine != image.Affine || !slices.Equal(restored.Dims, image.Dims) {
		t.Fatalf("grid %v %v, want %v %v", restored.Dims, restored.Affine, image.Dims, image.Affine)
	}
	if !slices.Equal(restored.Data, permuted[1].Data) {
		t.Fatal("restored labels differ from the file's mask")
	}
	if _, err := RestoreLabels(st.Mask[1:], st.Size, image); err == nil {
		t.Error("RestoreLabels accepted a short label stack")
	}
}
