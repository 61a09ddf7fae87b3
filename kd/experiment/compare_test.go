package experiment

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/stats"
)

// TestCompareOneCaseIsNotTested: with one test case the comparison runs no test (a zero-width bootstrap interval,
// a Wilcoxon p of 1) and says why; with two it tests.
func TestCompareOneCaseIsNotTested(t *testing.T) {
	students := func(cases ...string) map[StudentKind][]*Evaluation {
		out := map[StudentKind][]*Evaluation{}
		for i, kind := range StudentKinds {
			e := &Evaluation{Name: string(kind), CaseDice: map[string]float64{}}
			for j, c := range cases {
				e.CaseDice[c] = 0.5 + 0.05*float64(i) + 0.01*float64(j)
			}
			out[kind] = []*Evaluation{e}
		}
		return out
	}
	cmp, err := Compare(students("case/case00-heldout"))
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Verdict != stats.NotTested || len(cmp.Tests) != 0 || cmp.Cases != 1 || cmp.Primary() != (PairedTest{}) {
		t.Errorf("one case: %+v, want no tests and verdict %q", cmp, stats.NotTested)
	}
	if cmp, err = Compare(students("a/1", "a/2")); err != nil || cmp.Verdict == stats.NotTested || len(cmp.Tests) != len(comparisons) {
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
		cmp, err := Compare(students(gap))
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
	if cmp, err := Compare(without); err != nil || cmp.Convergence != nil {
		t.Errorf("without the all-data student: convergence %+v, err %v; want none", cmp.Convergence, err)
	}
}
