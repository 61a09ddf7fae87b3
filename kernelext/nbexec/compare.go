package nbexec

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Comparison is one key number of a notebook, as saved in the committed notebook and as a fresh run gave it.
type Comparison struct {
	Key          string
	Saved, Fresh float64
	HasSaved     bool
	HasFresh     bool
	Timing       bool // Wall-clock figures depend on the machine: shown, never failing.
	Agree        bool
	Tolerance    string // Human-readable rule applied.
}

// AbsTolerance is how far a fresh quality figure (Dice, IoU, loss...) may be from the saved one. Same seed and
// backend give the same numbers up to floating-point summation order, which can differ with the core count.
const AbsTolerance = 0.01

// IsTiming reports whether a key names a wall-clock figure (milliseconds, seconds, rates), by convention of its
// suffix: "_ms", "_ms_per_slice", "_s", "_per_s".
func IsTiming(key string) bool {
	for _, s := range []string{"_ms", "_ms_per_slice", "wall_s", "_per_s", "_seconds"} {
		if strings.HasSuffix(key, s) {
			return true
		}
	}
	return false
}

// isCount reports whether a key names an integer that must match exactly (parameter counts, sizes).
func isCount(key string) bool {
	return strings.HasSuffix(key, "_params") || strings.HasSuffix(key, "_count") || strings.HasSuffix(key, "_flops")
}

// Compare matches saved and fresh key numbers: counts must be equal, timings are reported only, and every other
// number must agree within AbsTolerance. A key missing on either side disagrees.
func Compare(saved, fresh map[string]float64) []Comparison {
	keys := map[string]bool{}
	for k := range saved {
		keys[k] = true
	}
	for k := range fresh {
		keys[k] = true
	}
	var out []Comparison
	for k := range keys {
		c := Comparison{Key: k, Timing: IsTiming(k)}
		c.Saved, c.HasSaved = saved[k]
		c.Fresh, c.HasFresh = fresh[k]
		switch {
		case c.Timing:
			c.Tolerance, c.Agree = "timing: not compared", true
		case isCount(k):
			c.Tolerance, c.Agree = "exact", c.Saved == c.Fresh
		default:
			c.Tolerance = fmt.Sprintf("±%g", AbsTolerance)
			c.Agree = math.Abs(c.Saved-c.Fresh) <= AbsTolerance
		}
		if !c.HasSaved || !c.HasFresh {
			c.Agree = false
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
