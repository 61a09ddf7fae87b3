package experiment

import (
	"fmt"
	"slices"

	"github.com/gokd/gokd/kd/metrics"
)

// BaselineCheck says whether a scratch baseline was trained as well as the method it is compared with: its
// learning rate, chosen on validation, lies inside its grid rather than at an edge (where a better one may lie
// beyond), and its training curve has levelled off.
type BaselineCheck struct {
	Kind StudentKind
	Fold int
	// Grid holds the learning rates tried, ascending; Chosen the one validation chose. InsideGrid is false when
	// Chosen is the smallest or the largest of three or more (with fewer, every choice is an edge).
	Grid       []float64
	Chosen     float64
	InsideGrid bool
	// Last and Before are the mean training Dice over the last LevelWindow of each seed's recorded steps and over
	// the window before it, averaged over seeds; Levelled is true when they differ by less than LevelTolerance.
	Last, Before float64
	Levelled     bool
}

// Levelling-off rule of BaselineCheck, fixed before any real-data run.
const (
	LevelWindow    = 0.1  // A window is this fraction of the recorded training steps.
	LevelTolerance = 0.02 // The training Dice may still move this much from one window to the next.
)

// scratchKinds are the baselines trained from labels alone whose training BaselineCheck checks.
var scratchKinds = kindsWhere(func(k kindSpec) bool { return k.teachers == noTeachers })

// BaselineChecks checks each scratch baseline that the experiment trains (BaselineCheck).
func (r *Runner) BaselineChecks() ([]BaselineCheck, error) {
	var out []BaselineCheck
	for _, kind := range r.Config.Kinds() {
		if !slices.Contains(scratchKinds, kind) {
			continue
		}
		tuning, err := r.Tuned(kind)
		if err != nil {
			return nil, err
		}
		check := BaselineCheck{Kind: kind, Fold: r.Config.Data.Fold, Chosen: tuning.Chosen.LearningRate}
		for _, s := range tuning.Candidates {
			check.Grid = append(check.Grid, s.LearningRate)
		}
		slices.Sort(check.Grid)
		check.InsideGrid = len(check.Grid) >= 3 && check.Chosen > check.Grid[0] && check.Chosen < check.Grid[len(check.Grid)-1]
		for _, seed := range r.Config.Seeds {
			s, err := r.Student(kind, seed)
			if err != nil {
				return nil, err
			}
			last, before := levels(s.History.Metrics["dice"])
			check.Last += last / float64(len(r.Config.Seeds))
			check.Before += before / float64(len(r.Config.Seeds))
		}
		check.Levelled = check.Last-check.Before < LevelTolerance && check.Before-check.Last < LevelTolerance
		out = append(out, check)
	}
	return out, nil
}

// levels returns the mean of the last LevelWindow of values and of the window before it (at least one value
// each; zeros with fewer than two values).
func levels(values []float64) (last, before float64) {
	if len(values) < 2 {
		return 0, 0
	}
	w := max(1, int(LevelWindow*float64(len(values))))
	w = min(w, len(values)/2)
	return mean(values[len(values)-w:]), mean(values[len(values)-2*w : len(values)-w])
}

// BaselineTable lists the baseline checks.
func BaselineTable(checks []BaselineCheck) metrics.Table {
	t := metrics.Table{Columns: []string{"baseline", "fold", "learning rates tried", "chosen", "inside the grid",
		"training Dice, last 10%", "the 10% before", "levelled off"}}
	for _, c := range checks {
		t.Rows = append(t.Rows, []string{string(c.Kind), fmt.Sprint(c.Fold), fmt.Sprintf("%.3g", c.Grid),
			fmt.Sprintf("%.3g", c.Chosen), yesNo(c.InsideGrid), fmt.Sprintf("%.3f", c.Last), fmt.Sprintf("%.3f", c.Before),
			yesNo(c.Levelled)})
	}
	return t
}

// yesNo writes a check's outcome.
func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}
