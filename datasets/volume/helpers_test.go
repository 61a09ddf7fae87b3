package volume

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gokd/gokd/datasets/shared"
)

// fileFacts are the reference facts that testdata/gen_expected.py computed with nibabel (or, for MetaImage, with
// its own numpy reader). Indices address the padded array (x, y, z[, t]).
type fileFacts struct {
	Location  string        `json:"location"` // "system" (absolute path) or "shared" (relative to the repo's parent)
	Path      string        `json:"path"`
	Dims      []int         `json:"dims"`
	Spacing   []float64     `json:"spacing"`
	Affine    [4][4]float64 `json:"affine"`
	AxisCodes string        `json:"axcodes"`
	Sum       float64       `json:"sum"`
	Samples   [][]float64   `json:"samples"` // index..., value
	Slabs     [][3]float64  `json:"slabs"`   // axis, index, sum of the slab (all frames)
	Datatype  string        `json:"datatype"`
	Canonical *fileFacts    `json:"canonical"`
}

type expectedFacts struct {
	NIfTI             map[string]*fileFacts `json:"nifti"`
	NIfTIHeaders      map[string]*fileFacts `json:"nifti_headers"`
	MetaImage         map[string]*fileFacts `json:"metaimage"`
	MetaImageRejected []string              `json:"metaimage_rejected"`
}

func loadExpected(t testing.TB) *expectedFacts {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var facts expectedFacts
	if err := json.Unmarshal(raw, &facts); err != nil {
		t.Fatalf("testdata/expected.json: %v", err)
	}
	return &facts
}

// sharedParent returns the folder that holds the repository and its sibling "shared", skipping the test when the
// shared data is not installed.
func sharedParent(t testing.TB) string {
	t.Helper()
	data, err := shared.DataDir(".")
	if err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	return filepath.Dir(filepath.Dir(data)) // .../shared/data → ...
}

// resolve returns the file's path, skipping the test when it is not installed.
func (f *fileFacts) resolve(t *testing.T) string {
	t.Helper()
	path := f.Path
	if f.Location == "shared" {
		path = filepath.Join(sharedParent(t), f.Path)
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("reference file %s is absent (install mricron-data, python3-nibabel, insighttoolkit5-examples, "+
			"or provide ../shared/data): %v", path, err)
	}
	return path
}

// valueAt returns the voxel at a full index (x, y, z, t…), first axis fastest.
func valueAt(v *Volume, index []int) float32 {
	offset, stride := 0, 1
	for axis, i := range index {
		offset += i * stride
		stride *= v.Dims[axis]
	}
	return v.Data[offset]
}

// slabSums returns, per spatial axis and index k along it, the sum of all voxels (all frames) at that index.
func slabSums(v *Volume) [3][]float64 {
	var sums [3][]float64
	for axis := range 3 {
		sums[axis] = make([]float64, v.Dims[axis])
	}
	i := 0
	for range v.NumFrames() {
		for z := range v.Dims[2] {
			for y := range v.Dims[1] {
				for x := range v.Dims[0] {
					value := float64(v.Data[i])
					sums[0][x] += value
					sums[1][y] += value
					sums[2][z] += value
					i++
				}
			}
		}
	}
	return sums
}

func sum(data []float32) float64 {
	total := 0.0
	for _, x := range data {
		total += float64(x)
	}
	return total
}

// closeRel reports whether got is within rel of want, relative to max(|want|, 1).
func closeRel(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), 1)
}

// checkFacts compares a volume with reference facts: dims, affine, axis codes, spacing, voxel sum, slab sums
// and sample voxels. Values are float32 in the volume, float64 in the facts: hence the relative tolerances.
func checkFacts(t *testing.T, v *Volume, want *fileFacts) {
	t.Helper()
	if !slices.Equal(v.Dims, want.Dims) {
		t.Fatalf("dims %v, want %v", v.Dims, want.Dims)
	}
	checkAffine(t, v.Affine, want.Affine, 1e-5)
	if got := v.AxisCodes(); got != want.AxisCodes {
		t.Errorf("axis codes %q, want %q", got, want.AxisCodes)
	}
	for i := range want.Spacing {
		if !closeRel(v.Spacing[i], want.Spacing[i], 1e-6) {
			t.Errorf("spacing %v, want %v", v.Spacing, want.Spacing)
			break
		}
	}
	if got := sum(v.Data); !closeRel(got, want.Sum, 1e-6) {
		t.Errorf("voxel sum %.6f, want %.6f", got, want.Sum)
	}
	slabs := slabSums(v)
	for _, slab := range want.Slabs {
		axis, k := int(slab[0]), int(slab[1])
		if got := slabs[axis][k]; !closeRel(got, slab[2], 1e-6) {
			t.Errorf("sum of slab %d along axis %d: %.6f, want %.6f", k, axis, got, slab[2])
		}
	}
	for _, sample := range want.Samples {
		index := make([]int, len(sample)-1)
		for i := range index {
			index[i] = int(sample[i])
		}
		wantValue := sample[len(sample)-1]
		if got := float64(valueAt(v, index)); !closeRel(got, wantValue, 1e-6) {
			t.Errorf("voxel %v = %g, want %g", index, got, wantValue)
		}
	}
}

func checkAffine(t *testing.T, got, want [4][4]float64, tol float64) {
	t.Helper()
	for i := range 4 {
		for j := range 4 {
			if math.Abs(got[i][j]-want[i][j]) > tol {
				t.Errorf("affine\n%v\nwant\n%v", got, want)
				return
			}
		}
	}
}
