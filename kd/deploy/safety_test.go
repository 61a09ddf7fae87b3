package deploy

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/nets"
)

// TestSegmentNonFinite segments a volume with one NaN voxel: the mask is that of the clean volume (up to the
// voxel's neighbourhood) and the voxel is counted; a volume with more than MaxNonFiniteFraction NaN voxels, or all
// NaN, is refused. Before, one NaN voxel gave an empty mask without a word.
func TestSegmentNonFinite(t *testing.T) {
	s, _ := segmenter(t, 8)
	clean := blobVolume(40, 36, 6, lpsAffine(0.6, 0.7, 3))
	want, err := s.Segment(clean)
	if err != nil {
		t.Fatal(err)
	}
	if want.ForegroundVoxels == 0 {
		t.Fatal("no foreground on the clean volume: the comparison is weak")
	}
	one := clean.Clone()
	one.Data[0] = float32(math.NaN())
	got, err := s.Segment(one)
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for i := range got.Labels.Data {
		if got.Labels.Data[i] == want.Labels.Data[i] {
			same++
		}
	}
	if got.NonFiniteVoxels != 1 || float64(same) < 0.99*float64(len(got.Labels.Data)) {
		t.Errorf("one NaN voxel: %d counted, %d of %d labels as without it (foreground %d, clean %d)",
			got.NonFiniteVoxels, same, len(got.Labels.Data), got.ForegroundVoxels, want.ForegroundVoxels)
	}
	for _, fraction := range []float64{MaxNonFiniteFraction + 0.01, 1} {
		bad := clean.Clone()
		for i := range int(fraction * float64(len(bad.Data))) {
			bad.Data[i] = float32(math.Inf(1))
		}
		if _, err := s.Segment(bad); !errors.Is(err, ErrNonFinite) {
			t.Errorf("%.0f%% non-finite: %v, want ErrNonFinite", 100*fraction, err)
		}
	}
}

// TestSegmentRefusesDegenerateGeometry: a volume whose affine is singular has no voxel volume; before, it was
// segmented and reported as 0 mL.
func TestSegmentRefusesDegenerateGeometry(t *testing.T) {
	s, _ := segmenter(t, 8)
	affine := lpsAffine(0.6, 0.7, 3)
	affine[2][2] = 0
	if _, err := s.Segment(blobVolume(40, 36, 6, affine)); !errors.Is(err, ErrGeometry) {
		t.Errorf("singular affine: %v, want ErrGeometry", err)
	}
}

// TestBatchBounded: a batch beyond the volume's slices runs the slices alone (before, 1000 padded slices), and
// the batch of a large network is bounded by MaxBatchMemory whatever is asked.
func TestBatchBounded(t *testing.T) {
	s, _ := segmenter(t, 1000)
	seg, err := s.Segment(blobVolume(40, 36, 6, lpsAffine(0.6, 0.7, 3)))
	if err != nil {
		t.Fatal(err)
	}
	if seg.BatchSize != 6 {
		t.Errorf("batch %d on a 6-slice volume, want 6", seg.BatchSize)
	}
	big := Description{Architecture: nets.Teacher().Architecture(), Preprocessing: DefaultPreprocessing(512)}
	perSlice := ActivationBytes(big.Architecture, 512, 1)
	if limit := BatchLimit(big); limit < 1 || float64(limit)*perSlice > MaxBatchMemory && limit > 1 {
		t.Errorf("teacher at 512²: batch limit %d of %.0f bytes per slice", limit, perSlice)
	}
	b := goBackend(t)
	m := &Model{Description: big, Net: tinyModel(t, b, 7)}
	built, err := NewSegmenter(b, m).BatchSize(100000).Done()
	if err != nil {
		t.Fatal(err)
	}
	if built.batchSize != BatchLimit(big) {
		t.Errorf("segmenter batch %d, want the limit %d", built.batchSize, BatchLimit(big))
	}
}

// TestWriteLabelsCompanionAndTag: a ".mhd" output's data file counts as an output (before, an existing d.zraw was
// replaced without overwrite), and written labels carry LabelsTag.
func TestWriteLabelsCompanionAndTag(t *testing.T) {
	dir := t.TempDir()
	v := blobVolume(6, 5, 4, lpsAffine(1, 1, 1))
	for i := range v.Data {
		v.Data[i] = float32(i % 2)
	}
	zraw := filepath.Join(dir, "d.zraw")
	if err := os.WriteFile(zraw, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteLabels(v, filepath.Join(dir, "d.mhd"), false); !errors.Is(err, ErrOutputExists) ||
		!strings.Contains(err.Error(), zraw) {
		t.Errorf("existing data file: %v, want ErrOutputExists naming %s", err, zraw)
	}
	if kept, _ := os.ReadFile(zraw); string(kept) != "precious" {
		t.Error("the existing data file was replaced")
	}
	if got := OutputFiles(filepath.Join(dir, "d.mhd")); !slices.Equal(got, []string{filepath.Join(dir, "d.mhd"), zraw}) {
		t.Errorf("OutputFiles = %v", got)
	}
	for _, name := range []string{"a.nii.gz", "b.mha", "c.mhd"} {
		path := filepath.Join(dir, name)
		if err := WriteLabels(v, path, false); err != nil {
			t.Fatal(err)
		}
		if !IsLabels(path) {
			t.Errorf("%s: not recognised as labels", name)
		}
	}
	if IsLabels(zraw) {
		t.Error("a data file recognised as labels")
	}
}

// TestModelFileChecks: a one-bit change of the clip percentile (99 → 98) is refused (before, it loaded and
// changed the mask); a corrupt weight passes ReadDescription, which reads the header alone, but not Verify; a
// folder is said to be one; a version 1 description gets a warning.
func TestModelFileChecks(t *testing.T) {
	b := goBackend(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "tiny.gokd")
	if err := Save(path, tinyModel(t, b, 1), Description{Preprocessing: DefaultPreprocessing(32)}); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := Verify(path); err != nil || d.FormatWarning() != "" {
		t.Fatalf("Verify of a sound file: %v, warning %q", err, d.FormatWarning())
	}
	field := []byte(`"clip_high_percentile":99`)
	clip := bytes.Clone(good)
	clip[bytes.Index(clip, field)+len(field)-1] ^= 0x01
	if err := os.WriteFile(path, clip, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(b, path); err == nil || !strings.Contains(err.Error(), "CRC-32") {
		t.Errorf("clip percentile 99 → 98: %v, want a checksum error", err)
	}
	weights := bytes.Clone(good)
	weights[len(weights)-2] ^= 0x10
	if err := os.WriteFile(path, weights, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDescription(path); err != nil {
		t.Errorf("ReadDescription reads the header only: %v", err)
	}
	if _, err := Verify(path); !errors.Is(err, ErrNotModel) || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("Verify of a corrupt weight: %v", err)
	}
	if _, err := Load(b, dir); !errors.Is(err, ErrNotModel) || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a folder: %v", err)
	}
	if warning := (Description{Version: 1}).FormatWarning(); !strings.Contains(warning, "no checksum") {
		t.Errorf("version 1 warning %q", warning)
	}
}
