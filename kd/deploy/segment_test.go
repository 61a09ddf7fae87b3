package deploy

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gokd/gokd/datasets/prostate"
	"github.com/gokd/gokd/datasets/volume"
)

// segmenter returns a Segmenter of an untrained tiny model (slices of 32²) on the Go backend.
func segmenter(t *testing.T, batch int) (*Segmenter, *Model) {
	t.Helper()
	b := goBackend(t)
	m := &Model{Description: Description{Name: "tiny", Preprocessing: DefaultPreprocessing(32)}, Net: tinyModel(t, b, 7)}
	s, err := NewSegmenter(b, m).BatchSize(batch).Done()
	if err != nil {
		t.Fatal(err)
	}
	return s, m
}

// TestSegmentMatchesTrainingPipeline segments a volume and compares with the labels of the same network on the
// same file prepared by the training loader (LoadPairStack), brought back with RestoreLabels: voxel for voxel,
// on the input's grid, whatever the batch size.
func TestSegmentMatchesTrainingPipeline(t *testing.T) {
	dir := t.TempDir()
	v := blobVolume(40, 36, 6, lpsAffine(0.6, 0.7, 3))
	imagePath := filepath.Join(dir, "case.nii.gz")
	if err := volume.NewNIfTIWriter(v).Write(imagePath); err != nil {
		t.Fatal(err)
	}
	input, err := volume.ReadVolume(imagePath)
	if err != nil {
		t.Fatal(err)
	}
	var done []int
	s, m := segmenter(t, 4)
	s.progress = func(d, total int) { done = append(done, d) }
	seg, err := s.Segment(input)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seg.Labels.Dims, input.Dims) || seg.Labels.Affine != input.Affine || seg.Slices != 6 {
		t.Fatalf("labels on dims %v affine %v, want %v %v", seg.Labels.Dims, seg.Labels.Affine, input.Dims, input.Affine)
	}
	if !slices.Equal(done, []int{4, 6}) {
		t.Errorf("progress %v, want [4 6]", done)
	}

	// The training path: image and (any) mask through LoadPairStack, the predictor on its samples.
	st, err := prostate.New().Size(32).LoadPairStack(imagePath, imagePath, "s", "c")
	if err != nil {
		t.Fatal(err)
	}
	samples, err := st.Samples(1, false)
	if err != nil {
		t.Fatal(err)
	}
	predictor, err := m.Net.NewPredictor(goBackend(t))
	if err != nil {
		t.Fatal(err)
	}
	maps, err := predictor.Predict(samples, 8)
	if err != nil {
		t.Fatal(err)
	}
	var labels []int32
	for _, mp := range maps {
		labels = append(labels, mp...)
	}
	want, err := prostate.RestoreLabels(labels, 32, input)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seg.Labels.Data, want.Data) {
		t.Fatal("segmentation differs from the training pipeline's prediction")
	}
	if seg.ForegroundVoxels == 0 || seg.ForegroundVoxels == len(want.Data) {
		t.Fatalf("the network predicts a single class (%d foreground voxels): the comparison would be weak",
			seg.ForegroundVoxels)
	}
	wantML := float64(seg.ForegroundVoxels) * 0.6 * 0.7 * 3 / 1000
	if diff := seg.ForegroundML - wantML; diff > 1e-6*wantML || diff < -1e-6*wantML { // A float32 affine.
		t.Errorf("foreground %g mL, want %g", seg.ForegroundML, wantML)
	}
}

// TestSegmentFollowsInputOrientation segments a volume and a copy stored with permuted and flipped axes (with the
// matching affine): the copy's labels are the original's, permuted and flipped the same way.
func TestSegmentFollowsInputOrientation(t *testing.T) {
	v := blobVolume(40, 32, 5, lpsAffine(0.6, 0.7, 3))
	// Copy: new axis 0 = old z reversed, new axis 1 = old x, new axis 2 = old y reversed.
	c := &volume.Volume{Dims: []int{5, 40, 32}, Spacing: []float64{3, 0.6, 0.7}, Data: make([]float32, len(v.Data))}
	at := func(data []float32, dims []int, x, y, z int) float32 { return data[(z*dims[1]+y)*dims[0]+x] }
	for k := range 32 {
		for j := range 40 {
			for i := range 5 {
				c.Data[(k*40+j)*5+i] = v.At(j, 31-k, 4-i)
			}
		}
	}
	// Old index (x, y, z) = (j, 31-k, 4-i): world = A·old = A·(M·new + offset).
	var m [4][4]float64
	m[0][1], m[1][2], m[1][3], m[2][0], m[2][3], m[3][3] = 1, -1, 31, -1, 4, 1
	for r := range 4 {
		for col := range 4 {
			for k := range 4 {
				c.Affine[r][col] += v.Affine[r][k] * m[k][col]
			}
		}
	}
	if c.Canonical().AxisCodes() != "LPS" || c.AxisCodes() == v.AxisCodes() {
		t.Fatalf("copy axes %s, original %s", c.AxisCodes(), v.AxisCodes())
	}
	s, _ := segmenter(t, 8)
	orig, err := s.Segment(v)
	if err != nil {
		t.Fatal(err)
	}
	copied, err := s.Segment(c)
	if err != nil {
		t.Fatal(err)
	}
	if copied.Labels.Affine != c.Affine || !slices.Equal(copied.Labels.Dims, c.Dims) {
		t.Fatalf("copy's labels on %v %v", copied.Labels.Dims, copied.Labels.Affine)
	}
	for k := range 32 {
		for j := range 40 {
			for i := range 5 {
				if got, want := at(copied.Labels.Data, c.Dims, i, j, k), orig.Labels.At(j, 31-k, 4-i); got != want {
					t.Fatalf("copy voxel (%d,%d,%d) is %g, the original's (%d,%d,%d) %g", i, j, k, got, j, 31-k, 4-i, want)
				}
			}
		}
	}
}

// TestSelectFrame checks 3D pass-through, the 4D refusal without a frame and frame extraction.
func TestSelectFrame(t *testing.T) {
	v3 := blobVolume(4, 4, 2, lpsAffine(1, 1, 1))
	if got, err := SelectFrame(v3, -1); err != nil || got != v3 {
		t.Errorf("3D: %v", err)
	}
	if _, err := SelectFrame(v3, 1); err == nil {
		t.Error("3D volume gave a frame 1")
	}
	v4 := &volume.Volume{Dims: []int{4, 4, 2, 3}, Spacing: []float64{1, 1, 1, 1}, Affine: lpsAffine(1, 1, 1),
		Data: make([]float32, 96)}
	for i := range v4.Data {
		v4.Data[i] = float32(i)
	}
	if _, err := SelectFrame(v4, -1); !errors.Is(err, ErrNeedFrame) {
		t.Errorf("4D without a frame: %v", err)
	}
	if _, err := SelectFrame(v4, 3); err == nil {
		t.Error("4D volume gave frame 3 of 3")
	}
	f, err := SelectFrame(v4, 2)
	if err != nil || len(f.Dims) != 3 || f.Data[0] != 64 || len(f.Data) != 32 {
		t.Errorf("frame 2: %v %v", f, err)
	}
}

// TestWriteLabels writes labels in every format and reads them back exactly, and checks the refusals leave
// nothing behind.
func TestWriteLabels(t *testing.T) {
	dir := t.TempDir()
	v := blobVolume(6, 5, 4, [4][4]float64{{0, 0.7, 0.1, 3}, {-0.6, 0, 0, 4}, {0, 0, 3, 5}, {0, 0, 0, 1}})
	for i := range v.Data {
		v.Data[i] = float32(i % 3)
	}
	for _, name := range []string{"a.nii", "b.nii.gz", "c.mha", "d.mhd"} {
		path := filepath.Join(dir, name)
		if err := WriteLabels(v, path, false); err != nil {
			t.Fatal(err)
		}
		got, err := volume.ReadVolume(path)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Data, v.Data) || !slices.Equal(got.Dims, v.Dims) {
			t.Errorf("%s: labels or dims differ", name)
		}
		if err := v.SameGrid(got); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		before, _ := os.ReadFile(path)
		if err := WriteLabels(v, path, false); !errors.Is(err, ErrOutputExists) {
			t.Errorf("%s: second write without overwrite: %v", name, err)
		}
		if after, _ := os.ReadFile(path); !slices.Equal(before, after) {
			t.Errorf("%s: changed by a refused write", name)
		}
		if err := WriteLabels(v, path, true); err != nil {
			t.Errorf("%s: overwrite: %v", name, err)
		}
	}
	if err := WriteLabels(v, filepath.Join(dir, "e.png"), false); !errors.Is(err, ErrUnsupportedOutput) {
		t.Errorf("png: %v", err)
	}
	big := v.Clone()
	big.Data[0] = 300 // Does not fit uint8: the write fails after staging.
	if err := WriteLabels(big, filepath.Join(dir, "f.nii.gz"), false); err == nil {
		t.Error("wrote 300 as uint8")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"a.nii", "b.nii.gz", "c.mha", "d.mhd", "d.zraw"}; !slices.Equal(names, want) {
		t.Errorf("folder holds %v, want %v", names, want)
	}
}
