package render

import (
	"fmt"
	"math"
	"slices"
)

// Window maps intensities to gray levels: Low and below are black, High and above white, linear in between.
type Window struct {
	Low, High float32
}

// Gray returns the 8-bit gray level of intensity v. NaN is black.
func (w Window) Gray(v float32) uint8 {
	if !(v > w.Low) { // Also catches NaN.
		return 0
	}
	if v >= w.High {
		return 255
	}
	return uint8(float64(v-w.Low)/float64(w.High-w.Low)*255 + 0.5)
}

// validate reports a window that cannot map intensities (empty or inverted range, NaN bounds).
func (w Window) validate() error {
	if !(w.High > w.Low) || math.IsInf(float64(w.Low), 0) || math.IsInf(float64(w.High), 0) {
		return fmt.Errorf("render: invalid window [%g, %g]: want finite Low < High", w.Low, w.High)
	}
	return nil
}

// PercentileWindow returns the window from the lowPercentile-th to the highPercentile-th percentile (0–100,
// linear interpolation between order statistics, as numpy's default) of the finite values. Clipping the extreme
// percentiles keeps a few bright outliers (fat, vessels, coil artefacts) from washing out the prostate. A constant
// image gets a window one unit wide starting at its value, so it renders black rather than failing.
func PercentileWindow(values []float32, lowPercentile, highPercentile float64) (Window, error) {
	if !(0 <= lowPercentile && lowPercentile < highPercentile && highPercentile <= 100) {
		return Window{}, fmt.Errorf("render: invalid percentiles %g–%g: want 0 ≤ low < high ≤ 100",
			lowPercentile, highPercentile)
	}
	finite := make([]float32, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) {
			finite = append(finite, v)
		}
	}
	if len(finite) == 0 {
		return Window{}, fmt.Errorf("render: no finite values among %d to compute a window from", len(values))
	}
	slices.Sort(finite)
	w := Window{Low: percentile(finite, lowPercentile), High: percentile(finite, highPercentile)}
	if w.High <= w.Low {
		w.High = w.Low + 1
	}
	return w, nil
}

// percentile interpolates the p-th percentile of sorted values.
func percentile(sorted []float32, p float64) float32 {
	pos := p / 100 * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	return float32(float64(sorted[i])*(1-frac) + float64(sorted[i+1])*frac)
}
