package phantom

import (
	"math"
	"slices"
	"testing"

	"github.com/gokd/gokd/datasets"
)

// small is a configuration quick enough for unit tests.
func small() *Config { return New().Sites(3).CasesPerSite(2).SlicesPerCase(10).Size(48) }

func TestDeterministic(t *testing.T) {
	first, err := small().Seed(7).Generate()
	if err != nil {
		t.Fatal(err)
	}
	again, err := small().Seed(7).Workers(1).Generate()
	if err != nil {
		t.Fatal(err)
	}
	other, err := small().Seed(8).Generate()
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 3*2*10 || len(again) != len(first) {
		t.Fatalf("got %d and %d samples, want %d", len(first), len(again), 3*2*10)
	}
	differentImages := 0
	for i := range first {
		if !slices.Equal(first[i].Image, again[i].Image) || !slices.Equal(first[i].Mask, again[i].Mask) {
			t.Fatalf("sample %d differs between two runs with the same seed", i)
		}
		if !slices.Equal(first[i].Image, other[i].Image) {
			differentImages++
		}
	}
	if differentImages != len(first) {
		t.Errorf("only %d of %d samples changed with the seed", differentImages, len(first))
	}
}

func TestSampleMetadata(t *testing.T) {
	samples, err := small().FieldOfViewMM(192).SliceSpacingMM(3).Generate()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := datasets.Sites(samples), []string{"site0", "site1", "site2"}; !slices.Equal(got, want) {
		t.Errorf("sites %v, want %v", got, want)
	}
	if got := len(datasets.CaseKeys(samples)); got != 6 {
		t.Errorf("%d distinct cases, want 6", got)
	}
	for i := range samples {
		s := &samples[i]
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		if s.PixelSpacingMM != [2]float64{4, 4} || s.SliceSpacingMM != 3 {
			t.Fatalf("%s/%s#%d: spacing %v × %g mm, want 4×4 × 3 mm", s.Site, s.Case, s.Index, s.PixelSpacingMM,
				s.SliceSpacingMM)
		}
	}
}

func TestInvalidConfig(t *testing.T) {
	for name, cfg := range map[string]*Config{
		"even channels": small().Channels(2),
		"tiny size":     small().Size(8),
		"no sites":      small().Sites(0),
		"negative":      small().SiteShift(-1),
	} {
		if _, err := cfg.Generate(); err == nil {
			t.Errorf("%s: Generate succeeded, want an error", name)
		}
	}
}

// TestGlandAlongZ checks that each case's gland grows then shrinks along z, with gland-free slices at both ends.
func TestGlandAlongZ(t *testing.T) {
	cfg := New().Sites(6).CasesPerSite(3).SlicesPerCase(14).Size(40)
	stacks, err := cfg.GenerateStacks()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stacks {
		areas := make([]int, st.Slices)
		for z := range st.Slices {
			for _, label := range st.Mask[z*st.Size*st.Size : (z+1)*st.Size*st.Size] {
				areas[z] += int(label)
			}
		}
		if areas[0] != 0 || areas[st.Slices-1] != 0 {
			t.Errorf("%s/%s: gland on the end slices, areas %v", st.Site, st.Case, areas)
		}
		peak := slices.Index(areas, slices.Max(areas))
		for z := 1; z <= peak; z++ {
			if areas[z] < areas[z-1] {
				t.Errorf("%s/%s: area shrinks before its peak at slice %d: %v", st.Site, st.Case, peak, areas)
			}
		}
		for z := peak + 1; z < st.Slices; z++ {
			if areas[z] > areas[z-1] {
				t.Errorf("%s/%s: area grows after its peak at slice %d: %v", st.Site, st.Case, peak, areas)
			}
		}
		withGland := 0
		for _, a := range areas {
			if a > 0 {
				withGland++
			}
		}
		if withGland < st.Slices/3 || withGland > st.Slices-2 {
			t.Errorf("%s/%s: gland on %d of %d slices, want between a third and all but two", st.Site, st.Case,
				withGland, st.Slices)
		}
	}
}

// TestGlandAnatomy checks the mask against the rendered tissues: the gland is enclosed by its capsule and lies
// well inside the body, never touching air.
func TestGlandAnatomy(t *testing.T) {
	cfg := New().Sites(6).CasesPerSite(2).SlicesPerCase(12).Size(64)
	for site := range 6 {
		for c := range 2 {
			st, tissues, err := cfg.renderCase(site, c)
			if err != nil {
				t.Fatal(err)
			}
			n := st.Size
			for z := range st.Slices {
				for y := range n {
					for x := range n {
						i := z*n*n + y*n + x
						if st.Mask[i] == 0 {
							continue
						}
						if tissues[i] != peripheralZone && tissues[i] != transitionZone {
							t.Fatalf("%s/%s#%d (%d,%d): mask on tissue %d", st.Site, st.Case, z, y, x, tissues[i])
						}
						// Within 3 pixels of the gland there is no air, and its outside neighbours are capsule.
						for dy := -3; dy <= 3; dy++ {
							for dx := -3; dx <= 3; dx++ {
								yy, xx := y+dy, x+dx
								if yy < 0 || xx < 0 || yy >= n || xx >= n || tissues[z*n*n+yy*n+xx] == air {
									t.Fatalf("%s/%s#%d: gland pixel (%d,%d) within 3 pixels of air or the border",
										st.Site, st.Case, z, y, x)
								}
							}
						}
						for _, d := range [][2]int{{0, 1}, {1, 0}, {0, -1}, {-1, 0}} {
							j := z*n*n + (y+d[0])*n + x + d[1]
							if st.Mask[j] == 0 && tissues[j] != capsule {
								t.Fatalf("%s/%s#%d: gland pixel (%d,%d) borders tissue %d, want capsule", st.Site,
									st.Case, z, y, x, tissues[j])
							}
						}
					}
				}
			}
		}
	}
}

// TestNotThresholdable checks that no global intensity threshold (in either direction) segments the gland well:
// fat and urine are brighter than the peripheral zone, muscle darker than the transition zone.
func TestNotThresholdable(t *testing.T) {
	stacks, err := New().Sites(6).CasesPerSite(2).SlicesPerCase(12).Size(48).GenerateStacks()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stacks {
		lo, hi := datasets.PercentilePair(st.Image, 0, 100)
		best := 0.0
		for step := range 64 {
			threshold := lo + (hi-lo)*float32(step)/64
			for _, above := range []bool{true, false} {
				var inter, predicted, truth int
				for i, v := range st.Image {
					p := (v > threshold) == above
					m := st.Mask[i] != 0
					if p {
						predicted++
					}
					if m {
						truth++
					}
					if p && m {
						inter++
					}
				}
				best = max(best, 2*float64(inter)/float64(predicted+truth))
			}
		}
		if best > 0.5 { // Well below the ≳0.85 a trained network must reach.
			t.Errorf("%s/%s: a global threshold reaches Dice %.2f, want the gland not to be thresholdable",
				st.Site, st.Case, best)
		}
	}
}

// siteSeparation returns, for a per-case feature, the variance of the site means divided by the mean within-site
// variance (a one-way ANOVA F-like ratio): large when sites differ by more than cases within a site.
func siteSeparation(t *testing.T, cfg *Config, feature func(st *datasets.Stack, tissues []tissue) float64) float64 {
	t.Helper()
	const sites, cases = 6, 5
	cfg = cfg.Sites(sites).CasesPerSite(cases)
	siteMeans := make([]float64, sites)
	var within float64
	for site := range sites {
		values := make([]float64, cases)
		for c := range cases {
			st, tissues, err := cfg.renderCase(site, c)
			if err != nil {
				t.Fatal(err)
			}
			values[c] = feature(st, tissues)
		}
		mean, variance := meanVariance(values)
		siteMeans[site] = mean
		within += variance / sites
	}
	_, between := meanVariance(siteMeans)
	return between / within
}

func meanVariance(values []float64) (mean, variance float64) {
	for _, v := range values {
		mean += v
	}
	mean /= float64(len(values))
	for _, v := range values {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(values)-1)
}

// meanOf returns the mean image intensity over the pixels of the given tissues.
func meanOf(st *datasets.Stack, tissues []tissue, which ...tissue) float64 {
	var sum float64
	var n int
	for i, t := range tissues {
		if slices.Contains(which, t) {
			sum += float64(st.Image[i])
			n++
		}
	}
	return sum / float64(n)
}

func TestSitesDiffer(t *testing.T) {
	raw := func(shift float64) *Config {
		return New().SlicesPerCase(10).Size(48).SiteShift(shift).Normalization(datasets.NoNormalization).
			Clip(datasets.Percentiles{})
	}
	fatLevel := func(st *datasets.Stack, tissues []tissue) float64 { return meanOf(st, tissues, fat) }
	if f := siteSeparation(t, raw(1), fatLevel); f < 20 {
		t.Errorf("raw fat intensity: site separation %.1f at full shift, want > 20", f)
	}
	// Normalised: contrast of the peripheral zone against periprostatic tissue, and noise in the air.
	normalised := func(shift float64) *Config { return New().SlicesPerCase(10).Size(48).SiteShift(shift) }
	glandContrast := func(st *datasets.Stack, tissues []tissue) float64 {
		return meanOf(st, tissues, peripheralZone) - meanOf(st, tissues, periprostatic)
	}
	airNoise := func(st *datasets.Stack, tissues []tissue) float64 {
		var air []float64
		for i, tis := range tissues {
			if tis == 0 {
				air = append(air, float64(st.Image[i]))
			}
		}
		_, variance := meanVariance(air)
		return math.Sqrt(variance)
	}
	for name, feature := range map[string]func(*datasets.Stack, []tissue) float64{
		"gland contrast": glandContrast, "air noise": airNoise,
	} {
		shifted, unshifted := siteSeparation(t, normalised(1), feature), siteSeparation(t, normalised(0), feature)
		t.Logf("%s: site separation %.1f at full shift, %.1f without", name, shifted, unshifted)
		if shifted < 10 || shifted < 5*unshifted {
			t.Errorf("%s: site separation %.1f at full shift and %.1f without, want > 10 and 5× larger",
				name, shifted, unshifted)
		}
	}
}

func TestChannels25D(t *testing.T) {
	flat, err := small().Generate()
	if err != nil {
		t.Fatal(err)
	}
	thick, err := small().Channels(3).Generate()
	if err != nil {
		t.Fatal(err)
	}
	for i := range thick {
		s := &thick[i]
		if s.Channels != 3 {
			t.Fatalf("sample %d has %d channels, want 3", i, s.Channels)
		}
		// Neighbouring slices of the same case, replicated at the ends.
		prev, next := i-1, i+1
		if s.Index == 0 {
			prev = i
		}
		if s.Index == 9 {
			next = i
		}
		for p := range s.Size * s.Size {
			got := [3]float32{s.Image[3*p], s.Image[3*p+1], s.Image[3*p+2]}
			want := [3]float32{flat[prev].Image[p], flat[i].Image[p], flat[next].Image[p]}
			if got != want {
				t.Fatalf("sample %d (slice %d) pixel %d: channels %v, want %v", i, s.Index, p, got, want)
			}
		}
	}
}

func TestOnlyProstate(t *testing.T) {
	samples, err := small().OnlyProstate(true).Generate()
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) == 0 || len(samples) >= 3*2*10 {
		t.Fatalf("kept %d of %d slices, want some but not all", len(samples), 3*2*10)
	}
	for i := range samples {
		if !slices.Contains(samples[i].Mask, 1) {
			t.Fatalf("sample %s/%s#%d has no prostate", samples[i].Site, samples[i].Case, samples[i].Index)
		}
	}
}
