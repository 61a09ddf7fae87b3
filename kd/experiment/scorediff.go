package experiment

import (
	"fmt"
	"maps"
	"reflect"
)

// ScoreDiff lists how two runs of one configuration differ in what they measured: every model's Dice on every
// test case, the tuning, the student choice and the verdict. It is empty when they agree bit for bit, as a run
// split into tasks (Plan, e.g. on a Slurm cluster) agrees with the same configuration run in one process on the
// same backend. Latencies and wall times, which differ from run to run, are left out.
func (res *Results) ScoreDiff(other *Results) []string {
	var diffs []string
	models := func(r *Results) map[string]*Evaluation {
		m := map[string]*Evaluation{}
		for _, e := range append([]*Evaluation{r.Teacher}, r.SiteTeachers...) {
			if e != nil {
				m[e.Name] = e
			}
		}
		for _, evals := range r.Students {
			for _, e := range evals {
				m[e.Name] = e
			}
		}
		return m
	}
	mine, theirs := models(res), models(other)
	for name, e := range mine {
		switch o, ok := theirs[name]; {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: missing from the other run", name))
		case !maps.Equal(e.CaseDice, o.CaseDice):
			diffs = append(diffs, fmt.Sprintf("%s: case Dice %v, the other run's %v", name, e.CaseDice, o.CaseDice))
		}
	}
	for name := range theirs {
		if _, ok := mine[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: only in the other run", name))
		}
	}
	if !reflect.DeepEqual(res.Tuning, other.Tuning) {
		diffs = append(diffs, "the tuning differs")
	}
	if !reflect.DeepEqual(res.Choice, other.Choice) {
		diffs = append(diffs, "the student choice differs")
	}
	if a, b := verdictOf(res.Comparison), verdictOf(other.Comparison); a != b {
		diffs = append(diffs, fmt.Sprintf("verdict %q, the other run's %q", a, b))
	}
	return diffs
}

// verdictOf is a comparison's explained verdict, "" without one.
func verdictOf(c *Comparison) string {
	if c == nil {
		return ""
	}
	return c.Explain()
}
