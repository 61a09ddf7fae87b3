package nbexec

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
)

// Comparison is one key of a notebook's GOKD_RESULT, as saved in the committed notebook and as a fresh run gave it.
type Comparison struct {
	Key          string
	Saved, Fresh any // float64, string, bool or nil (JSON null); nil too when the key is missing on that side.
	HasSaved     bool
	HasFresh     bool
	Rule         string // The rule applied, as the verify table shows it.
	Agree        bool
	// Skipped marks a key that was not compared: its input data is missing (Result.Absent) on one side.
	Skipped bool
}

// Tolerance is the allowance of a number that is not bitwise reproducible across processes on one machine kind.
// It must come from the number's measured spread over repeated runs, never be chosen to pass.
type Tolerance struct {
	Abs float64 // Largest allowed |fresh − saved|.
	Why string  // The cause of the spread and the measurement the allowance comes from.
}

// Tolerances lists, by notebook file name and key, the numbers compared within a Tolerance. Every other number,
// string and boolean is compared exactly: on one machine kind and backend, training and scoring are bitwise
// reproducible (kd/train TestTrainingIsDeterministic), and every notebook executed again in a separate process (a
// clean clone's `make verify` against the committed run) printed the same GOKD_RESULT line; the README's `make
// verify` paragraph has the measurement. None is listed today. Timings are never compared (IsTiming).
var Tolerances = map[string]map[string]Tolerance{}

// Rule names shown in the verify table.
const (
	RuleExact      = "exact"
	RuleTiming     = "timing: not compared (wall-clock, depends on the machine's load)"
	RuleDataAbsent = "data absent (skipped)"
	// RuleSavedDataAbsent marks a key the committed run could not compute (its data was missing there).
	RuleSavedDataAbsent = "data absent when committed (skipped)"
)

// IsTiming reports whether a key names a wall-clock figure (milliseconds, seconds, rates), by convention of its
// suffix: "_ms", "_ms_per_slice", "wall_s", "_per_s", "_seconds". They change with the machine and its load, so
// they are shown, never compared.
func IsTiming(key string) bool {
	for _, s := range []string{"_ms", "_ms_per_slice", "wall_s", "_per_s", "_seconds"} {
		if strings.HasSuffix(key, s) {
			return true
		}
	}
	return false
}

// Compare matches a notebook's saved and fresh key values (notebook is its path or file name, which selects its
// Tolerances): timings are shown only, a key whose input data is absent on either side is skipped, numbers listed
// in Tolerances agree within theirs, and every other value must be equal. A key missing on one side (and not
// reported absent) disagrees.
func Compare(notebook string, saved, fresh *Result) []Comparison {
	tolerances := Tolerances[filepath.Base(notebook)]
	keys := map[string]bool{}
	for _, r := range []*Result{saved, fresh} {
		for k := range r.Values {
			keys[k] = true
		}
		for _, k := range r.Absent {
			keys[k] = true
		}
	}
	var out []Comparison
	for k := range keys {
		c := Comparison{Key: k}
		c.Saved, c.HasSaved = saved.Values[k]
		c.Fresh, c.HasFresh = fresh.Values[k]
		tolerance, tolerated := tolerances[k]
		switch {
		case fresh.IsAbsent(k) && !c.HasFresh:
			c.Rule, c.Agree, c.Skipped = RuleDataAbsent, true, true
		case saved.IsAbsent(k) && !c.HasSaved:
			c.Rule, c.Agree, c.Skipped = RuleSavedDataAbsent, true, true
		case IsTiming(k):
			c.Rule, c.Agree = RuleTiming, c.HasSaved && c.HasFresh
		case tolerated:
			c.Rule = fmt.Sprintf("±%.2g (%s)", tolerance.Abs, tolerance.Why)
			s, sOK := c.Saved.(float64)
			f, fOK := c.Fresh.(float64)
			c.Agree = sOK && fOK && math.Abs(s-f) <= tolerance.Abs
		default:
			c.Rule, c.Agree = RuleExact, c.HasSaved && c.HasFresh && c.Saved == c.Fresh
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
