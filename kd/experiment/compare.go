package experiment

import (
	"fmt"
	"slices"

	"github.com/gokd/gokd/kd/metrics"
	"github.com/gokd/gokd/kd/stats"
)

// Statistics of the comparison: a 95% bootstrap interval of 10 000 resamples, seeded.
const (
	ciLevel       = 0.95
	ciResamples   = 10000
	bootstrapSeed = 17
)

// PairedTest compares student kind A with kind B over the test cases: each case's Dice averaged over seeds, A's
// paired with B's.
type PairedTest struct {
	A, B StudentKind
	// Gap is the mean over cases of A − B Dice (0–1) with its bootstrap confidence interval.
	Gap stats.Interval
	// RelativePct is the mean gap relative to B's mean Dice, in percent.
	RelativePct float64
	Wilcoxon    stats.Wilcoxon
	// PHolm is the p-value adjusted by Holm's method over the secondary tests; the primary test's is its own.
	PHolm   float64
	Primary bool
}

// MinPairedCases is the fewest test cases the paired tests run on. With one case there is nothing to test: the
// bootstrap interval of one gap has zero width (any gap would look certain) and Wilcoxon's two-sided p is 1
// whatever the gap, so the comparison reports stats.NotTested instead — a single real case (Data.Source "pair")
// is a smoke run. From 2 cases on the tests run, weak as they are with few cases (the exact two-sided Wilcoxon p
// cannot go below 0.05 under 6 cases): the tables give the number of cases.
const MinPairedCases = 2

// Comparison is the students' paired comparison over test cases and the reproduction verdict.
type Comparison struct {
	Cases int // Test cases paired.
	Seeds int // Seeds averaged per case.
	// Tests: first the primary test (adaptive − scratch), then the secondary ones, Holm-adjusted together. None
	// with fewer than MinPairedCases cases.
	Tests    []PairedTest
	Evidence stats.Evidence
	// Verdict is stats.Decide's, or stats.NotTested with fewer than MinPairedCases cases (Reason says why).
	Verdict stats.Verdict
	Reason  string `json:",omitempty"` // Why the verdict is stats.NotTested; empty otherwise.
	// Convergence is the protocol's check that the budget suffices: the student trained from scratch on all
	// training cases must not score below the one trained on the limited cases (mean gap ≥ 0). Nil when the
	// all-data student did not run.
	Convergence *Convergence `json:",omitempty"`
}

// Convergence is the outcome of the convergence check (Comparison.Convergence).
type Convergence struct {
	Gap    stats.Interval // All-data scratch − scratch, Dice 0–1, over test cases.
	Passed bool           // Gap.Mean ≥ 0.
}

// Primary returns the primary test: adaptive KD against scratch (the zero PairedTest when none ran: Verdict
// stats.NotTested).
func (c *Comparison) Primary() PairedTest {
	if len(c.Tests) == 0 {
		return PairedTest{}
	}
	return c.Tests[0]
}

// Explain states the verdict with the numbers it rests on (stats.Evidence.Explain), or why there is none.
func (c *Comparison) Explain() string {
	if c.Verdict == stats.NotTested {
		return fmt.Sprintf("%s: %s", c.Verdict, c.Reason)
	}
	out := c.Evidence.Explain()
	if conv := c.Convergence; conv != nil && !conv.Passed {
		out += fmt.Sprintf("; convergence check failed: the all-data scratch student scores %+.1f points against the limited one, 95%% CI [%+.1f, %+.1f], so the verdict describes this budget",
			100*conv.Gap.Mean, 100*conv.Gap.Low, 100*conv.Gap.High)
	}
	return out
}

// comparisons lists the tests: the primary one first.
var comparisons = [][2]StudentKind{
	{StudentAdaptiveKD, StudentScratch},
	{StudentSingleKD, StudentScratch},
	{StudentMeanKD, StudentScratch},
	{StudentAdaptiveKD, StudentMeanKD},
	{StudentScratchAll, StudentScratch},
}

// extraComparisons are the secondary tests of the optional kinds (Config.ExtraKinds), after comparisons: each
// joins the tests, and the Holm family, only when both its kinds ran.
var extraComparisons = [][2]StudentKind{
	{StudentAdaptiveClassKD, StudentScratch},
	{StudentEntropyKD, StudentScratch},
	{StudentAdaptiveKD, StudentEntropyKD},
	{StudentAdaptiveClassKD, StudentAdaptiveKD},
	{StudentAdaptiveSemiKD, StudentScratch},
	{StudentAdaptiveSemiKD, StudentAdaptiveKD},
}

// Compare runs the paired comparisons of the students over test cases: per case, each kind's Dice averaged over
// its seeds; the primary test (adaptive − scratch) by Wilcoxon signed-rank with a bootstrap CI of the mean gap;
// the others likewise (those of the optional kinds when they ran: extraComparisons), their p-values
// Holm-adjusted together. The verdict reads the paper's gain as relative (stats.Evidence; both readings are
// reported). It returns nil when the scratch or adaptive students are missing, and a Comparison without tests, its
// Verdict stats.NotTested, with fewer than MinPairedCases test cases.
func Compare(students map[StudentKind][]*Evaluation) (*Comparison, error) {
	if len(students[StudentScratch]) == 0 || len(students[StudentAdaptiveKD]) == 0 {
		return nil, nil
	}
	perCase := map[StudentKind]map[string]float64{}
	for kind, evals := range students {
		perCase[kind] = meanOverSeeds(string(kind), evals).CaseDice
	}
	var cases []string
	for c := range perCase[StudentScratch] {
		cases = append(cases, c)
	}
	slices.Sort(cases)
	if len(cases) == 0 {
		return nil, fmt.Errorf("experiment: comparing the students: no per-case Dice (evaluations cached by an older version?)")
	}
	cmp := &Comparison{Cases: len(cases), Seeds: len(students[StudentScratch])}
	if len(cases) < MinPairedCases {
		cmp.Verdict = stats.NotTested
		cmp.Reason = fmt.Sprintf("too few test cases for paired tests: %d case (at least %d needed); the students' "+
			"Dice tables describe this run, they test nothing", len(cases), MinPairedCases)
		return cmp, nil
	}
	var secondary []float64
	for i, pair := range append(slices.Clone(comparisons), extraComparisons...) {
		a, b := perCase[pair[0]], perCase[pair[1]]
		if a == nil || b == nil {
			continue
		}
		x, y, gaps := make([]float64, len(cases)), make([]float64, len(cases)), make([]float64, len(cases))
		for k, c := range cases {
			av, aok := a[c]
			bv, bok := b[c]
			if !aok || !bok {
				return nil, fmt.Errorf("experiment: comparing %s with %s: case %s is missing", pair[0], pair[1], c)
			}
			x[k], y[k], gaps[k] = av, bv, av-bv
		}
		w, err := stats.SignedRank(x, y)
		if err != nil {
			return nil, fmt.Errorf("experiment: comparing %s with %s: %w", pair[0], pair[1], err)
		}
		gap, err := stats.BootstrapMeanCI(gaps, ciLevel, ciResamples, bootstrapSeed)
		if err != nil {
			return nil, fmt.Errorf("experiment: comparing %s with %s: %w", pair[0], pair[1], err)
		}
		t := PairedTest{A: pair[0], B: pair[1], Gap: gap, RelativePct: 100 * gap.Mean / mean(y), Wilcoxon: w,
			PHolm: w.P, Primary: i == 0}
		if !t.Primary {
			secondary = append(secondary, w.P)
		}
		cmp.Tests = append(cmp.Tests, t)
	}
	adjusted := stats.Holm(secondary)
	for i := range adjusted {
		cmp.Tests[i+1].PHolm = adjusted[i]
	}
	for _, t := range cmp.Tests {
		if t.A == StudentScratchAll && t.B == StudentScratch {
			cmp.Convergence = &Convergence{Gap: t.Gap, Passed: t.Gap.Mean >= 0}
		}
	}
	primary := cmp.Tests[0]
	cmp.Evidence = stats.Evidence{Gap: primary.Gap, ScratchDice: mean(valuesOf(perCase[StudentScratch], cases)), Relative: true}
	for _, t := range cmp.Tests {
		if t.A == StudentAdaptiveKD && t.B == StudentMeanKD {
			cmp.Evidence.VersusMean = t.Gap
		}
	}
	cmp.Verdict = stats.Decide(cmp.Evidence)
	return cmp, nil
}

func valuesOf(m map[string]float64, keys []string) []float64 {
	out := make([]float64, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

func mean(values []float64) float64 {
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	return sum / float64(len(values))
}

// Table renders the paired tests: the mean gap in Dice points with its CI, relative gap, the Wilcoxon
// statistic and p-values (raw and Holm-adjusted).
func (c *Comparison) Table() metrics.Table {
	t := metrics.Table{Columns: []string{"comparison", "gap (Dice points)", fmt.Sprintf("%.0f%% CI", 100*ciLevel),
		"relative", "Wilcoxon W", "p", "p (Holm)", "cases"}}
	for _, test := range c.Tests {
		name := fmt.Sprintf("%s − %s", test.A, test.B)
		holm := fmt.Sprintf("%.4f", test.PHolm)
		if test.Primary {
			name += " (primary)"
			holm = "–"
		}
		t.Rows = append(t.Rows, []string{name, fmt.Sprintf("%+.1f", 100*test.Gap.Mean),
			fmt.Sprintf("[%+.1f, %+.1f]", 100*test.Gap.Low, 100*test.Gap.High), fmt.Sprintf("%+.1f%%", test.RelativePct),
			fmt.Sprintf("%g", test.Wilcoxon.Statistic), fmt.Sprintf("%.4f", test.Wilcoxon.P), holm, fmt.Sprint(c.Cases)})
	}
	return t
}
