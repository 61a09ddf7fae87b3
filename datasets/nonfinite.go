package datasets

import "math"

// isFinite reports whether v is neither NaN nor ±Inf.
func isFinite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// CountNonFinite returns how many values of data are NaN or ±Inf: the voxels that [NormalizeVolume] leaves out of
// its statistics and sets to the low clip value.
func CountNonFinite(data []float32) int {
	n := 0
	for _, v := range data {
		if !isFinite(v) {
			n++
		}
	}
	return n
}

// finiteValues returns a copy of data without its non-finite values.
func finiteValues(data []float32) []float32 {
	out := make([]float32, 0, len(data))
	for _, v := range data {
		if isFinite(v) {
			out = append(out, v)
		}
	}
	return out
}
