package metrics

import (
	"math"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets"
)

// caseSlices returns the samples of a case with slices indices first…first+n−1, each slice's mask a 4×4 square at
// (2, 2) in an 8×8 image, and predictions with the same square shifted right by shift columns (or empty when
// shift < 0).
func caseSlices(site, caseID string, first, n, shift int) ([]datasets.Sample, [][]int32) {
	const size = 8
	square := func(col int) []int32 {
		mask := make([]int32, size*size)
		for _, in := range boxMaskIndices([]int{size, size}, []int{2, col}, []int{4, 4}) {
			mask[in] = 1
		}
		return mask
	}
	var samples []datasets.Sample
	var predictions [][]int32
	for k := range n {
		samples = append(samples, datasets.Sample{
			Mask: square(2), Size: size, Channels: 1, Site: site, Case: caseID, Index: first + k,
			PixelSpacingMM: [2]float64{0.5, 0.5}, SliceSpacingMM: 3,
		})
		prediction := make([]int32, size*size)
		if shift >= 0 {
			prediction = square(2 + shift)
		}
		predictions = append(predictions, prediction)
	}
	return samples, predictions
}

func boxMaskIndices(shape, lo, size []int) []int {
	var indices []int
	for i, in := range boxMask(shape, lo, size) {
		if in {
			indices = append(indices, i)
		}
	}
	return indices
}

// interleave shuffles the slices of several cases together, reversed, as a data loader might deliver them.
func interleave(parts ...func() ([]datasets.Sample, [][]int32)) ([]datasets.Sample, [][]int32) {
	var samples []datasets.Sample
	var predictions [][]int32
	for _, part := range parts {
		s, p := part()
		samples, predictions = append(s, samples...), append(p, predictions...)
	}
	for i, j := 0, len(samples)-1; i < j; i, j = i+1, j-1 {
		samples[i], samples[j] = samples[j], samples[i]
		predictions[i], predictions[j] = predictions[j], predictions[i]
	}
	return samples, predictions
}

func TestEvaluateAggregatesCasesAndSites(t *testing.T) {
	samples, predictions := interleave(
		func() ([]datasets.Sample, [][]int32) { return caseSlices("siteB", "c9", 5, 2, -1) }, // Missed entirely.
		func() ([]datasets.Sample, [][]int32) { return caseSlices("siteA", "c2", 10, 3, 2) }, // Shifted 2 columns.
		func() ([]datasets.Sample, [][]int32) { return caseSlices("siteA", "c1", 0, 3, 0) },  // Perfect.
	)
	report, err := NewEvaluator().Evaluate(samples, predictions)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Cases) != 3 || report.Cases[0].Case != "c1" || report.Cases[1].Case != "c2" ||
		report.Cases[2].Site != "siteB" {
		t.Fatalf("cases not sorted by site then case: %+v", report.Cases)
	}
	perfect, shifted, missed := report.Cases[0], report.Cases[1], report.Cases[2]
	if perfect.Confusion.Dice() != 1 || perfect.Surface.HD95 != 0 || len(perfect.SliceDice) != 3 {
		t.Errorf("perfect case: %+v", perfect)
	}
	// Shifted by 2 of 4 columns: half of each square overlaps, Dice 2·8/(16+16) = 0.5 per slice and per volume.
	// Surface voxels are at most 2 columns (1 mm) from the other surface, and slices 3 mm apart never offer a
	// nearer one, so HD95 is 1 mm.
	if shifted.Confusion.Dice() != 0.5 || shifted.FirstIndex != 10 || !closeTo(shifted.Surface.HD95, 1.0, 1e-12) {
		t.Errorf("shifted case: Dice %v first slice %d HD95 %v, want 0.5, 10, 1 mm", shifted.Confusion.Dice(),
			shifted.FirstIndex, shifted.Surface.HD95)
	}
	for _, d := range shifted.SliceDice {
		if d != 0.5 {
			t.Errorf("shifted case slice Dice %v, want 0.5", shifted.SliceDice)
		}
	}
	if missed.Confusion.Dice() != 0 || !math.IsInf(missed.Surface.HD95, 1) {
		t.Errorf("missed case: Dice %v HD95 %v, want 0 and +Inf", missed.Confusion.Dice(), missed.Surface.HD95)
	}

	if len(report.Sites) != 2 || report.Sites[0].Site != "siteA" || report.Sites[0].Cases != 2 {
		t.Fatalf("sites: %+v", report.Sites)
	}
	siteA := report.Sites[0]
	// Case Dice 1 and 0.5: mean 0.75, sample std √((0.25²+0.25²)/1); HD95 0 and 1: mean 0.5, std √0.5.
	if siteA.Dice.Mean != 0.75 || !closeTo(siteA.Dice.Std, math.Sqrt(0.125), 1e-15) ||
		siteA.HD95.Mean != 0.5 || !closeTo(siteA.HD95.Std, math.Sqrt(0.5), 1e-15) {
		t.Errorf("siteA summary: Dice %+v HD95 %+v", siteA.Dice, siteA.HD95)
	}
	if siteA.SliceDice.N != 6 || siteA.SliceDice.Mean != 0.75 {
		t.Errorf("siteA slice Dice over 6 slices: %+v, want mean 0.75", siteA.SliceDice)
	}
	siteB := report.Sites[1]
	if siteB.Precision.N != 0 || siteB.Sensitivity.Mean != 0 || siteB.HD95.N != 0 || siteB.Missed != 1 {
		t.Errorf("siteB: precision %+v (undefined, want N=0), sensitivity %+v, HD95 %+v (want none) with %d missed "+
			"(want 1)", siteB.Precision, siteB.Sensitivity, siteB.HD95, siteB.Missed)
	}
	if report.Overall.Site != "all" || report.Overall.Cases != 3 || !closeTo(report.Overall.Dice.Mean, 0.5, 1e-15) {
		t.Errorf("overall: %+v", report.Overall)
	}

	cases, sites := report.CaseTable(), report.SiteTable()
	if len(cases.Rows) != 3 || len(sites.Rows) != 3 {
		t.Fatalf("tables have %d case rows and %d site rows, want 3 and 3 (two sites + all)", len(cases.Rows),
			len(sites.Rows))
	}
	for _, table := range []Table{cases, sites} {
		for _, row := range table.Rows {
			if len(row) != len(table.Columns) {
				t.Errorf("row %q has %d cells for %d columns", row, len(row), len(table.Columns))
			}
		}
	}
	if row := cases.Rows[1]; row[1] != "c2" || row[3] != "0.5000" || row[8] != "1.00" {
		t.Errorf("case row for c2 = %q", row)
	}
	if row := sites.Rows[0]; row[0] != "siteA" || row[2] != "0.7500 ± 0.3536" {
		t.Errorf("site row for siteA = %q", row)
	}
	if text := sites.String(); !strings.Contains(text, "siteB") || strings.Count(text, "\n") != 4 {
		t.Errorf("site table text:\n%s", text)
	}
}

func TestEvaluateRejectsInconsistentInput(t *testing.T) {
	valid := func() ([]datasets.Sample, [][]int32) { return caseSlices("s", "c", 0, 3, 0) }
	for _, c := range []struct {
		name  string
		spoil func(samples []datasets.Sample, predictions [][]int32) ([]datasets.Sample, [][]int32)
		want  string
	}{
		{"count", func(s []datasets.Sample, p [][]int32) ([]datasets.Sample, [][]int32) { return s, p[:2] },
			"predictions"},
		{"gap", func(s []datasets.Sample, p [][]int32) ([]datasets.Sample, [][]int32) {
			s[2].Index = 4
			return s, p
		}, "contiguous"},
		{"duplicate", func(s []datasets.Sample, p [][]int32) ([]datasets.Sample, [][]int32) {
			s[2].Index = 1
			return s, p
		}, "unique"},
		{"spacing", func(s []datasets.Sample, p [][]int32) ([]datasets.Sample, [][]int32) {
			s[1].SliceSpacingMM = 2
			return s, p
		}, "spacing"},
		{"prediction size", func(s []datasets.Sample, p [][]int32) ([]datasets.Sample, [][]int32) {
			p[0] = p[0][:10]
			return s, p
		}, "s/c#0"},
		{"empty", func(s []datasets.Sample, p [][]int32) ([]datasets.Sample, [][]int32) { return nil, nil },
			"no samples"},
	} {
		samples, predictions := c.spoil(valid())
		_, err := NewEvaluator().Evaluate(samples, predictions)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func TestEvaluateSingleSliceCaseIn2D(t *testing.T) {
	samples, predictions := caseSlices("s", "c", 7, 1, 2)
	samples[0].SliceSpacingMM = 0 // Unknown for a lone slice; not needed in 2D.
	report, err := NewEvaluator().Class(1).Evaluate(samples, predictions)
	if err != nil {
		t.Fatal(err)
	}
	if got := report.Cases[0].Surface.HD95; !closeTo(got, 1.0, 1e-12) {
		t.Errorf("single 2D slice shifted 2 columns of 0.5 mm: HD95 %v, want 1", got)
	}
}

// The Evaluator passes its HD95Definition to the surface computation: a one-slice case whose reference is one
// pixel at the end of the predicted line (TestHD95DefinitionsByHand's pair) has HD95 18 mm pooled, 18.05 directed.
func TestEvaluatorHD95Definition(t *testing.T) {
	const size = 20
	mask, prediction := make([]int32, size*size), make([]int32, size*size)
	mask[0] = 1
	for col := range size {
		prediction[col] = 1
	}
	samples := []datasets.Sample{{Mask: mask, Size: size, Channels: 1, Site: "A", Case: "1",
		PixelSpacingMM: [2]float64{1, 1}}}
	for _, c := range []struct {
		definition HD95Definition
		want       float64
	}{{HD95Pooled, 18}, {HD95Directed, 18.05}} {
		report, err := NewEvaluator().HD95Definition(c.definition).Evaluate(samples, [][]int32{prediction})
		if err != nil {
			t.Fatal(err)
		}
		if got := report.Cases[0].Surface.HD95; !closeTo(got, c.want, 1e-12) {
			t.Errorf("%v: HD95 %v mm, want %v", c.definition, got, c.want)
		}
	}
}
