package datasets

import (
	"math"
	"slices"
	"testing"
)

// TestNormalizeNonFinite normalises a volume holding NaN and ±Inf: they take no part in the percentiles (the
// other voxels map as without them) and become the low clip value; an all-NaN volume is an error. Before, one NaN
// made every voxel NaN, and the network's argmax over NaN logits an empty mask.
func TestNormalizeNonFinite(t *testing.T) {
	finite := make([]float32, 1000)
	for i := range finite {
		finite[i] = float32(i % 97)
	}
	want := slices.Clone(finite)
	if err := NormalizeVolume(want, DefaultPercentiles, UnitRange); err != nil {
		t.Fatal(err)
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	data := append(slices.Clone(finite), nan, inf, -inf)
	if got := CountNonFinite(data); got != 3 {
		t.Errorf("CountNonFinite = %d, want 3", got)
	}
	if err := NormalizeVolume(data, DefaultPercentiles, UnitRange); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(data[:len(finite)], want) {
		t.Error("the non-finite voxels changed the normalisation of the others")
	}
	if bad := data[len(finite):]; !slices.Equal(bad, []float32{0, 0, 0}) {
		t.Errorf("non-finite voxels became %v, want the low clip value (0 in unit range)", bad)
	}
	zs := append(slices.Clone(finite), nan)
	if err := NormalizeVolume(zs, DefaultPercentiles, ZScore); err != nil || CountNonFinite(zs) != 0 {
		t.Errorf("z-score with a NaN voxel: %v, %d non-finite values left", err, CountNonFinite(zs))
	}
	if err := NormalizeVolume([]float32{nan, inf}, DefaultPercentiles, ZScore); err == nil {
		t.Error("an all non-finite volume was normalised")
	}
}
