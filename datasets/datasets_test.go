package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestPercentilePairMatchesSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 7, 1000, 4096} {
		data := make([]float32, n)
		for i := range data {
			data[i] = float32(rng.IntN(50)) // Many ties, like MRI background.
		}
		sorted := slices.Clone(data)
		slices.Sort(sorted)
		for _, p := range []float64{0, 1, 37.5, 99, 100} {
			rank := p / 100 * float64(n-1)
			k := int(rank)
			want := sorted[k]
			if k+1 < n {
				want += float32(rank-float64(k)) * (sorted[k+1] - sorted[k])
			}
			got, _ := PercentilePair(data, p, 100)
			if math.Abs(float64(got-want)) > 1e-4 {
				t.Errorf("n=%d p=%g: got %g, want %g", n, p, got, want)
			}
		}
	}
}

func TestNormalizeVolume(t *testing.T) {
	data := make([]float32, 1000)
	for i := range data {
		data[i] = float32(i)
	}
	data[999] = 1e6 // An outlier the 99th percentile clips.
	zs := slices.Clone(data)
	if err := NormalizeVolume(zs, DefaultPercentiles, ZScore); err != nil {
		t.Fatal(err)
	}
	var mean, sq float64
	for _, v := range zs {
		mean += float64(v)
	}
	mean /= float64(len(zs))
	for _, v := range zs {
		sq += (float64(v) - mean) * (float64(v) - mean)
	}
	if std := math.Sqrt(sq / float64(len(zs))); math.Abs(mean) > 1e-4 || math.Abs(std-1) > 1e-4 {
		t.Errorf("z-score gave mean %g std %g, want 0 and 1", mean, std)
	}
	unit := slices.Clone(data)
	if err := NormalizeVolume(unit, DefaultPercentiles, UnitRange); err != nil {
		t.Fatal(err)
	}
	if lo, hi := slices.Min(unit), slices.Max(unit); lo != 0 || hi != 1 {
		t.Errorf("unit range gave [%g, %g], want [0, 1]", lo, hi)
	}
	if unit[500] < 0.49 || unit[500] > 0.51 {
		t.Errorf("unit range: median maps to %g, want about 0.5 once the outlier is clipped", unit[500])
	}
	constant := []float32{3, 3, 3}
	if err := NormalizeVolume(constant, DefaultPercentiles, ZScore); err != nil || constant[0] != 0 {
		t.Errorf("constant volume: %v, err %v; want zeros", constant, err)
	}
	if err := NormalizeVolume(slices.Clone(data), Percentiles{Low: 60, High: 40}, ZScore); err == nil {
		t.Error("inverted percentiles accepted")
	}
}

func TestStackSamples(t *testing.T) {
	st := &Stack{Site: "s", Case: "c", Size: 2, Slices: 3,
		Image: []float32{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, Mask: []int32{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}}
	samples, err := st.Samples(3, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 3 {
		t.Fatalf("got %d samples, want 3", len(samples))
	}
	// Pixel 0 of each slice, channels (z-1, z, z+1) with the ends replicated.
	for z, want := range [][]float32{{0, 0, 1}, {0, 1, 2}, {1, 2, 2}} {
		if got := samples[z].Image[:3]; !slices.Equal(got, want) {
			t.Errorf("slice %d channels %v, want %v", z, got, want)
		}
	}
	only, err := st.Samples(1, true)
	if err != nil || len(only) != 1 || only[0].Index != 1 {
		t.Errorf("only foreground: %d samples (err %v), want slice 1 alone", len(only), err)
	}
	if _, err := st.Samples(2, false); err == nil {
		t.Error("2 channels accepted")
	}
}

// fakeSamples returns sites×cases cases of slices samples each.
func fakeSamples(sites, cases, slicesPerCase int) []Sample {
	var samples []Sample
	for s := range sites {
		for c := range cases {
			for z := range slicesPerCase {
				samples = append(samples, Sample{Site: fmt.Sprintf("site%d", s), Case: fmt.Sprintf("case%d", c), Index: z})
			}
		}
	}
	return samples
}

func caseSet(samples []Sample) map[string]bool {
	set := make(map[string]bool)
	for _, key := range CaseKeys(samples) {
		set[key] = true
	}
	return set
}

func TestSplitByCase(t *testing.T) {
	samples := fakeSamples(3, 10, 4)
	split, err := SplitByCase(samples, 0.2, 0.3, 42)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(split.Train) + len(split.Val) + len(split.Test); n != len(samples) {
		t.Fatalf("split holds %d samples, want %d", n, len(samples))
	}
	train, val, test := caseSet(split.Train), caseSet(split.Val), caseSet(split.Test)
	for key := range val {
		if train[key] || test[key] {
			t.Errorf("case %s crosses splits", key)
		}
	}
	for key := range test {
		if train[key] {
			t.Errorf("case %s crosses splits", key)
		}
	}
	if len(train) != 15 || len(val) != 6 || len(test) != 9 {
		t.Errorf("cases per split %d/%d/%d, want 15/6/9", len(train), len(val), len(test))
	}
	for _, set := range [][]Sample{split.Train, split.Val, split.Test} {
		if got := Sites(set); len(got) != 3 {
			t.Errorf("split has sites %v, want all three", got)
		}
	}
	again, _ := SplitByCase(samples, 0.2, 0.3, 42)
	other, _ := SplitByCase(samples, 0.2, 0.3, 43)
	if !slices.Equal(CaseKeys(again.Test), CaseKeys(split.Test)) {
		t.Error("same seed gave a different split")
	}
	if slices.Equal(CaseKeys(other.Test), CaseKeys(split.Test)) {
		t.Error("different seeds gave the same test cases")
	}
	tiny, err := SplitByCase(fakeSamples(1, 2, 1), 0.5, 0.4, 1)
	if err != nil || len(tiny.Train) != 1 {
		t.Errorf("two cases: %d training samples (err %v), want one case kept for training", len(tiny.Train), err)
	}
	if _, err := SplitByCase(samples, 0.5, 0.5, 1); err == nil {
		t.Error("fractions summing to 1 accepted")
	}
}

func TestSubsets(t *testing.T) {
	samples := fakeSamples(3, 5, 2)
	sites, bySite := SubsetsBySite(samples)
	if !slices.Equal(sites, []string{"site0", "site1", "site2"}) || len(bySite[1]) != 10 || bySite[1][0].Site != "site1" {
		t.Errorf("by site: %v with %d samples in the second", sites, len(bySite[1]))
	}
	subsets, err := RandomCaseSubsets(samples, 4, 3, 9)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]int)
	for i, subset := range subsets {
		keys := CaseKeys(subset)
		if len(keys) != 3 || len(subset) != 6 {
			t.Errorf("subset %d: %d cases, %d samples; want 3 and 6", i, len(keys), len(subset))
		}
		for _, key := range keys {
			seen[key]++
		}
	}
	for key, n := range seen {
		if n > 1 {
			t.Errorf("case %s in %d subsets", key, n)
		}
	}
	if _, err := RandomCaseSubsets(samples, 4, 4, 9); err == nil {
		t.Error("16 cases drawn from 15")
	}
}

// unevenSamples has sites with the given numbers of cases, two slices each.
func unevenSamples(casesPerSite ...int) []Sample {
	var samples []Sample
	for s, n := range casesPerSite {
		for c := range n {
			for z := range 2 {
				samples = append(samples, Sample{Site: fmt.Sprintf("site%d", s), Case: fmt.Sprintf("case%d", c), Index: z})
			}
		}
	}
	return samples
}

func TestFoldByCase(t *testing.T) {
	casesPerSite := []int{12, 12, 19, 30, 30, 13} // The multi-site prostate data's sites.
	samples := unevenSamples(casesPerSite...)
	const folds = 5
	tested := make(map[string]int)
	total := make([]int, folds)
	for fold := range folds {
		split, err := FoldByCase(samples, folds, fold, 0.2, 7)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(split.Train) + len(split.Val) + len(split.Test); n != len(samples) {
			t.Fatalf("fold %d holds %d samples, want %d", fold, n, len(samples))
		}
		train, val, test := caseSet(split.Train), caseSet(split.Val), caseSet(split.Test)
		for key := range test {
			tested[key]++
			if train[key] || val[key] {
				t.Errorf("fold %d: test case %s also trains or validates", fold, key)
			}
		}
		for key := range val {
			if train[key] {
				t.Errorf("fold %d: case %s both trains and validates", fold, key)
			}
		}
		total[fold] = len(test)
		sites, bySite := SubsetsBySite(split.Test)
		if len(sites) != len(casesPerSite) {
			t.Errorf("fold %d tests sites %v, want all %d", fold, sites, len(casesPerSite))
		}
		for i, site := range sites {
			var s int
			_, _ = fmt.Sscanf(site, "site%d", &s)
			n := len(CaseKeys(bySite[i]))
			if lo := casesPerSite[s] / folds; n != lo && n != lo+1 {
				t.Errorf("fold %d: site %s has %d of its %d cases in test, want %d or %d", fold, site, n, casesPerSite[s], lo, lo+1)
			}
		}
		_, valBySite := SubsetsBySite(split.Val)
		_, trainBySite := SubsetsBySite(split.Train)
		if len(valBySite) != len(casesPerSite) || len(trainBySite) != len(casesPerSite) {
			t.Errorf("fold %d: %d sites validate and %d train, want every site in both", fold, len(valBySite), len(trainBySite))
		}
		again, _ := FoldByCase(samples, folds, fold, 0.2, 7)
		if !slices.Equal(CaseKeys(again.Test), CaseKeys(split.Test)) || !slices.Equal(CaseKeys(again.Val), CaseKeys(split.Val)) {
			t.Errorf("fold %d: same seed gave a different split", fold)
		}
	}
	if len(tested) != len(CaseKeys(samples)) {
		t.Errorf("%d of %d cases tested over the folds", len(tested), len(CaseKeys(samples)))
	}
	for key, n := range tested {
		if n != 1 {
			t.Errorf("case %s tested in %d folds", key, n)
		}
	}
	if slices.Max(total)-slices.Min(total) > 1 {
		t.Errorf("test cases per fold %v: sizes differ by more than 1", total)
	}
	other, _ := FoldByCase(samples, folds, 0, 0.2, 8)
	first, _ := FoldByCase(samples, folds, 0, 0.2, 7)
	if slices.Equal(CaseKeys(other.Test), CaseKeys(first.Test)) {
		t.Error("different seeds gave the same test fold")
	}

	_, err := FoldByCase(unevenSamples(6, 4), folds, 0, 0.2, 7)
	if err == nil || !strings.Contains(err.Error(), "site1 has 4 cases") {
		t.Errorf("a site of 4 cases in 5 folds: err %v, want one naming site1 and its 4 cases", err)
	}
	for _, bad := range [][2]int{{1, 0}, {5, 5}, {5, -1}} {
		if _, err := FoldByCase(samples, bad[0], bad[1], 0.2, 7); err == nil {
			t.Errorf("fold %d of %d accepted", bad[1], bad[0])
		}
	}
}

// TestWithoutLabels checks that WithoutLabels hides every pixel's class and nothing else, and leaves the samples
// it copied untouched.
func TestWithoutLabels(t *testing.T) {
	samples := []Sample{
		{Image: []float32{1, 2, 3, 4}, Mask: []int32{0, 1, 1, 0}, Size: 2, Channels: 1, Site: "a", Case: "c1", Index: 3},
		{Image: []float32{5, 6, 7, 8}, Mask: []int32{1, 1, 0, 0}, Size: 2, Channels: 1, Site: "b", Case: "c2"},
	}
	out := WithoutLabels(samples)
	if len(out) != len(samples) {
		t.Fatalf("%d samples out of %d", len(out), len(samples))
	}
	for i, s := range out {
		for p, class := range s.Mask {
			if class != Unlabelled {
				t.Errorf("sample %d pixel %d: class %d, want Unlabelled", i, p, class)
			}
		}
		if s.CaseKey() != samples[i].CaseKey() || s.Index != samples[i].Index || &s.Image[0] != &samples[i].Image[0] {
			t.Errorf("sample %d: %+v lost its identity or image", i, s)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("sample %d: %v", i, err)
		}
	}
	if samples[0].Mask[1] != 1 || samples[1].Mask[0] != 1 {
		t.Errorf("the original masks changed: %v %v", samples[0].Mask, samples[1].Mask)
	}
}
