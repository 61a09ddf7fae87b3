package experiment

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/stats"
)

// basicTests is the number of paired tests of the kinds every experiment trains: the primary adaptive − scratch
// and adaptive − all-data scratch, then all-data scratch − scratch, single − scratch, mean − scratch and adaptive −
// mean.
const basicTests = 6

// TestCompareOneCaseIsNotTested: with one test case the comparison runs no test (a zero-width bootstrap interval,
// a Wilcoxon p of 1) and says why; with two it tests.
func TestCompareOneCaseIsNotTested(t *testing.T) {
	students := func(cases ...string) []FoldStudents {
		out := FoldStudents{}
		for i, kind := range StudentKinds {
			e := &Evaluation{Name: string(kind), CaseDice: map[string]float64{}}
			for j, c := range cases {
				e.CaseDice[c] = 0.5 + 0.05*float64(i) + 0.01*float64(j)
			}
			out[kind] = []*Evaluation{e}
		}
		return []FoldStudents{out}
	}
	cmp, err := Compare(students("case/case00-heldout"), StudentAdaptiveKD)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Verdict != stats.NotTested || len(cmp.Tests) != 0 || cmp.Cases != 1 || cmp.Primary() != (PairedTest{}) {
		t.Errorf("one case: %+v, want no tests and verdict %q", cmp, stats.NotTested)
	}
	if cmp, err = Compare(students("a/1", "a/2"), StudentAdaptiveKD); err != nil || cmp.Verdict == stats.NotTested || len(cmp.Tests) != basicTests {
		t.Errorf("two cases: %+v, %v: want the paired tests", cmp, err)
	}
}

// TestConvergenceCheck: the comparison says whether the all-data scratch student beats the limited one, and the
// verdict's explanation warns when it does not.
func TestConvergenceCheck(t *testing.T) {
	students := func(allDataGap float64) map[StudentKind][]*Evaluation {
		out := map[StudentKind][]*Evaluation{}
		for i, kind := range StudentKinds {
			e := &Evaluation{Name: string(kind), CaseDice: map[string]float64{}}
			for j := range 8 {
				e.CaseDice[fmt.Sprintf("a/%d", j)] = 0.5 + 0.01*float64(i) + 0.02*float64(j%3)
				if kind == StudentScratchAll {
					e.CaseDice[fmt.Sprintf("a/%d", j)] = 0.5 + allDataGap + 0.02*float64(j%3)
				}
			}
			out[kind] = []*Evaluation{e}
		}
		return out
	}
	for _, gap := range []float64{0.05, -0.05} {
		cmp, err := Compare([]FoldStudents{students(gap)}, StudentAdaptiveKD)
		if err != nil {
			t.Fatal(err)
		}
		conv := cmp.Convergence
		if conv == nil || conv.Passed != (gap > 0) || math.Abs(conv.Gap.Mean-gap) > 1e-9 {
			t.Errorf("all-data gap %+.2f: convergence %+v", gap, conv)
		}
		if warned := strings.Contains(cmp.Explain(), "convergence check failed"); warned != (gap < 0) {
			t.Errorf("all-data gap %+.2f: explanation %q", gap, cmp.Explain())
		}
	}
	without := students(0.05)
	delete(without, StudentScratchAll)
	if cmp, err := Compare([]FoldStudents{without}, StudentAdaptiveKD); err != nil || cmp.Convergence != nil {
		t.Errorf("without the all-data student: convergence %+v, err %v; want none", cmp.Convergence, err)
	}
}

// perSeedStudents builds one fold of students whose case Dice is base(kind, case) plus a seed offset that spreads
// the seeds by ±spread around it.
func perSeedStudents(kinds []StudentKind, cases []string, seeds int, spread float64, base func(StudentKind, int) float64) FoldStudents {
	out := FoldStudents{}
	for _, kind := range kinds {
		for s := range seeds {
			e := &Evaluation{Name: StudentName(kind, int64(s+1)), CaseDice: map[string]float64{}}
			offset := spread * (2*float64(s)/float64(max(1, seeds-1)) - 1)
			if seeds == 1 {
				offset = 0
			}
			for j, c := range cases {
				e.CaseDice[c] = base(kind, j) + offset
			}
			out[kind] = append(out[kind], e)
		}
	}
	return out
}

// TestCompareIncludesSeedsAndFolds: the interval of a gap widens with seed-to-seed spread where the cases-only one
// cannot see it, folds pool their cases, the second primary test is against the all-data student, and a gap that
// the interval and Wilcoxon judge differently is inconclusive.
func TestCompareIncludesSeedsAndFolds(t *testing.T) {
	base := func(kind StudentKind, j int) float64 {
		gap := 0.0
		if kind == StudentAdaptiveKD {
			gap = 0.03 + 0.01*float64(j%3)
		}
		return 0.6 + 0.02*float64(j%4) + gap
	}
	casesOf := func(fold int) []string {
		var cases []string
		for j := range 6 {
			cases = append(cases, fmt.Sprintf("site%d/f%dc%d", j%2, fold, j))
		}
		return cases
	}
	steady := []FoldStudents{perSeedStudents(StudentKinds, casesOf(0), 3, 0, base), perSeedStudents(StudentKinds, casesOf(1), 3, 0, base)}
	noisy := []FoldStudents{perSeedStudents(StudentKinds, casesOf(0), 3, 0.08, base), perSeedStudents(StudentKinds, casesOf(1), 3, 0.08, base)}
	a, err := Compare(steady, StudentAdaptiveKD)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compare(noisy, StudentAdaptiveKD)
	if err != nil {
		t.Fatal(err)
	}
	if a.Cases != 12 || a.Folds != 2 || a.Seeds != 3 {
		t.Errorf("pooled %d cases over %d folds and %d seeds, want 12, 2 and 3", a.Cases, a.Folds, a.Seeds)
	}
	pa, pb := a.Primary(), b.Primary()
	if math.Abs(pa.Gap.Mean-pb.Gap.Mean) > 1e-12 || math.Abs(pa.CasesOnly.Low-pb.CasesOnly.Low) > 1e-12 {
		t.Errorf("seed spread with the same means changed the point estimate or the cases-only interval: %+v vs %+v", pa, pb)
	}
	if wa, wb := pa.Gap.High-pa.Gap.Low, pb.Gap.High-pb.Gap.Low; !(wb > 2*wa) {
		t.Errorf("seed spread of ±0.08 widens the interval from %.4f only to %.4f", wa, wb)
	}
	if all := a.DataMatched(); all.A != StudentAdaptiveKD || all.B != StudentScratchAll || !all.Primary || all.PHolm != all.Wilcoxon.P {
		t.Errorf("second primary test %+v, want adaptive − all-data scratch, unadjusted", all)
	}
	if a.Verdict == stats.Inconclusive || a.Verdict == stats.NotTested {
		t.Errorf("a steady +4-point gap over 12 cases: verdict %q", a.Verdict)
	}
	if b.Verdict != stats.Inconclusive && b.Verdict != stats.NotReproduced {
		t.Logf("noisy gap: verdict %q, interval [%g, %g], p %g", b.Verdict, pb.Gap.Low, pb.Gap.High, pb.Wilcoxon.P)
	}
	if stats.Agree(pb.Gap, pb.Wilcoxon.P) == (b.Verdict == stats.Inconclusive) {
		t.Errorf("verdict %q, but the interval [%g, %g] and p %g agree: %v", b.Verdict, pb.Gap.Low, pb.Gap.High,
			pb.Wilcoxon.P, stats.Agree(pb.Gap, pb.Wilcoxon.P))
	}
	// The primary kind is the configured one.
	confidence := perSeedStudents(append(slices.Clone(StudentKinds), StudentConfidenceKD), casesOf(0), 2, 0, base)
	c, err := Compare([]FoldStudents{confidence}, StudentConfidenceKD)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Tests[0]; p.A != StudentConfidenceKD || p.B != StudentScratch || !p.Primary || c.PrimaryKind != StudentConfidenceKD {
		t.Errorf("first test %+v, want the configured primary kind against scratch", p)
	}
}
