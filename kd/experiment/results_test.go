package experiment

import (
	"math"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets"
)

// TestRepresentativesDescribeOneThingPerRow checks that a student kind's row holds, in every column, the mean over
// its seeds (Dice's ± the spread over seeds), labelled as such — not seed 1's slice Dice, HD95 or latency beside
// the mean Dice.
func TestRepresentativesDescribeOneThingPerRow(t *testing.T) {
	seed := func(dice, slice, hd95, ms float64) *Evaluation {
		return &Evaluation{Name: "s", Dice: dice, DiceStd: 0.3, SliceDice: slice, HD95MM: hd95, SurfaceCases: 4,
			MsPerSlice: ms, MsPerSliceB8: ms, Params: 10, SiteDice: map[string]float64{"a": dice}}
	}
	res := &Results{Students: map[StudentKind][]*Evaluation{
		StudentScratch: {seed(0.4, 0.5, 10, 1), seed(0.6, 0.7, 20, 3)},
	}}
	reps := res.Representatives()
	if len(reps) != 1 {
		t.Fatalf("%d representatives, want 1", len(reps))
	}
	r := reps[0]
	close := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if !close(r.Dice, 0.5) || !close(r.DiceStd, math.Sqrt(0.02)) || !close(r.SliceDice, 0.6) || !close(r.HD95MM, 15) ||
		!close(r.MsPerSlice, 2) || !close(r.SiteDice["a"], 0.5) {
		t.Errorf("representative %+v: want every column the mean over the 2 seeds (Dice 0.5 ± %.3f over seeds, "+
			"slice Dice 0.6, HD95 15, 2 ms)", r, math.Sqrt(0.02))
	}
	if !strings.Contains(r.Over, "2 seeds") {
		t.Errorf("representative labelled %q, want it to say it is over 2 seeds", r.Over)
	}
}

// TestTablesCountMissedCases checks that HD95 is shown with its missed cases and never as a distance when no
// case has one.
func TestTablesCountMissedCases(t *testing.T) {
	none := &Evaluation{Name: "kl_only", Over: "cases", MissedCases: 9, SiteDice: map[string]float64{}}
	some := &Evaluation{Name: "ok", Over: "cases", HD95MM: 3.25, SurfaceCases: 7, MissedCases: 2, SiteDice: map[string]float64{}}
	table := EvaluationsTable([]*Evaluation{none, some})
	col := -1
	for i, c := range table.Columns {
		if strings.HasPrefix(c, "HD95") {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no HD95 column in %q", table.Columns)
	}
	if got := table.Rows[0][col]; got != "– (9 missed)" {
		t.Errorf("HD95 of a model that missed all 9 cases = %q, want \"– (9 missed)\"", got)
	}
	if got := table.Rows[1][col]; got != "3.2 (2 missed)" && got != "3.3 (2 missed)" {
		t.Errorf("HD95 of a model with 2 missed cases = %q, want \"3.2 (2 missed)\"", got)
	}
}

// TestProtocolTunesComparesAndDecides runs a tiny protocol: a validation split, a tuning grid, two seeds and
// limit-trained teachers on random case subsets; every kind gets the same number of tuning runs and the best
// one on validation, the comparison pairs every test case, and the adaptive students' fusion weights sum to 1.
func TestProtocolTunesComparesAndDecides(t *testing.T) {
	c := tinyConfig()
	c.Data.CasesPerSite, c.Data.ValFraction = 6, 0.25
	c.Tune = TuneSpec{LearningRates: []float64{1e-3, 1e-2}, Seed: 100}
	c.Seeds = []int64{1, 2}
	c.LimitedTeachers, c.RandomTeachers, c.RandomTeacherCases = TeachersRandom, 2, 2
	c.Train.CosineDecay = true
	r, res := runFresh(t, c)
	if len(res.Tuning) != len(StudentKinds) {
		t.Fatalf("%d tunings, want one per kind", len(res.Tuning))
	}
	for _, tuning := range res.Tuning {
		if len(tuning.Candidates) != 2 || len(tuning.ValDice) != 2 {
			t.Errorf("%s: %d candidates and %d validation scores, want 2 and 2 (the same budget for every kind)",
				tuning.Kind, len(tuning.Candidates), len(tuning.ValDice))
			continue
		}
		best := 0
		if tuning.ValDice[1] > tuning.ValDice[0] {
			best = 1
		}
		if tuning.Chosen != tuning.Candidates[best] {
			t.Errorf("%s: chose %+v, but %+v had the best validation Dice %v", tuning.Kind, tuning.Chosen,
				tuning.Candidates[best], tuning.ValDice)
		}
	}
	d, err := r.Data()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.TeacherSubsets) != 2 || len(res.SiteTeachers) != 2 || d.TeacherSubsets[0] != "random1" {
		t.Errorf("limit-trained teachers on %v, want 2 random subsets", d.TeacherSubsets)
	}
	cmp := res.Comparison
	if cmp == nil || len(cmp.Tests) != basicTests || !cmp.Tests[0].Primary || cmp.Seeds != 2 {
		t.Fatalf("comparison %+v: want %d tests, the primary first, over 2 seeds", cmp, basicTests)
	}
	if want := len(datasetsCases(d.Test)); cmp.Cases != want || cmp.Tests[0].Wilcoxon.TotalPairs != want {
		t.Errorf("comparison over %d cases (Wilcoxon %d pairs), want the %d test cases", cmp.Cases,
			cmp.Tests[0].Wilcoxon.TotalPairs, want)
	}
	switch cmp.Verdict {
	case "reproduced", "partial", "not reproduced", "reversed", "inconclusive":
	default:
		t.Errorf("verdict %q", cmp.Verdict)
	}
	sum := 0.0
	weights := res.GlobalWeights(StudentAdaptiveKD)
	for _, w := range weights {
		sum += w
	}
	if len(weights) != 2 || math.Abs(sum-1) > 1e-5 {
		t.Errorf("fusion weights %v, want 2 summing to 1", weights)
	}
}

func datasetsCases(samples []datasets.Sample) []string { return datasets.CaseKeys(samples) }
