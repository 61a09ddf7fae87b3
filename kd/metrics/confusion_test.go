package metrics

import (
	"math"
	"testing"
)

// Two 4×4 squares in an 8×8 image, the second shifted by (2, 2): they share a 2×2 corner.
func TestConfusionOfOverlappingSquares(t *testing.T) {
	shape := []int{8, 8}
	pred := boxMask(shape, []int{0, 0}, []int{4, 4})
	ref := boxMask(shape, []int{2, 2}, []int{4, 4})
	c, err := CountMasks(pred, ref)
	if err != nil {
		t.Fatal(err)
	}
	// By hand: TP = 2·2 = 4, FP = FN = 16−4 = 12, TN = 64−(4+12+12) = 36.
	if want := (Confusion{TP: 4, FP: 12, FN: 12, TN: 36}); c != want {
		t.Fatalf("counts = %+v, want %+v", c, want)
	}
	for _, check := range []struct {
		name      string
		got, want float64
	}{
		{"Dice", c.Dice(), 2.0 * 4 / (16 + 16)},
		{"IoU", c.IoU(), 4.0 / 28},
		{"Sensitivity", c.Sensitivity(), 4.0 / 16},
		{"Precision", c.Precision(), 4.0 / 16},
		{"Specificity", c.Specificity(), 36.0 / 48},
	} {
		if !closeTo(check.got, check.want, 1e-15) {
			t.Errorf("%s = %v, want %v", check.name, check.got, check.want)
		}
	}
	swapped, _ := CountMasks(ref, pred)
	if swapped.Dice() != c.Dice() || swapped.IoU() != c.IoU() {
		t.Errorf("Dice/IoU not symmetric: %v/%v vs %v/%v", swapped.Dice(), swapped.IoU(), c.Dice(), c.IoU())
	}
}

func TestConfusionLabelsScoreOnlyTheClass(t *testing.T) {
	pred := []int32{0, 1, 2, 2, 1, 0}
	ref := []int32{0, 2, 2, 1, 1, 2}
	c, err := CountLabels(pred, ref, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Class 2: pred {2,3}, ref {1,2,5} → TP {2}, FP {3}, FN {1,5}, TN {0,4}.
	if want := (Confusion{TP: 1, FP: 1, FN: 2, TN: 2}); c != want {
		t.Fatalf("counts = %+v, want %+v", c, want)
	}
	asBool, _ := CountMasks(binarizeInto(nil, pred, 2), binarizeInto(nil, ref, 2))
	if asBool != c {
		t.Errorf("CountMasks on binarised labels = %+v, CountLabels = %+v", asBool, c)
	}
}

func TestConfusionConventions(t *testing.T) {
	empty := make([]bool, 9)
	c, _ := CountMasks(empty, empty)
	if c.Dice() != 1 || c.IoU() != 1 {
		t.Errorf("both empty: Dice=%v IoU=%v, want 1 and 1", c.Dice(), c.IoU())
	}
	if !math.IsNaN(c.Sensitivity()) || !math.IsNaN(c.Precision()) {
		t.Errorf("both empty: sensitivity=%v precision=%v, want NaN (undefined)", c.Sensitivity(), c.Precision())
	}
	if c.Specificity() != 1 {
		t.Errorf("both empty: specificity=%v, want 1", c.Specificity())
	}
	full := []bool{true, true, true}
	c, _ = CountMasks(full, full)
	if c.Dice() != 1 || !math.IsNaN(c.Specificity()) {
		t.Errorf("both full: Dice=%v specificity=%v, want 1 and NaN", c.Dice(), c.Specificity())
	}
	missed, _ := CountMasks([]bool{false, false}, []bool{true, false})
	if missed.Dice() != 0 || missed.Sensitivity() != 0 || !math.IsNaN(missed.Precision()) {
		t.Errorf("empty prediction: Dice=%v sensitivity=%v precision=%v, want 0, 0, NaN",
			missed.Dice(), missed.Sensitivity(), missed.Precision())
	}
	if sum := missed.Add(c); sum != (Confusion{TP: 3, FN: 1, TN: 1}) || sum.Total() != 5 {
		t.Errorf("Add = %+v (total %d)", sum, sum.Total())
	}
}

func TestConfusionRejectsMismatchedLengths(t *testing.T) {
	if _, err := CountMasks(make([]bool, 3), make([]bool, 4)); err == nil {
		t.Error("CountMasks accepted masks of 3 and 4 voxels")
	}
	if _, err := CountLabels(make([]int32, 3), make([]int32, 4), 1); err == nil {
		t.Error("CountLabels accepted label maps of 3 and 4 voxels")
	}
}
