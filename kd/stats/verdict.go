package stats

import "fmt"

// Verdict is the outcome of a reproduction, computed by [Decide].
type Verdict string

// Verdicts, from the claim confirmed to the claim contradicted.
const (
	Reproduced    Verdict = "reproduced"     // The gap is positive (CI above 0), as large as the paper's, and adaptive is not worse than mean-KD.
	Partial       Verdict = "partial"        // The gap is positive (CI above 0) but smaller than the paper's, or adaptive is worse than mean-KD.
	NotReproduced Verdict = "not reproduced" // The CI of the gap contains 0.
	Reversed      Verdict = "reversed"       // The gap is negative (CI below 0).
	// Inconclusive: the interval and the Wilcoxon test disagree — one excludes no gap at the 5% level and the
	// other does not — so neither is taken alone.
	Inconclusive Verdict = "inconclusive"
	// NotTested: too few test cases for paired tests (one case: a bootstrap interval of zero width, a Wilcoxon p
	// of 1 whatever the gap). [Decide] never returns it; the caller that counts the cases does.
	NotTested Verdict = "not tested"
)

// PaperGain is the paper's reported gain of the adaptive student over its baseline: "about 9% Dice". The paper
// does not say whether relative or absolute; [Evidence.Relative] chooses the reading and both are reported.
const PaperGain = 9.0

// Evidence is what the verdict is computed from: per-case paired gaps, in Dice (0–1).
type Evidence struct {
	// Gap is the bootstrap CI of the mean over test cases of adaptive − scratch Dice (each case's Dice averaged
	// over seeds first).
	Gap Interval
	// ScratchDice is the scratch baseline's mean Dice: the denominator of the relative gain.
	ScratchDice float64
	// VersusMean is the CI of the mean gap adaptive − mean-KD: adaptive is "not worse" unless it lies below 0.
	VersusMean Interval
	// Relative reads the paper's gain as relative (gap / scratch Dice, in %) rather than absolute (Dice points).
	Relative bool
	// P is the two-sided Wilcoxon signed-rank p-value of the same paired gaps. The verdict needs the interval and
	// the test to agree (Agree); a P of 0 is read as "not given" only by callers that never set it: set it.
	P float64
}

// Alpha is the significance level matched to the 95% intervals: a gap is significant when p < Alpha.
const Alpha = 0.05

// Agree reports whether an interval and a p-value tell the same story: both exclude a zero gap (the interval
// lies on one side of 0 and p < Alpha) or neither does.
func Agree(gap Interval, p float64) bool { return (gap.Low > 0 || gap.High < 0) == (p < Alpha) }

// RelativeGainPct is the mean gap relative to the scratch baseline's Dice, in percent.
func (e Evidence) RelativeGainPct() float64 { return 100 * e.Gap.Mean / e.ScratchDice }

// AbsoluteGainPoints is the mean gap in Dice points (×100).
func (e Evidence) AbsoluteGainPoints() float64 { return 100 * e.Gap.Mean }

// Decide computes the verdict: Inconclusive when the gap's interval and its Wilcoxon p disagree (Agree); else
// Reversed when the gap's CI lies below 0, NotReproduced when it contains 0;
// above 0, Reproduced when the gain (in the chosen reading) reaches PaperGain and the adaptive student is not
// worse than mean-KD (the CI of their gap does not lie below 0), else Partial.
func Decide(e Evidence) Verdict {
	switch {
	case !Agree(e.Gap, e.P):
		return Inconclusive
	case e.Gap.High < 0:
		return Reversed
	case e.Gap.Low <= 0:
		return NotReproduced
	}
	gain := e.AbsoluteGainPoints()
	if e.Relative {
		gain = e.RelativeGainPct()
	}
	if gain >= PaperGain && e.VersusMean.High >= 0 {
		return Reproduced
	}
	return Partial
}

// Explain states the verdict with the numbers it rests on, both readings of the paper's gain included.
func (e Evidence) Explain() string {
	reading := "absolute"
	if e.Relative {
		reading = "relative"
	}
	other := e
	other.Relative = !e.Relative
	return fmt.Sprintf("%s: adaptive − scratch %+.1f Dice points (%+.1f%% relative), %.0f%% CI [%+.1f, %+.1f] points, Wilcoxon p %.4f; "+
		"adaptive − mean-KD %+.1f points, CI [%+.1f, %+.1f]; paper: +%.0f%% read as %s (read as %s the verdict is %q)",
		Decide(e), e.AbsoluteGainPoints(), e.RelativeGainPct(), 100*e.Gap.Level, 100*e.Gap.Low, 100*e.Gap.High, e.P,
		100*e.VersusMean.Mean, 100*e.VersusMean.Low, 100*e.VersusMean.High, PaperGain, reading,
		map[bool]string{true: "relative", false: "absolute"}[other.Relative], Decide(other))
}

// Outcome is what one paired test shows about a gap A − B, reading its interval and its p-value together.
type Outcome string

// Outcomes of a paired test.
const (
	Higher       Outcome = "A higher"      // The interval lies above 0 and p < Alpha.
	Lower        Outcome = "A lower"       // The interval lies below 0 and p < Alpha.
	NoDifference Outcome = "no difference" // The interval contains 0 and p ≥ Alpha: no gap is shown.
	Disagree     Outcome = "inconclusive"  // The interval and the test disagree (Agree is false).
)

// Classify reads a gap's interval and its p-value together.
func Classify(gap Interval, p float64) Outcome {
	switch {
	case !Agree(gap, p):
		return Disagree
	case gap.Low > 0:
		return Higher
	case gap.High < 0:
		return Lower
	}
	return NoDifference
}
