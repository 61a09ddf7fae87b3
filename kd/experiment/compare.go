package experiment

import (
	"fmt"

	"maps"
	"slices"

	"github.com/gokd/gokd/datasets"

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
	// Gap is the mean over cases of A − B Dice (0–1) with its hierarchical bootstrap interval: training seeds and
	// cases (within sites) resampled together (stats.HierarchicalBootstrapCI), so that it includes seed-to-seed
	// and, over several folds, teacher variation, not only case variation.
	Gap stats.Interval
	// CasesOnly is the interval that resamples cases only (each case's Dice averaged over seeds first): the one
	// GoKD reported before the hierarchical one, kept to show what training randomness adds.
	CasesOnly stats.Interval
	// RelativePct is the mean gap relative to B's mean Dice, in percent.
	RelativePct float64
	Wilcoxon    stats.Wilcoxon
	// PHolm is the p-value adjusted by Holm's method over the secondary tests; a primary test's is its own.
	PHolm   float64
	Primary bool
	// Outcome reads the gap's interval and its Wilcoxon p together (stats.Classify).
	Outcome stats.Outcome
}

// MinPairedCases is the fewest test cases the paired tests run on. With one case there is nothing to test: the
// bootstrap interval of one gap has zero width (any gap would look certain) and Wilcoxon's two-sided p is 1
// whatever the gap, so the comparison reports stats.NotTested instead — a single real case (Data.Source "pair")
// is a smoke run. From 2 cases on the tests run, weak as they are with few cases (the exact two-sided Wilcoxon p
// cannot go below 0.05 under 6 cases): the tables give the number of cases.
const MinPairedCases = 2

// Comparison is the students' paired comparison over test cases and the reproduction verdict.
type Comparison struct {
	Cases int // Test cases paired (over every fold).
	Seeds int // Seeds averaged per case.
	Folds int // Cross-validation folds pooled (1: a single split).
	// PrimaryKind is the adaptive kind the verdict is on (Config.Primary).
	PrimaryKind StudentKind
	// Tests: first the primary tests (Primary − scratch, then Primary − all-data scratch when that kind ran), then
	// the secondary ones, Holm-adjusted together. None with fewer than MinPairedCases cases.
	Tests    []PairedTest
	Evidence stats.Evidence
	// Verdict is stats.Decide's on Primary − scratch, or stats.NotTested with fewer than MinPairedCases cases
	// (Reason says why).
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

// Primary returns the primary test against scratch (the zero PairedTest when none ran: Verdict
// stats.NotTested).
func (c *Comparison) Primary() PairedTest { return c.test(c.PrimaryKind, StudentScratch) }

// DataMatched returns the second primary test, against the student trained from scratch on all training
// data (the zero PairedTest when it did not run).
func (c *Comparison) DataMatched() PairedTest { return c.test(c.PrimaryKind, StudentScratchAll) }

// test returns the test of a against b, or the zero PairedTest.
func (c *Comparison) test(a, b StudentKind) PairedTest {
	for _, t := range c.Tests {
		if t.A == a && t.B == b {
			return t
		}
	}
	return PairedTest{}
}

// Explain states the verdict with the numbers it rests on (stats.Evidence.Explain), or why there is none.
func (c *Comparison) Explain() string {
	if c.Verdict == stats.NotTested {
		return fmt.Sprintf("%s: %s", c.Verdict, c.Reason)
	}
	out := c.Evidence.Explain()
	if all := c.DataMatched(); all.A != "" {
		out += fmt.Sprintf("; against the data-matched baseline (%s) %+.1f points, CI [%+.1f, %+.1f], Wilcoxon p %.4f: %s",
			all.B, 100*all.Gap.Mean, 100*all.Gap.Low, 100*all.Gap.High, all.Wilcoxon.P, all.Outcome)
	}
	if conv := c.Convergence; conv != nil && !conv.Passed {
		out += fmt.Sprintf("; convergence check failed: the all-data scratch student scores %+.1f points against the limited one, 95%% CI [%+.1f, %+.1f], so the verdict describes this budget",
			100*conv.Gap.Mean, 100*conv.Gap.Low, 100*conv.Gap.High)
	}
	return out
}

// FoldStudents are one fold's students: each kind's evaluations, one per seed, in the same seed order for every
// kind (Results.Students).
type FoldStudents map[StudentKind][]*Evaluation

// pairs lists the comparisons of the kinds that ran: the primary ones first (primary − scratch, primary −
// all-data scratch), then every kind's secondary comparisons of kindTable (kindSpec.versus) in table order, each
// once.
func pairs(primary StudentKind, ran func(StudentKind) bool) (out [][2]StudentKind, primaries int) {
	add := func(a, b StudentKind) {
		if ran(a) && ran(b) && !slices.Contains(out, [2]StudentKind{a, b}) {
			out = append(out, [2]StudentKind{a, b})
		}
	}
	add(primary, StudentScratch)
	add(primary, StudentScratchAll)
	primaries = len(out)
	for _, k := range kindTable {
		for _, v := range k.versus {
			add(k.kind, v)
		}
	}
	return out, primaries
}

// Compare runs the paired comparisons of the students over the test cases of one or several folds (each case is
// tested in one fold): per case, each kind's Dice averaged over its seeds. Each test has a Wilcoxon signed-rank
// p-value and a hierarchical bootstrap interval of the mean gap that resamples seeds (per fold and kind) and cases
// (within sites) together. The primary tests — primary − scratch, and primary − all-data scratch, the
// data-matched baseline — are not adjusted; the secondary ones are Holm-adjusted together. The verdict
// (stats.Decide) is on primary − scratch; it is stats.Inconclusive when its interval and p disagree. It returns
// nil when the scratch or primary students are missing, and a Comparison without tests, its Verdict
// stats.NotTested, with fewer than MinPairedCases test cases.
func Compare(folds []FoldStudents, primary StudentKind) (*Comparison, error) {
	if len(folds) == 0 {
		return nil, nil
	}
	for _, f := range folds {
		if len(f[StudentScratch]) == 0 || len(f[primary]) == 0 {
			return nil, nil
		}
	}
	type scores struct {
		group   int
		perSeed []float64
	}
	// byKind[kind][case]: the case's fold and its Dice under each seed.
	byKind := map[StudentKind]map[string]scores{}
	for g, f := range folds {
		for kind, evals := range f {
			if byKind[kind] == nil {
				byKind[kind] = map[string]scores{}
			}
			for _, e := range evals {
				for c, d := range e.CaseDice {
					s := byKind[kind][c]
					s.group, s.perSeed = g, append(s.perSeed, d)
					byKind[kind][c] = s
				}
			}
		}
	}
	cases := slices.Sorted(maps.Keys(byKind[StudentScratch]))
	if len(cases) == 0 {
		return nil, fmt.Errorf("experiment: comparing the students: no per-case Dice (evaluations cached by an older version?)")
	}
	cmp := &Comparison{Cases: len(cases), Seeds: len(folds[0][StudentScratch]), Folds: len(folds), PrimaryKind: primary}
	if len(cases) < MinPairedCases {
		cmp.Verdict = stats.NotTested
		cmp.Reason = fmt.Sprintf("too few test cases for paired tests: %d case (at least %d needed); the students' "+
			"Dice tables describe this run, they test nothing", len(cases), MinPairedCases)
		return cmp, nil
	}
	list, primaries := pairs(primary, func(k StudentKind) bool { return byKind[k] != nil })
	var secondary []float64
	for i, pair := range list {
		a, b := byKind[pair[0]], byKind[pair[1]]
		x, y, gaps := make([]float64, len(cases)), make([]float64, len(cases)), make([]float64, len(cases))
		paired := make([]stats.PairedCase, len(cases))
		for k, c := range cases {
			av, aok := a[c]
			bv, bok := b[c]
			if !aok || !bok {
				return nil, fmt.Errorf("experiment: comparing %s with %s: case %s is missing", pair[0], pair[1], c)
			}
			x[k], y[k] = mean(av.perSeed), mean(bv.perSeed)
			gaps[k] = x[k] - y[k]
			paired[k] = stats.PairedCase{Stratum: datasets.SiteOfCaseKey(c), Group: av.group, A: av.perSeed, B: bv.perSeed}
		}
		w, err := stats.SignedRank(x, y)
		if err != nil {
			return nil, fmt.Errorf("experiment: comparing %s with %s: %w", pair[0], pair[1], err)
		}
		gap, err := stats.HierarchicalBootstrapCI(paired, ciLevel, ciResamples, bootstrapSeed)
		if err != nil {
			return nil, fmt.Errorf("experiment: comparing %s with %s: %w", pair[0], pair[1], err)
		}
		casesOnly, err := stats.BootstrapMeanCI(gaps, ciLevel, ciResamples, bootstrapSeed)
		if err != nil {
			return nil, fmt.Errorf("experiment: comparing %s with %s: %w", pair[0], pair[1], err)
		}
		t := PairedTest{A: pair[0], B: pair[1], Gap: gap, CasesOnly: casesOnly, RelativePct: 100 * gap.Mean / mean(y),
			Wilcoxon: w, PHolm: w.P, Primary: i < primaries, Outcome: stats.Classify(gap, w.P)}
		if !t.Primary {
			secondary = append(secondary, w.P)
		}
		cmp.Tests = append(cmp.Tests, t)
	}
	adjusted := stats.Holm(secondary)
	for i := range adjusted {
		cmp.Tests[primaries+i].PHolm = adjusted[i]
		cmp.Tests[primaries+i].Outcome = stats.Classify(cmp.Tests[primaries+i].Gap, adjusted[i])
	}
	if conv := cmp.test(StudentScratchAll, StudentScratch); conv.A != "" {
		cmp.Convergence = &Convergence{Gap: conv.Gap, Passed: conv.Gap.Mean >= 0}
	}
	first := cmp.Primary()
	scratch := make([]float64, len(cases))
	for k, c := range cases {
		scratch[k] = mean(byKind[StudentScratch][c].perSeed)
	}
	cmp.Evidence = stats.Evidence{Gap: first.Gap, ScratchDice: mean(scratch), Relative: true, P: first.Wilcoxon.P,
		VersusMean: cmp.test(primary, StudentMeanKD).Gap}
	cmp.Verdict = stats.Decide(cmp.Evidence)
	return cmp, nil
}

func mean(values []float64) float64 {
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	return sum / float64(len(values))
}

// Table renders the paired tests: the mean gap in Dice points with its hierarchical CI (seeds and cases) and
// the cases-only CI, relative gap, the Wilcoxon statistic and p-values (raw and Holm-adjusted), and the outcome.
func (c *Comparison) Table() metrics.Table {
	t := metrics.Table{Columns: []string{"comparison", "gap (Dice points)", fmt.Sprintf("%.0f%% CI (seeds+cases)", 100*ciLevel),
		"CI (cases only)", "relative", "Wilcoxon W", "p", "p (Holm)", "outcome", "cases"}}
	for _, test := range c.Tests {
		name := fmt.Sprintf("%s − %s", test.A, test.B)
		holm := fmt.Sprintf("%.4f", test.PHolm)
		if test.Primary {
			name += " (primary)"
			holm = "–"
		}
		t.Rows = append(t.Rows, []string{name, fmt.Sprintf("%+.1f", 100*test.Gap.Mean),
			fmt.Sprintf("[%+.1f, %+.1f]", 100*test.Gap.Low, 100*test.Gap.High),
			fmt.Sprintf("[%+.1f, %+.1f]", 100*test.CasesOnly.Low, 100*test.CasesOnly.High), fmt.Sprintf("%+.1f%%", test.RelativePct),
			fmt.Sprintf("%g", test.Wilcoxon.Statistic), fmt.Sprintf("%.4f", test.Wilcoxon.P), holm, string(test.Outcome),
			fmt.Sprint(c.Cases)})
	}
	return t
}
