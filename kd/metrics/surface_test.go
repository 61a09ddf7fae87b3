package metrics

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// A square shifted by d voxels along one axis is at Hausdorff distance d·spacing of that axis; more than 5% of the
// surface voxels (a whole side of each square) are that far, so HD95 is the same.
func TestHD95OfShiftedSquaresAnisotropic(t *testing.T) {
	shape := []int{20, 24}
	grid := Grid{Shape: shape, SpacingMM: []float64{2.0, 0.5}} // Rows 2 mm apart, columns 0.5 mm.
	ref := boxMask(shape, []int{4, 4}, []int{10, 10})
	for _, c := range []struct {
		name   string
		lo     []int
		wantMM float64
	}{
		{"3 columns", []int{4, 7}, 3 * 0.5},
		{"3 rows", []int{7, 4}, 3 * 2.0},
	} {
		pred := boxMask(shape, c.lo, []int{10, 10})
		m, err := Surface(pred, ref, grid)
		if err != nil {
			t.Fatal(err)
		}
		if !closeTo(m.HD95, c.wantMM, 1e-12) || !closeTo(m.Hausdorff, c.wantMM, 1e-12) {
			t.Errorf("%s: HD95=%v Hausdorff=%v, want both %v mm", c.name, m.HD95, m.Hausdorff, c.wantMM)
		}
		if m.PredSurfaceVoxels != 36 || m.RefSurfaceVoxels != 36 { // 4·10−4 border voxels of a 10×10 square.
			t.Errorf("%s: surface voxels %d and %d, want 36 each", c.name, m.PredSurfaceVoxels, m.RefSurfaceVoxels)
		}
	}
}

func TestHD95OfCubesShiftedAcrossSlices(t *testing.T) {
	shape := []int{12, 16, 16}
	grid := Grid{Shape: shape, SpacingMM: []float64{3.0, 0.7, 0.7}}
	ref := boxMask(shape, []int{2, 3, 3}, []int{6, 8, 8})
	pred := boxMask(shape, []int{4, 3, 3}, []int{6, 8, 8}) // Two slices further: 2·3 mm.
	hd95, err := HD95(pred, ref, grid)
	if err != nil {
		t.Fatal(err)
	}
	if !closeTo(hd95, 6.0, 1e-12) {
		t.Errorf("HD95 = %v mm, want 6", hd95)
	}
}

func TestSurfaceOfIdenticalMasksIsZero(t *testing.T) {
	shape := []int{6, 20, 18}
	mask := randomBlobs(rand.New(rand.NewPCG(1, 2)), shape, 4)
	m, err := Surface(mask, mask, Grid{Shape: shape, SpacingMM: []float64{3, 0.5, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if m.HD95 != 0 || m.Hausdorff != 0 || m.ASSD != 0 || m.PredSurfaceVoxels == 0 {
		t.Errorf("identical masks: %+v, want zero distances over a non-empty surface", m)
	}
}

func TestSurfaceOfEmptyMasks(t *testing.T) {
	shape := []int{5, 5}
	grid := Grid{Shape: shape, SpacingMM: []float64{1, 1}}
	empty := make([]bool, 25)
	square := boxMask(shape, []int{1, 1}, []int{2, 2})
	m, err := Surface(empty, empty, grid)
	if err != nil || m != (SurfaceMetrics{}) {
		t.Errorf("both empty: %+v, %v; want all zero", m, err)
	}
	for _, pair := range [][2][]bool{{empty, square}, {square, empty}} {
		m, err := Surface(pair[0], pair[1], grid)
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsInf(m.HD95, 1) || !math.IsInf(m.Hausdorff, 1) || !math.IsInf(m.ASSD, 1) {
			t.Errorf("one mask empty: %+v, want +Inf distances", m)
		}
	}
}

// The surface distances must equal, as a multiset, those of an independent brute-force computation: surfaces
// found by coordinates and all-pairs distances.
func TestSurfaceMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		shape   []int
		spacing []float64
	}{
		{[]int{17, 23}, []float64{1, 1}},
		{[]int{19, 13}, []float64{0.3, 2.2}},
		{[]int{7, 15, 12}, []float64{3.5, 0.6, 0.8}},
		{[]int{4, 9, 5, 6}, []float64{1.5, 0.5, 2, 1}}, // Any rank works.
	} {
		var w Workspace // Reused across trials, as Evaluate does.
		for trial := range 6 {
			pred, ref := randomBlobs(rng, c.shape, 3), randomBlobs(rng, c.shape, 3)
			m, err := w.Surface(pred, ref, Grid{Shape: c.shape, SpacingMM: c.spacing})
			if err != nil {
				t.Fatal(err)
			}
			predSurface, refSurface := bruteSurface(pred, c.shape), bruteSurface(ref, c.shape)
			if len(predSurface) == 0 || len(refSurface) == 0 {
				continue // An empty random mask: covered by TestSurfaceOfEmptyMasks.
			}
			want := append(bruteDistances(predSurface, refSurface, c.spacing),
				bruteDistances(refSurface, predSurface, c.spacing)...)
			slices.Sort(want)
			if len(w.distances) != len(want) {
				t.Fatalf("shape %v trial %d: %d distances, brute force has %d", c.shape, trial, len(w.distances),
					len(want))
			}
			for i := range want {
				if !closeTo(w.distances[i], want[i], 1e-12) {
					t.Fatalf("shape %v trial %d: sorted distance %d = %v, brute force %v", c.shape, trial, i,
						w.distances[i], want[i])
				}
			}
			if !closeTo(m.HD95, percentileOfSorted(want, 95), 1e-12) ||
				!closeTo(m.Hausdorff, want[len(want)-1], 1e-12) {
				t.Errorf("shape %v trial %d: HD95=%v Hausdorff=%v, brute force %v and %v", c.shape, trial, m.HD95,
					m.Hausdorff, percentileOfSorted(want, 95), want[len(want)-1])
			}
			swapped, _ := Surface(ref, pred, Grid{Shape: c.shape, SpacingMM: c.spacing})
			if !closeTo(swapped.HD95, m.HD95, 1e-12) || !closeTo(swapped.ASSD, m.ASSD, 1e-12) {
				t.Errorf("shape %v trial %d: not symmetric: %+v vs %+v", c.shape, trial, m, swapped)
			}
		}
	}
}

// The distance transform alone, on the whole grid: a few random features, anisotropic spacing.
func TestSquaredEDTMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	shape, spacing := []int{6, 11, 9}, []float64{2.5, 0.4, 1.1}
	var features [][]int
	sq := make([]float64, Grid{Shape: shape}.NumVoxels())
	coords := make([]int, len(shape))
	var all [][]int
	for i := range sq {
		sq[i] = math.Inf(1)
		if rng.IntN(40) == 0 {
			sq[i] = 0
			features = append(features, append([]int(nil), coords...))
		}
		all = append(all, append([]int(nil), coords...))
		nextCoords(coords, shape)
	}
	var w Workspace
	w.squaredEDT(sq, shape, spacing)
	want := bruteDistances(all, features, spacing)
	for i := range sq {
		if !closeTo(math.Sqrt(sq[i]), want[i], 1e-12) {
			t.Fatalf("voxel %v: distance %v, brute force %v", all[i], math.Sqrt(sq[i]), want[i])
		}
	}

	none := []float64{math.Inf(1), math.Inf(1), math.Inf(1), math.Inf(1)}
	w.squaredEDT(none, []int{2, 2}, []float64{1, 1})
	for _, v := range none {
		if !math.IsInf(v, 1) {
			t.Fatalf("no feature: distances %v, want +Inf", none)
		}
	}
}

// surfaceReference is testdata/surface_reference.json, written by testdata/gen_surface_reference.py with scipy.
type surfaceReference struct {
	Cases []struct {
		Name        string    `json:"name"`
		Shape       []int     `json:"shape"`
		SpacingMM   []float64 `json:"spacing_mm"`
		PredHex     string    `json:"pred_hex"`
		RefHex      string    `json:"ref_hex"`
		Dice        float64   `json:"dice"`
		HD95MM      float64   `json:"hd95_mm"`
		HausdorffMM float64   `json:"hausdorff_mm"`
		ASSDMM      float64   `json:"assd_mm"`
	} `json:"cases"`
}

func TestSurfaceMatchesScipyReference(t *testing.T) {
	data, err := os.ReadFile("testdata/surface_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var reference surfaceReference
	if err := json.Unmarshal(data, &reference); err != nil {
		t.Fatalf("testdata/surface_reference.json: %v", err)
	}
	if len(reference.Cases) == 0 {
		t.Fatal("testdata/surface_reference.json has no cases")
	}
	for _, c := range reference.Cases {
		grid := Grid{Shape: c.Shape, SpacingMM: c.SpacingMM}
		pred, ref := unpackBits(t, c.PredHex, grid.NumVoxels()), unpackBits(t, c.RefHex, grid.NumVoxels())
		counts, err := CountMasks(pred, ref)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Surface(pred, ref, grid)
		if err != nil {
			t.Fatal(err)
		}
		if !closeTo(counts.Dice(), c.Dice, 1e-12) || !closeTo(m.HD95, c.HD95MM, 1e-9) ||
			!closeTo(m.Hausdorff, c.HausdorffMM, 1e-9) || !closeTo(m.ASSD, c.ASSDMM, 1e-9) {
			t.Errorf("%s: Dice=%v HD95=%v HD=%v ASSD=%v, scipy says %v, %v, %v, %v", c.Name, counts.Dice(), m.HD95,
				m.Hausdorff, m.ASSD, c.Dice, c.HD95MM, c.HausdorffMM, c.ASSDMM)
		}
	}
}

// unpackBits decodes numpy.packbits output (most significant bit first) given in hex.
func unpackBits(t *testing.T, hexBits string, n int) []bool {
	t.Helper()
	packed, err := hex.DecodeString(hexBits)
	if err != nil || len(packed) != (n+7)/8 {
		t.Fatalf("packed mask of %d bytes (%v), want %d", len(packed), err, (n+7)/8)
	}
	mask := make([]bool, n)
	for i := range mask {
		mask[i] = packed[i/8]>>(7-i%8)&1 == 1
	}
	return mask
}

func TestSurfaceRejectsBadInput(t *testing.T) {
	four := make([]bool, 4)
	for _, c := range []struct {
		name      string
		pred, ref []bool
		grid      Grid
	}{
		{"no axes", four, four, Grid{}},
		{"spacing count", four, four, Grid{Shape: []int{2, 2}, SpacingMM: []float64{1}}},
		{"zero spacing", four, four, Grid{Shape: []int{2, 2}, SpacingMM: []float64{1, 0}}},
		{"NaN spacing", four, four, Grid{Shape: []int{2, 2}, SpacingMM: []float64{math.NaN(), 1}}},
		{"zero dimension", nil, nil, Grid{Shape: []int{0, 2}, SpacingMM: []float64{1, 1}}},
		{"mask length", four, make([]bool, 5), Grid{Shape: []int{2, 2}, SpacingMM: []float64{1, 1}}},
	} {
		if _, err := Surface(c.pred, c.ref, c.grid); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestSurfaceLabelsScoresTheClass(t *testing.T) {
	shape := []int{10, 10}
	grid := Grid{Shape: shape, SpacingMM: []float64{1, 1}}
	labels := func(mask []bool, class int32) []int32 {
		out := make([]int32, len(mask))
		for i, in := range mask {
			if in {
				out[i] = class
			}
		}
		return out
	}
	a := boxMask(shape, []int{1, 1}, []int{4, 4})
	b := boxMask(shape, []int{1, 3}, []int{4, 4})
	var w Workspace
	m, err := w.SurfaceLabels(labels(a, 2), labels(b, 2), 2, grid)
	if err != nil {
		t.Fatal(err)
	}
	if m.Hausdorff != 2 {
		t.Errorf("class 2 squares 2 columns apart: Hausdorff %v, want 2", m.Hausdorff)
	}
	if m, _ := w.SurfaceLabels(labels(a, 2), labels(b, 2), 1, grid); m != (SurfaceMetrics{}) {
		t.Errorf("class 1 absent from both: %+v, want zero", m)
	}
}

// BenchmarkHD95 measures HD95 on a 128×128×64 volume (64 slices of 128×128), for a prostate-sized pair of blobs and
// for a worst case where the masks fill most of the volume.
func BenchmarkHD95(b *testing.B) {
	shape := []int{64, 128, 128}
	grid := Grid{Shape: shape, SpacingMM: []float64{3, 0.625, 0.625}}
	for _, c := range []struct {
		name           string
		refLo, refSize []int
		shift          int
	}{
		{"prostate", []int{20, 44, 40}, []int{18, 40, 48}, 3},
		{"full", []int{0, 2, 2}, []int{64, 124, 124}, 2},
	} {
		ref := ellipsoid(shape, c.refLo, c.refSize)
		predLo := slices.Clone(c.refLo)
		predLo[2] += c.shift
		pred := ellipsoid(shape, predLo, c.refSize)
		b.Run(c.name, func(b *testing.B) {
			var w Workspace
			for b.Loop() {
				if _, err := w.Surface(pred, ref, grid); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// ellipsoid returns the mask of the ellipsoid inscribed in the box [lo, lo+size).
func ellipsoid(shape, lo, size []int) []bool {
	mask := make([]bool, Grid{Shape: shape}.NumVoxels())
	coords := make([]int, len(shape))
	for i := range mask {
		var r float64
		for axis, c := range coords {
			half := float64(size[axis]) / 2
			d := (float64(c-lo[axis]) + 0.5 - half) / half
			r += d * d
		}
		mask[i] = r <= 1
		nextCoords(coords, shape)
	}
	return mask
}
