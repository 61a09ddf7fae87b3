package prostate

import (
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/shared"
	"github.com/gokd/gokd/datasets/volume"
)

// rasIdentity is an affine whose voxel axes run Left→Right, Posterior→Anterior, Inferior→Superior: Canonical
// must flip the first two.
var rasIdentity = [4][4]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}

// writeVolume writes a NIfTI fixture through the volume package's writer.
func writeVolume(t *testing.T, path string, dims []int, spacing []float64, data []float32) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	affine := rasIdentity
	for i := range 3 {
		affine[i][i] = spacing[i]
	}
	v := &volume.Volume{Dims: dims, Spacing: spacing, Affine: affine, Data: data}
	if err := volume.NewNIfTIWriter(v).Write(path); err != nil {
		t.Fatal(err)
	}
}

// writeCase writes a cols×rows×slices image whose voxel value encodes its position, and a mask with label
// `label` on a block of the middle slices.
func writeCase(t *testing.T, imagePath, maskPath string, cols, rows, slices int, label float32) {
	t.Helper()
	image := make([]float32, cols*rows*slices)
	mask := make([]float32, len(image))
	for z := range slices {
		for y := range rows {
			for x := range cols {
				i := (z*rows+y)*cols + x
				image[i] = float32(100*z + 10*y + x)
				if z > 0 && z < slices-1 && x < cols/2 && y < rows/2 {
					mask[i] = label
				}
			}
		}
	}
	spacing := []float64{0.5, 0.5, 3}
	writeVolume(t, imagePath, []int{cols, rows, slices}, spacing, image)
	writeVolume(t, maskPath, []int{cols, rows, slices}, spacing, mask)
}

// raw loads without normalisation, at native size, so fixture values can be checked exactly.
func raw() *Loader {
	return New().Size(0).Normalization(datasets.NoNormalization).Clip(datasets.Percentiles{}).RequireAllCases(false)
}

func TestLoadMultiSite(t *testing.T) {
	root := t.TempDir()
	writeCase(t, filepath.Join(root, "BIDMC", "Case00.nii.gz"), filepath.Join(root, "BIDMC", "Case00_segmentation.nii.gz"), 6, 6, 4, 1)
	writeCase(t, filepath.Join(root, "BIDMC", "Case01.nii.gz"), filepath.Join(root, "BIDMC", "Case01_segmentation.nii.gz"), 6, 6, 5, 1)
	// UCL mixes capitalisations in the published archive.
	writeCase(t, filepath.Join(root, "UCL", "case02.nii.gz"), filepath.Join(root, "UCL", "Case02_Segmentation.nii"), 6, 6, 3, 1)
	if err := os.WriteFile(filepath.Join(root, "UCL", "readme.txt"), []byte("ignored"), 0o644); err != nil {
		t.Fatal(err)
	}
	samples, err := raw().Sites("BIDMC", "UCL").Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 4+5+3 {
		t.Fatalf("got %d samples, want 12", len(samples))
	}
	if got := datasets.CaseKeys(samples); !slices.Equal(got, []string{"BIDMC/Case00", "BIDMC/Case01", "UCL/Case02"}) {
		t.Errorf("cases %v", got)
	}
	onlyProstate, err := raw().Sites("BIDMC", "UCL").OnlyProstate(true).Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(onlyProstate) != 2+3+1 {
		t.Errorf("only prostate: got %d samples, want 6 (all but the end slices)", len(onlyProstate))
	}
}

// TestOrientationAndLabels checks that volumes are reoriented before slicing: in a RAS-ordered file, voxel
// (x, y) = (0, 0) is the patient's left-posterior corner, which the canonical display puts bottom right. Label 2
// (a Decathlon zone) is prostate too.
func TestOrientationAndLabels(t *testing.T) {
	dir := t.TempDir()
	image, mask := filepath.Join(dir, "img.nii"), filepath.Join(dir, "seg.nii.gz")
	const n, depth = 6, 3
	writeCase(t, image, mask, n, n, depth, 2)
	samples, err := raw().LoadPair(image, mask, "test", "c0")
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != depth {
		t.Fatalf("got %d samples, want %d", len(samples), depth)
	}
	for z, s := range samples {
		if s.Size != n || s.Index != z || s.PixelSpacingMM != [2]float64{0.5, 0.5} || s.SliceSpacingMM != 3 {
			t.Fatalf("slice %d: size %d index %d spacing %v × %g", z, s.Size, s.Index, s.PixelSpacingMM,
				s.SliceSpacingMM)
		}
		for row := range n {
			for col := range n {
				x, y := n-1-col, n-1-row // Canonical flips both in-plane axes of a RAS-ordered file.
				if got, want := s.Image[row*n+col], float32(100*z+10*y+x); got != want {
					t.Fatalf("slice %d (%d,%d): %g, want %g", z, row, col, got, want)
				}
				inProstate := int32(0)
				if z > 0 && z < depth-1 && x < n/2 && y < n/2 {
					inProstate = 1
				}
				if got := s.Mask[row*n+col]; got != inProstate {
					t.Fatalf("slice %d (%d,%d): label %d, want %d", z, row, col, got, inProstate)
				}
			}
		}
	}
}

func TestResizeAndSpacing(t *testing.T) {
	dir := t.TempDir()
	image, mask := filepath.Join(dir, "img.nii"), filepath.Join(dir, "seg.nii")
	writeCase(t, image, mask, 12, 8, 3, 1)
	if _, err := raw().LoadPair(image, mask, "test", "c0"); err == nil || !strings.Contains(err.Error(), "not square") {
		t.Errorf("non-square native slices: err %v, want a 'not square' error", err)
	}
	samples, err := raw().Size(4).Channels(3).LoadPair(image, mask, "test", "c0")
	if err != nil {
		t.Fatal(err)
	}
	s := samples[1]
	if s.Size != 4 || s.Channels != 3 || s.PixelSpacingMM != [2]float64{1, 1.5} {
		t.Fatalf("size %d channels %d spacing %v, want 4, 3 and [1 1.5]", s.Size, s.Channels, s.PixelSpacingMM)
	}
	// The prostate block covers the posterior-left quarter: after canonical flips, the bottom-right 2×2.
	want := []int32{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1}
	if !slices.Equal(s.Mask, want) {
		t.Errorf("mask %v, want %v", s.Mask, want)
	}
	// Channels are slices 0, 1, 2: the image encodes 100·z, so each channel is 100 above the previous one.
	for p := range 16 {
		d0, d1 := s.Image[3*p+1]-s.Image[3*p], s.Image[3*p+2]-s.Image[3*p+1]
		if math.Abs(float64(d0)-100) > 1e-3 || math.Abs(float64(d1)-100) > 1e-3 {
			t.Fatalf("pixel %d: channel steps %g, %g, want 100", p, d0, d1)
		}
	}
}

func TestResizeLinear(t *testing.T) {
	// A horizontal ramp shrunk 3×: away from the borders, a symmetric filter reproduces it, 3x+1 at column x.
	const in, out = 9, 3
	ramp := make([]float32, in*in)
	checker := make([]float32, in*in)
	for i := range ramp {
		ramp[i] = float32(i % in)
		checker[i] = float32((i%in + i/in) % 2)
	}
	shrunk := resizeLinear(ramp, in, in, out)
	for y := range out {
		if got := shrunk[y*out+1]; math.Abs(float64(got)-4) > 1e-4 {
			t.Errorf("ramp: row %d middle column %g, want 4", y, got)
		}
	}
	// A one-pixel checkerboard has no representation at a third of the resolution: antialiased resizing
	// averages it towards grey, where sampling pixel centres would return pure 0s and 1s.
	for i, v := range resizeLinear(checker, in, in, out) {
		if v < 0.3 || v > 0.7 {
			t.Errorf("checkerboard: pixel %d is %g, want grey (aliasing)", i, v)
		}
	}
	// Upsampling a constant keeps it constant, including at the borders.
	for i, v := range resizeLinear([]float32{2, 2, 2, 2}, 2, 2, 5) {
		if math.Abs(float64(v)-2) > 1e-6 {
			t.Fatalf("upsampled constant: pixel %d is %g", i, v)
		}
	}
}

func TestDecathlon(t *testing.T) {
	root := filepath.Join(t.TempDir(), "Task05_Prostate")
	const n, depth = 4, 3
	frames := make([]float32, 2*n*n*depth)
	for i := range n * n * depth {
		frames[i] = 1             // T2.
		frames[n*n*depth+i] = 900 // ADC, must be ignored.
	}
	frames[0] = 5
	labels := make([]float32, n*n*depth)
	labels[n*n+0], labels[n*n+1] = 1, 2 // Peripheral and transition zone on slice 1.
	spacing := []float64{0.6, 0.6, 3.6}
	writeVolume(t, filepath.Join(root, "imagesTr", "prostate_00.nii.gz"), []int{n, n, depth, 2},
		append(slices.Clone(spacing), 1), frames)
	writeVolume(t, filepath.Join(root, "labelsTr", "prostate_00.nii.gz"), []int{n, n, depth}, spacing, labels)
	if err := os.WriteFile(filepath.Join(root, "imagesTr", "._prostate_00.nii.gz"), []byte{0}, 0o644); err != nil {
		t.Fatal(err)
	}
	samples, err := raw().Load(filepath.Dir(root))
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != depth || samples[0].Site != DecathlonSite || samples[0].Case != "prostate_00" {
		t.Fatalf("got %d samples of %s/%s", len(samples), samples[0].Site, samples[0].Case)
	}
	if got := slices.Max(samples[0].Image); got != 5 {
		t.Errorf("image maximum %g, want 5 from the T2 frame", got)
	}
	count := 0
	for _, label := range samples[1].Mask {
		count += int(label)
	}
	if count != 2 {
		t.Errorf("slice 1 has %d prostate pixels, want 2 (labels 1 and 2)", count)
	}
	if _, err := New().Size(0).Load(filepath.Dir(root)); err == nil || !strings.Contains(err.Error(), "want 32") {
		t.Errorf("one Decathlon case with RequireAllCases: err %v, want a count error", err)
	}
}

func TestLayoutErrors(t *testing.T) {
	root := t.TempDir()
	writeCase(t, filepath.Join(root, "HK", "Case00.nii.gz"), filepath.Join(root, "HK", "Case00_Segmentation.nii.gz"),
		4, 4, 2, 1)
	for name, tc := range map[string]struct {
		loader *Loader
		dir    string
		want   []string
	}{
		"missing site":  {raw().RequireAllCases(true), root, []string{"holds HK", "not BIDMC, I2CVB, ISBI, ISBI_1.5, UCL", "Sites(...)"}},
		"named missing": {raw().Sites("HK", "BIDMC"), root, []string{filepath.Join(root, "BIDMC"), "CaseXX_segmentation.nii.gz", "imagesTr"}},
		"partial site":  {New().Sites("HK"), root, []string{"HK", "has 1 cases, want 12", "RequireAllCases(false)"}},
		"missing root":  {raw(), filepath.Join(root, "nowhere"), []string{"nowhere", "not found"}},
		"even channels": {raw().Channels(2), root, []string{"channels 2"}},
	} {
		_, err := tc.loader.Load(tc.dir)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		for _, want := range tc.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not mention %q", name, err, want)
			}
		}
	}
	// An image whose segmentation is missing is named in the error.
	unpaired := filepath.Join(root, "HK", "Case01.nii.gz")
	writeVolume(t, unpaired, []int{2, 2, 1}, []float64{1, 1, 1}, make([]float32, 4))
	_, err := raw().Sites("HK").Load(root)
	if err == nil || !strings.Contains(err.Error(), "image without segmentation: "+unpaired) {
		t.Errorf("unpaired image: err %v", err)
	}
}

// Any multi-site folder loads: its site folders are discovered (sorted by name, folders without cases skipped),
// and a folder without any names what it found.
func TestDiscoverSites(t *testing.T) {
	root := t.TempDir()
	for _, site := range []string{"site-B", "site-A"} {
		dir := filepath.Join(root, site)
		writeCase(t, filepath.Join(dir, "Case01.nii.gz"), filepath.Join(dir, "Case01_segmentation.nii.gz"), 4, 4, 2, 1)
	}
	if err := os.MkdirAll(filepath.Join(root, "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	sites, err := DiscoverSites(root)
	if err != nil || !slices.Equal(sites, []string{"site-A", "site-B"}) {
		t.Fatalf("DiscoverSites = %v, %v; want [site-A site-B]", sites, err)
	}
	samples, err := raw().RequireAllCases(true).Load(root) // No published count for these sites: nothing required.
	if err != nil {
		t.Fatal(err)
	}
	if got := datasets.Sites(samples); !slices.Equal(got, []string{"site-A", "site-B"}) {
		t.Errorf("loaded sites %v, want [site-A site-B]", got)
	}
	_, err = raw().Load(filepath.Join(root, "notes"))
	if err == nil || !strings.Contains(err.Error(), "no sub-folders") || !strings.Contains(err.Error(), "Sites") {
		t.Errorf("a folder without site folders: err %v, want one saying so and suggesting Sites", err)
	}
	empty := t.TempDir()
	if err := os.MkdirAll(filepath.Join(empty, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err = raw().Load(empty); err == nil || !strings.Contains(err.Error(), "sub-folders without case files: images") {
		t.Errorf("a folder of empty sub-folders: err %v, want one listing them", err)
	}
}

// The team's PROMISE12 folder loads whole with its four inferred sites discovered.
func TestPromise12Folder(t *testing.T) {
	dir, err := shared.Promise12(".")
	if err != nil {
		t.Skipf("PROMISE12 multi-site folder not available: %v", err)
	}
	cases, err := FindCases(dir, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	perSite := map[string]int{}
	for _, c := range cases {
		perSite[c.Site]++
	}
	want := map[string]int{"site-A": 7, "site-B": 10, "site-C": 11, "site-D": 10}
	if !maps.Equal(perSite, want) {
		t.Errorf("cases per site %v, want %v", perSite, want)
	}
}

func TestRealCase(t *testing.T) {
	image, mask, err := shared.RealCase(".")
	if err != nil {
		t.Skipf("real prostate case not available: %v", err)
	}
	all, err := New().LoadPair(image, mask, "PROMISE12", "Case00")
	if err != nil {
		t.Fatal(err)
	}
	withProstate, err := New().OnlyProstate(true).Size(64).Channels(3).LoadPair(image, mask, "PROMISE12", "Case00")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 64 || len(withProstate) != 34 {
		t.Errorf("got %d slices, %d with prostate; want 64 and 34", len(all), len(withProstate))
	}
	// Z-scored per volume: mean 0 and unit variance over all slices (native 128², so no resampling).
	var sum, sumSq float64
	for i := range all {
		for _, v := range all[i].Image {
			sum += float64(v)
			sumSq += float64(v) * float64(v)
		}
	}
	count := float64(len(all) * 128 * 128)
	mean := sum / count
	if variance := sumSq/count - mean*mean; mean > 1e-3 || mean < -1e-3 || variance < 0.99 || variance > 1.01 {
		t.Errorf("normalised volume has mean %g variance %g, want 0 and 1", mean, variance)
	}
}
