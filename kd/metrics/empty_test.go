package metrics

import (
	"math"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets"
)

// TestSliceDiceSkipsSlicesEmptyInBoth checks that slice Dice is scored only over slices where the truth or the
// prediction has foreground: a model that predicts nothing scores slice Dice 0, not the share of empty slices.
func TestSliceDiceSkipsSlicesEmptyInBoth(t *testing.T) {
	samples, predictions := caseSlices("s", "c", 0, 4, -1) // Predicts nothing.
	for k := range 2 {                                     // Two slices without prostate.
		clear(samples[k].Mask)
	}
	report, err := NewEvaluator().Evaluate(samples, predictions)
	if err != nil {
		t.Fatal(err)
	}
	if got := report.Overall.SliceDice; got.N != 2 || got.Mean != 0 {
		t.Errorf("empty prediction: slice Dice %+v, want mean 0 over the 2 slices with prostate", got)
	}
	for k, d := range report.Cases[0].SliceDice[:2] {
		if !math.IsNaN(d) {
			t.Errorf("slice %d, empty in truth and prediction: Dice %v, want NaN (not scored)", k, d)
		}
	}
}

// TestSurfaceMissedCasesCounted checks that cases whose prediction is empty are counted apart from the surface
// distances, and that a set with no distance prints none.
func TestSurfaceMissedCasesCounted(t *testing.T) {
	samples, predictions := interleave(
		func() ([]datasets.Sample, [][]int32) { return caseSlices("siteB", "c9", 5, 2, -1) },
		func() ([]datasets.Sample, [][]int32) { return caseSlices("siteA", "c2", 10, 3, 2) },
	)
	report, err := NewEvaluator().Evaluate(samples, predictions)
	if err != nil {
		t.Fatal(err)
	}
	if o := report.Overall; o.Missed != 1 || o.HD95.N != 1 || !closeTo(o.HD95.Mean, 1, 1e-12) {
		t.Errorf("overall: HD95 %+v with %d missed, want 1 mm over 1 case and 1 missed", o.HD95, o.Missed)
	}
	siteB := report.Sites[1]
	if siteB.Missed != 1 || siteB.HD95.N != 0 {
		t.Errorf("siteB: HD95 %+v with %d missed, want no distance and 1 missed", siteB.HD95, siteB.Missed)
	}
	row := report.SiteTable().Rows[1]
	hd95 := row[7]
	if strings.ContainsAny(hd95, "0123456789") && !strings.Contains(hd95, "1 missed") || !strings.Contains(hd95, "–") {
		t.Errorf("siteB HD95 cell %q, want a dash and the missed count", hd95)
	}
	if got := FormatDistance(NewStat(nil), 3, 2); got != "– (3 missed)" {
		t.Errorf("FormatDistance of no distance, 3 missed = %q", got)
	}
	if got := FormatDistance(NewStat([]float64{1, 3}), 0, 1); got != "2.0 ± 1.4" {
		t.Errorf("FormatDistance of 1 and 3 mm, none missed = %q", got)
	}
}
