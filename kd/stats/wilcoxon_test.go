package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// TestSignedRankMatchesScipy checks statistic and p-value against scipy.stats.wilcoxon on cases covering the
// exact, exact-with-ties and normal-approximation paths (testdata/generate_wilcoxon.py).
func TestSignedRankMatchesScipy(t *testing.T) {
	blob, err := os.ReadFile("testdata/wilcoxon.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Cases []struct {
			Name         string
			X, Y         []float64
			Statistic, P float64
		}
	}
	if err := json.Unmarshal(blob, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden.Cases) < 9 {
		t.Fatalf("%d golden cases, want the 9 of generate_wilcoxon.py", len(golden.Cases))
	}
	for _, c := range golden.Cases {
		w, err := SignedRank(c.X, c.Y)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if math.Abs(w.Statistic-c.Statistic) > 1e-9 || math.Abs(w.P-c.P) > 1e-9*math.Max(1, c.P) {
			t.Errorf("%s: statistic %v p %.12g (exact %v), scipy %v p %.12g", c.Name, w.Statistic, w.P, w.Exact,
				c.Statistic, c.P)
		}
	}
}

// TestSignedRankTextbook checks a hand-computed case: 6 positive differences, the smallest possible exact
// two-sided p-value 2/2⁶, and a symmetric sample with p = 1.
func TestSignedRankTextbook(t *testing.T) {
	w, err := SignedRank([]float64{1, 2, 3, 4, 5, 6}, make([]float64, 6))
	if err != nil {
		t.Fatal(err)
	}
	if !w.Exact || w.RPlus != 21 || w.RMinus != 0 || w.P != 2.0/64 {
		t.Errorf("all positive: %+v, want exact R+ 21, p 1/32", w)
	}
	w, _ = SignedRank([]float64{1, -1, 2, -2}, make([]float64, 4)) // Ties: ranks 1.5, 1.5, 3.5, 3.5.
	if w.RPlus != 5 || w.P != 1 {
		t.Errorf("symmetric: %+v, want R+ 5 and p 1", w)
	}
	w, _ = SignedRank([]float64{1, 2}, []float64{1, 2})
	if w.N != 0 || w.Zeros != 2 || !math.IsNaN(w.P) {
		t.Errorf("all zero differences: %+v, want no ranked pair and p NaN", w)
	}
	if _, err := SignedRank([]float64{1}, []float64{1, 2}); err == nil {
		t.Error("unpaired samples: no error")
	}
}

func TestHolm(t *testing.T) {
	// Sorted 0.01, 0.03, 0.04 with m = 3:
	got := Holm([]float64{0.04, 0.01, 0.03})
	want := []float64{0.06, 0.03, 0.06} // 0.01·3, max(0.03·2, 0.03), max(0.04·1, 0.06).
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Errorf("Holm = %v, want %v", got, want)
			break
		}
	}
	// The NaN does not count: m = 2, sorted 0.2·2 = 0.4, then max(0.4, 0.5·1) = 0.5.
	if got := Holm([]float64{0.5, math.NaN(), 0.2}); got[0] != 0.5 || !math.IsNaN(got[1]) || got[2] != 0.4 {
		t.Errorf("Holm with a NaN = %v, want [0.5, NaN, 0.4]", got)
	}
}

func TestBootstrapMeanCI(t *testing.T) {
	gaps := []float64{0.05, 0.1, 0.02, 0.08, 0.12, 0.07, 0.03, 0.09, 0.06, 0.04}
	a, err := BootstrapMeanCI(gaps, 0.95, 4000, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BootstrapMeanCI(gaps, 0.95, 4000, 1)
	c, _ := BootstrapMeanCI(gaps, 0.95, 4000, 2)
	if a != b {
		t.Errorf("same seed, different intervals: %+v and %+v", a, b)
	}
	if a == c {
		t.Errorf("seeds 1 and 2 gave the same interval %+v", a)
	}
	// Mean 0.066, standard error ≈ 0.0324/√10 ≈ 0.0102: the 95% interval is about ±0.02.
	if math.Abs(a.Mean-0.066) > 1e-12 || !(a.Low > 0.04 && a.Low < 0.055 && a.High > 0.077 && a.High < 0.09) {
		t.Errorf("interval %+v, want mean 0.066 and ends near 0.046 and 0.086", a)
	}
	if _, err := BootstrapMeanCI(nil, 0.95, 10, 1); err == nil {
		t.Error("no gaps: no error")
	}
}

func TestDecide(t *testing.T) {
	ci := func(mean, low, high float64) Interval { return Interval{Mean: mean, Low: low, High: high, Level: 0.95} }
	notWorse, worse := ci(0, -0.01, 0.01), ci(-0.03, -0.05, -0.01)
	for _, c := range []struct {
		name string
		e    Evidence
		want Verdict
	}{
		{"large relative gain", Evidence{Gap: ci(0.05, 0.02, 0.08), ScratchDice: 0.5, VersusMean: notWorse, Relative: true, P: 0.001}, Reproduced},
		{"same gain read as absolute", Evidence{Gap: ci(0.05, 0.02, 0.08), ScratchDice: 0.5, VersusMean: notWorse, P: 0.001}, Partial},
		{"small gain", Evidence{Gap: ci(0.02, 0.01, 0.03), ScratchDice: 0.5, VersusMean: notWorse, Relative: true, P: 0.01}, Partial},
		{"worse than mean-KD", Evidence{Gap: ci(0.05, 0.02, 0.08), ScratchDice: 0.5, VersusMean: worse, Relative: true, P: 0.001}, Partial},
		{"CI contains 0", Evidence{Gap: ci(0.05, -0.01, 0.1), ScratchDice: 0.5, VersusMean: notWorse, Relative: true, P: 0.3}, NotReproduced},
		{"CI below 0", Evidence{Gap: ci(-0.05, -0.08, -0.02), ScratchDice: 0.5, VersusMean: notWorse, Relative: true, P: 0.002}, Reversed},
		// The interval and the test disagree: neither decides.
		{"CI above 0, p not significant", Evidence{Gap: ci(0.05, 0.02, 0.08), ScratchDice: 0.5, VersusMean: notWorse, Relative: true, P: 0.06}, Inconclusive},
		{"CI contains 0, p significant", Evidence{Gap: ci(0.05, -0.01, 0.1), ScratchDice: 0.5, VersusMean: notWorse, Relative: true, P: 0.04}, Inconclusive},
		{"CI below 0, p not significant", Evidence{Gap: ci(-0.05, -0.08, -0.02), ScratchDice: 0.5, VersusMean: notWorse, Relative: true, P: 0.2}, Inconclusive},
	} {
		if got := Decide(c.e); got != c.want {
			t.Errorf("%s: %q, want %q (%s)", c.name, got, c.want, c.e.Explain())
		}
	}
}

// The hierarchical interval: with one seed per method it is the stratified case bootstrap; seed-to-seed spread
// widens it; its point estimate is the mean of the seed-averaged gaps; bad inputs are errors.
func TestHierarchicalBootstrapCI(t *testing.T) {
	var steady, noisy []PairedCase
	for i := range 12 {
		gap := 0.05 + 0.01*float64(i%4)
		site := fmt.Sprintf("site%d", i%3)
		steady = append(steady, PairedCase{Stratum: site, Group: i % 2, A: []float64{0.7 + gap, 0.7 + gap, 0.7 + gap}, B: []float64{0.7, 0.7, 0.7}})
		// The same seed means, but seeds that differ by ±0.1 between trainings.
		noisy = append(noisy, PairedCase{Stratum: site, Group: i % 2, A: []float64{0.6 + gap, 0.7 + gap, 0.8 + gap}, B: []float64{0.8, 0.7, 0.6}})
	}
	a, err := HierarchicalBootstrapCI(steady, 0.95, 4000, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := HierarchicalBootstrapCI(noisy, 0.95, 4000, 3)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(a.Mean-b.Mean) > 1e-12 || math.Abs(a.Mean-0.065) > 1e-12 {
		t.Errorf("point estimates %g and %g, want both 0.065", a.Mean, b.Mean)
	}
	if wa, wb := a.High-a.Low, b.High-b.Low; !(wb > 3*wa) {
		t.Errorf("seed spread does not widen the interval: %g without, %g with", wa, wb)
	}
	if !a.Contains(0.065) || a.Low <= 0.05 || a.High >= 0.08 {
		t.Errorf("steady interval [%g, %g] should sit inside the gaps' range [0.05, 0.08]", a.Low, a.High)
	}
	again, _ := HierarchicalBootstrapCI(noisy, 0.95, 4000, 3)
	if again != b {
		t.Errorf("same seed, different intervals: %+v and %+v", b, again)
	}
	for name, cases := range map[string][]PairedCase{
		"none":          nil,
		"no B":          {{Stratum: "s", A: []float64{1}}},
		"ragged groups": {{Stratum: "s", A: []float64{1, 2}, B: []float64{1}}, {Stratum: "s", A: []float64{1}, B: []float64{1}}},
	} {
		if _, err := HierarchicalBootstrapCI(cases, 0.95, 10, 1); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
