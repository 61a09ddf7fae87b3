package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// surfaceGoldens is testdata/surface_goldens.json, written by testdata/gen_surface_goldens.py with MONAI and MedPy.
type surfaceGoldens struct {
	Versions map[string]string `json:"versions"`
	Cases    []struct {
		Name      string           `json:"name"`
		Shape     []int            `json:"shape"`
		SpacingMM []float64        `json:"spacing_mm"`
		PredHex   string           `json:"pred_hex"`
		RefHex    string           `json:"ref_hex"`
		MONAI     referenceMetrics `json:"monai"`
		MedPy     referenceMetrics `json:"medpy"`
	} `json:"cases"`
}

// referenceMetrics are one reference library's results on a mask pair, or the error it raised.
type referenceMetrics struct {
	HD95MM      goldenNumber `json:"hd95_mm"`
	HausdorffMM goldenNumber `json:"hausdorff_mm"`
	ASSDMM      goldenNumber `json:"assd_mm"`
	Error       string       `json:"error"`
}

// goldenNumber is a JSON number, or one of the strings "NaN", "+Inf", "-Inf" that stand for what JSON cannot hold.
type goldenNumber float64

// UnmarshalJSON reads a number or one of the strings "NaN", "+Inf", "-Inf".
func (g *goldenNumber) UnmarshalJSON(data []byte) error {
	var text string
	if err := json.Unmarshal(data, &text); err == nil {
		switch text {
		case "NaN":
			*g = goldenNumber(math.NaN())
		case "+Inf":
			*g = goldenNumber(math.Inf(1))
		case "-Inf":
			*g = goldenNumber(math.Inf(-1))
		default:
			return fmt.Errorf("golden number %q: want a number, \"NaN\", \"+Inf\" or \"-Inf\"", text)
		}
		return nil
	}
	var x float64
	if err := json.Unmarshal(data, &x); err != nil {
		return fmt.Errorf("golden number %s: %w", data, err)
	}
	*g = goldenNumber(x)
	return nil
}

// Tolerances against each reference, relative (absolute below 1 mm).
const (
	// MedPy computes in float64 with the same surfaces and exact distances; only the order of the sum in ASSD
	// differs, which moves the last few bits.
	medPyTolerance = 1e-12
	// MONAI casts the distances to float32, a relative rounding of at most 2⁻²⁴ ≈ 6·10⁻⁸ each, and sums them in
	// float32 for ASSD; over the few thousand distances of a golden pair that stays well under 10⁻⁶ (seen: 1.2·10⁻⁷).
	// Its HD95 is looser: see monaiHD95Tolerance.
	monaiTolerance = 1e-6
)

// monaiHD95Tolerance bounds, in mm, how far MONAI's directed 95th percentile of the sorted distances can be from
// the exact one. torch.quantile computes the rank 0.95·(n−1) and its fractional part in float32, whose spacing at
// a rank of a few hundred or thousand is 3·10⁻⁵ to 2.4·10⁻⁴: the interpolation weight can be off by that much
// (allowed: one float32 spacing), times the gap between the two neighbouring distances; on top come the float32
// roundings of the distances and of the interpolation (allowed: four float32 epsilons of the value).
func monaiHD95Tolerance(sorted []float64) float64 {
	rank := 0.95 * float64(len(sorted)-1)
	below := int(rank)
	above := min(below+1, len(sorted)-1)
	r32 := float32(rank)
	spacing := float64(math.Nextafter32(r32, float32(math.Inf(1))) - r32)
	const eps32 = 0x1p-23
	return spacing*(sorted[above]-sorted[below]) + 4*eps32*sorted[above]
}

func readSurfaceGoldens(t *testing.T) surfaceGoldens {
	t.Helper()
	data, err := os.ReadFile("testdata/surface_goldens.json")
	if err != nil {
		t.Fatal(err)
	}
	var goldens surfaceGoldens
	if err := json.Unmarshal(data, &goldens); err != nil {
		t.Fatalf("testdata/surface_goldens.json: %v", err)
	}
	if len(goldens.Cases) < 20 || goldens.Versions["monai"] == "" || goldens.Versions["medpy"] == "" {
		t.Fatalf("testdata/surface_goldens.json has %d cases and versions %v, want at least 20 cases from MONAI and "+
			"MedPy", len(goldens.Cases), goldens.Versions)
	}
	return goldens
}

// relDiff is |a−b| relative to the larger magnitude, or absolute below 1.
func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / max(1, math.Abs(a), math.Abs(b))
}

// GoKD's pooled HD95 is MedPy's hd95, its directed HD95 is MONAI's; the Hausdorff distance and ASSD match both
// references under either definition. Pairs with an empty mask are TestSurfaceGoldensOfEmptyMasks's.
func TestSurfaceMatchesMONAIAndMedPy(t *testing.T) {
	goldens := readSurfaceGoldens(t)
	worst := map[string]float64{}
	compared, definitionsDiffer := 0, 0
	worstHD95Ratio := 0.0 // Largest difference from MONAI's HD95 as a fraction of its tolerance.
	var pooled, directed Workspace
	directed.HD95Definition(HD95Directed)
	for _, c := range goldens.Cases {
		if c.MedPy.Error != "" {
			continue
		}
		grid := Grid{Shape: c.Shape, SpacingMM: c.SpacingMM}
		pred, ref := unpackBits(t, c.PredHex, grid.NumVoxels()), unpackBits(t, c.RefHex, grid.NumVoxels())
		p, err := pooled.Surface(pred, ref, grid)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		d, err := directed.Surface(pred, ref, grid)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		compared++
		nPred := d.PredSurfaceVoxels // directed.distances holds each direction sorted, prediction's first.
		hd95Tolerance := max(monaiHD95Tolerance(directed.distances[:nPred]),
			monaiHD95Tolerance(directed.distances[nPred:])) / max(1, d.HD95)
		if diff := relDiff(d.HD95, float64(c.MONAI.HD95MM)); diff > 0 {
			worstHD95Ratio = max(worstHD95Ratio, diff/hd95Tolerance)
		}
		for _, check := range []struct {
			what      string
			got, want float64
			tolerance float64
		}{
			{"pooled HD95 vs MedPy hd95", p.HD95, float64(c.MedPy.HD95MM), medPyTolerance},
			{"Hausdorff vs MedPy hd", p.Hausdorff, float64(c.MedPy.HausdorffMM), medPyTolerance},
			{"ASSD vs MedPy assd", p.ASSD, float64(c.MedPy.ASSDMM), medPyTolerance},
			{"directed HD95 vs MONAI percentile=95", d.HD95, float64(c.MONAI.HD95MM), hd95Tolerance},
			{"Hausdorff vs MONAI percentile=None", d.Hausdorff, float64(c.MONAI.HausdorffMM), monaiTolerance},
			{"ASSD vs MONAI symmetric", d.ASSD, float64(c.MONAI.ASSDMM), monaiTolerance},
			{"ASSD under both definitions", d.ASSD, p.ASSD, 0},
			{"Hausdorff under both definitions", d.Hausdorff, p.Hausdorff, 0},
		} {
			diff := relDiff(check.got, check.want)
			worst[check.what] = max(worst[check.what], diff)
			if !(diff <= check.tolerance) {
				t.Errorf("%s: %s: GoKD %v mm, reference %v mm (difference %.3g, tolerance %g)", c.Name, check.what,
					check.got, check.want, diff, check.tolerance)
			}
		}
		if relDiff(float64(c.MONAI.HD95MM), float64(c.MedPy.HD95MM)) > 100*monaiTolerance {
			definitionsDiffer++
		}
	}
	// The goldens must tell the definitions apart, or the checks above could not catch a swapped definition.
	if compared < 20 || definitionsDiffer < compared/2 {
		t.Errorf("%d mask pairs compared, MONAI's and MedPy's HD95 differ on %d: want at least 20, half differing",
			compared, definitionsDiffer)
	}
	for what, diff := range worst {
		t.Logf("largest relative difference, %s: %.3g over %d mask pairs", what, diff, compared)
	}
	t.Logf("directed HD95 vs MONAI: largest difference %.2g of its tolerance", worstHD95Ratio)
}

// On empty masks each reference has its own convention; GoKD keeps its own (0 for two empty masks, +Inf for one)
// under either definition. The goldens record what the references do, so that a change there is noticed.
func TestSurfaceGoldensOfEmptyMasks(t *testing.T) {
	goldens := readSurfaceGoldens(t)
	seen := 0
	for _, c := range goldens.Cases {
		if c.MedPy.Error == "" {
			continue
		}
		seen++
		grid := Grid{Shape: c.Shape, SpacingMM: c.SpacingMM}
		pred, ref := unpackBits(t, c.PredHex, grid.NumVoxels()), unpackBits(t, c.RefHex, grid.NumVoxels())
		bothEmpty := !slicesContainsTrue(pred) && !slicesContainsTrue(ref)
		if !strings.HasPrefix(c.MedPy.Error, "RuntimeError:") {
			t.Errorf("%s: MedPy recorded %q, want its RuntimeError on an empty mask", c.Name, c.MedPy.Error)
		}
		nan, inf := math.NaN(), math.Inf(1)
		// MONAI: NaN when there is no distance at all; with one mask empty every distance is +Inf, so the
		// Hausdorff distance and ASSD are +Inf but torch.quantile of infinities is NaN.
		wantMONAI, wantGoKD := [3]float64{nan, inf, inf}, [3]float64{inf, inf, inf}
		if bothEmpty {
			wantMONAI, wantGoKD = [3]float64{nan, nan, nan}, [3]float64{0, 0, 0}
		}
		gotMONAI := [3]float64{float64(c.MONAI.HD95MM), float64(c.MONAI.HausdorffMM), float64(c.MONAI.ASSDMM)}
		if !sameValues(gotMONAI, wantMONAI) {
			t.Errorf("%s: MONAI recorded HD95, Hausdorff, ASSD %v, want %v", c.Name, gotMONAI, wantMONAI)
		}
		for _, definition := range []HD95Definition{HD95Pooled, HD95Directed} {
			m, err := new(Workspace).HD95Definition(definition).Surface(pred, ref, grid)
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			if got := [3]float64{m.HD95, m.Hausdorff, m.ASSD}; !sameValues(got, wantGoKD) {
				t.Errorf("%s, %v: HD95, Hausdorff, ASSD %v, want %v", c.Name, definition, got, wantGoKD)
			}
		}
	}
	if seen < 4 {
		t.Errorf("%d golden pairs with an empty mask, want at least 4 (one empty each way, both empty)", seen)
	}
}

// slicesContainsTrue reports whether any element of mask is true.
func slicesContainsTrue(mask []bool) bool {
	for _, in := range mask {
		if in {
			return true
		}
	}
	return false
}

// sameValues compares exactly, NaN equal to NaN.
func sameValues(a, b [3]float64) bool {
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

// A voxel at the end of a line, by hand: the voxel's one distance (to itself on the line) is 0, the line's 20
// distances are 0, 1, …, 19. Directed, the line's 95th percentile is at rank 0.95·19 = 18.05: 18.05 mm. Pooled,
// the 21 distances 0, 0, 1, …, 19 have it at rank 0.95·20 = 19: 18 mm. Both have Hausdorff 19 and ASSD 190/21.
func TestHD95DefinitionsByHand(t *testing.T) {
	shape := []int{3, 20}
	grid := Grid{Shape: shape, SpacingMM: []float64{1, 1}}
	point := boxMask(shape, []int{1, 0}, []int{1, 1})
	line := boxMask(shape, []int{1, 0}, []int{1, 20})
	for _, c := range []struct {
		definition HD95Definition
		want       float64
	}{{HD95Pooled, 18}, {HD95Directed, 18.05}} {
		for _, pair := range [][2][]bool{{point, line}, {line, point}} {
			m, err := new(Workspace).HD95Definition(c.definition).Surface(pair[0], pair[1], grid)
			if err != nil {
				t.Fatal(err)
			}
			if !closeTo(m.HD95, c.want, 1e-12) || m.Hausdorff != 19 || !closeTo(m.ASSD, 190.0/21, 1e-12) {
				t.Errorf("%v: HD95 %v, Hausdorff %v, ASSD %v; want %v, 19, %v", c.definition, m.HD95, m.Hausdorff,
					m.ASSD, c.want, 190.0/21)
			}
		}
	}
	if _, err := new(Workspace).HD95Definition(HD95Definition(7)).Surface(point, line, grid); err == nil ||
		!strings.Contains(err.Error(), "HD95 definition 7") {
		t.Errorf("unknown definition: error %v, want one naming it", err)
	}
	if HD95Pooled.String() != "pooled" || HD95Directed.String() != "directed" {
		t.Errorf("names %q and %q, want pooled and directed", HD95Pooled, HD95Directed)
	}
}
