package kernelext

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gokd/gokd/kd/experiment"
)

// SeedRuns is one model variant (an ablation's row, say) trained with several seeds and scored on the test cases.
type SeedRuns struct {
	Name  string
	Seeds []int64
	Evals []*experiment.Evaluation // One per seed, in the order of Seeds.
}

// StudentSeeds trains (or reloads) r's student of a kind with each seed and scores it on the test cases: the runs
// of a variant named name. It stops the cell on an error (Must1).
func StudentSeeds(name string, r *experiment.Runner, kind experiment.StudentKind, seeds []int64) SeedRuns {
	runs := SeedRuns{Name: name, Seeds: seeds}
	for _, seed := range seeds {
		runs.Evals = append(runs.Evals, Must1(r.Evaluate(Must1(r.Student(kind, seed)))))
	}
	return runs
}

// Mean is the variant's mean over its seeds (experiment.MeanOverSeeds): its DiceStd is the spread over seeds.
func (s SeedRuns) Mean() *experiment.Evaluation { return experiment.MeanOverSeeds(s.Name, s.Evals) }

// Dice returns the variant's test Dice for each seed.
func (s SeedRuns) Dice() []float64 {
	out := make([]float64, len(s.Evals))
	for i, e := range s.Evals {
		out[i] = e.Dice
	}
	return out
}

// ShowSeedRuns shows variants trained with several seeds: the table of their means over the seeds (with "±" the
// spread over seeds), and their Dice as bars, with whiskers of ± 1 SD over the seeds.
func ShowSeedRuns(title string, runs []SeedRuns) error {
	means := make([]*experiment.Evaluation, len(runs))
	spreads := make([][]float64, len(runs))
	for i, r := range runs {
		if len(r.Evals) == 0 || len(r.Evals) != len(r.Seeds) {
			return fmt.Errorf("ShowSeedRuns %q: %s has %d evaluations for %d seeds", title, r.Name, len(r.Evals), len(r.Seeds))
		}
		means[i] = r.Mean()
		spreads[i] = spreadsOverSeeds(r.Evals, means[i].SiteNames())
	}
	if err := ShowTable(title, experiment.EvaluationsTable(means)); err != nil {
		return err
	}
	f, err := diceBars(title+": Dice on held-out cases", means, spreads)
	if err != nil {
		return err
	}
	return DisplayFigure(title, f.Caption("Bars: mean over the seeds of the Dice over the test cases; whiskers: ± 1 SD over the seeds."))
}

// SeedGap describes the Dice gap b − a of two variants trained with the same seeds, in a sentence computed from the
// numbers alone: the mean gap, each seed's gap, and in how many seeds b scored higher and lower.
func SeedGap(a, b SeedRuns) (string, error) {
	if !slices.Equal(a.Seeds, b.Seeds) || len(a.Evals) != len(a.Seeds) || len(b.Evals) != len(b.Seeds) || len(a.Seeds) == 0 {
		return "", fmt.Errorf("SeedGap: %s and %s were not scored with the same seeds (%v, %v)", a.Name, b.Name, a.Seeds, b.Seeds)
	}
	var higher, lower int
	var sum float64
	perSeed := make([]string, len(a.Seeds))
	for i, seed := range a.Seeds {
		gap := b.Evals[i].Dice - a.Evals[i].Dice
		sum += gap
		perSeed[i] = fmt.Sprintf("seed %d %+.3f", seed, gap)
		switch {
		case gap > 0:
			higher++
		case gap < 0:
			lower++
		}
	}
	n := len(a.Seeds)
	var verdict string
	switch {
	case higher == n:
		verdict = fmt.Sprintf("higher in all %d seeds", n)
	case lower == n:
		verdict = fmt.Sprintf("lower in all %d seeds", n)
	default:
		verdict = fmt.Sprintf("higher in %d of %d seeds, lower in %d: no consistent difference", higher, n, lower)
	}
	return fmt.Sprintf("%s against %s: %+.3f Dice on average (%s): %s.", b.Name, a.Name, sum/float64(n),
		strings.Join(perSeed, ", "), verdict), nil
}
