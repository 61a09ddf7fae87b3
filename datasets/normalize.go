package datasets

import (
	"fmt"
	"math"
)

// Normalization selects how a volume's intensities are rescaled after percentile clipping.
type Normalization int

const (
	// ZScore subtracts the volume's mean and divides by its standard deviation (after clipping). It is the default
	// of the loaders: it removes the arbitrary scale and offset of MRI intensities while keeping contrast.
	ZScore Normalization = iota

	// UnitRange maps the clipped range [low percentile, high percentile] linearly onto [0, 1].
	UnitRange

	// NoNormalization keeps the intensities as they are (clipping still applies when enabled).
	NoNormalization
)

// String returns the normalisation's name.
func (n Normalization) String() string {
	switch n {
	case ZScore:
		return "z-score"
	case UnitRange:
		return "unit-range"
	case NoNormalization:
		return "none"
	}
	return fmt.Sprintf("Normalization(%d)", int(n))
}

// Percentiles is a pair of percentiles (0..100) at which a volume's intensities are clipped before
// normalisation; the zero value disables clipping.
type Percentiles struct{ Low, High float64 }

// DefaultPercentiles clips at the 1st and 99th percentile, which removes the bright outliers (vessels, coil
// artefacts) that otherwise dominate MRI intensity ranges.
var DefaultPercentiles = Percentiles{Low: 1, High: 99}

// Enabled reports whether the percentiles clip anything.
func (p Percentiles) Enabled() bool { return p.Low > 0 || p.High < 100 && p.High > 0 }

func (p Percentiles) validate() error {
	if p == (Percentiles{}) {
		return nil
	}
	if p.Low < 0 || p.High > 100 || p.Low >= p.High {
		return fmt.Errorf("invalid clipping percentiles [%g, %g]: want 0 <= low < high <= 100", p.Low, p.High)
	}
	return nil
}

// NormalizeVolume clips data in place at the given percentiles of its own values, then rescales it as mode says.
// data is one whole volume (or case): statistics are per volume, so all of a case's slices share one mapping.
// A constant volume normalises to zeros rather than dividing by zero.
//
// Non-finite values (NaN, ±Inf: see [CountNonFinite]) take no part in the percentiles and are set to the low clip
// value (the smallest finite value when clipping is off) before the rescaling: they become the volume's darkest
// intensity, background. A volume without any finite value is an error.
func NormalizeVolume(data []float32, clip Percentiles, mode Normalization) error {
	if err := clip.validate(); err != nil {
		return err
	}
	if len(data) == 0 {
		return fmt.Errorf("cannot normalise an empty volume")
	}
	values := data
	if bad := CountNonFinite(data); bad == len(data) {
		return fmt.Errorf("cannot normalise a volume whose %d values are all NaN or infinite", bad)
	} else if bad > 0 {
		values = finiteValues(data)
	}
	var lo, hi float32
	if clip.Enabled() {
		lo, hi = PercentilePair(values, clip.Low, clip.High)
	} else {
		lo, hi = minMax(values)
	}
	for i, v := range data {
		if !isFinite(v) {
			v = lo
		}
		data[i] = min(max(v, lo), hi) // Without clipping, lo and hi are the extremes: a no-op.
	}
	switch mode {
	case ZScore:
		mean, std := meanStd(data)
		scale := float32(0)
		if std > 0 {
			scale = float32(1 / std)
		}
		for i, v := range data {
			data[i] = (v - float32(mean)) * scale
		}
	case UnitRange:
		scale := float32(0)
		if hi > lo {
			scale = 1 / (hi - lo)
		}
		for i, v := range data {
			data[i] = (v - lo) * scale
		}
	case NoNormalization:
	default:
		return fmt.Errorf("unknown normalisation %v", mode)
	}
	return nil
}

func minMax(data []float32) (lo, hi float32) {
	lo, hi = data[0], data[0]
	for _, v := range data[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

func meanStd(data []float32) (mean, std float64) {
	var sum, sumSq float64
	for _, v := range data {
		sum += float64(v)
	}
	mean = sum / float64(len(data))
	for _, v := range data {
		d := float64(v) - mean
		sumSq += d * d
	}
	return mean, math.Sqrt(sumSq / float64(len(data)))
}

// percentileSampleSize bounds how many values PercentilePair examines: clipping needs the percentiles of the
// intensity distribution, which an evenly strided sample of this size estimates well, at a fraction of the cost.
const percentileSampleSize = 1 << 16

// PercentilePair returns the low and high percentiles (0..100) of data, interpolated linearly between ranks like
// NumPy's default. Up to 65,536 values it is exact; larger volumes are estimated from an evenly strided sample of
// that many values. It works on a copy in expected linear time (quickselect), so it is cheap enough to run on
// every volume.
func PercentilePair(data []float32, low, high float64) (lo, hi float32) {
	stride := (len(data) + percentileSampleSize - 1) / percentileSampleSize
	work := make([]float32, 0, len(data)/stride+1)
	for i := 0; i < len(data); i += stride {
		work = append(work, data[i])
	}
	lo = percentileInPlace(work, low)
	hi = percentileInPlace(work, high)
	return lo, hi
}

// percentileInPlace partially reorders work and returns its p-th percentile.
func percentileInPlace(work []float32, p float64) float32 {
	rank := p / 100 * float64(len(work)-1)
	k := int(rank)
	frac := float32(rank - float64(k))
	below := selectKth(work, k)
	if frac == 0 || k+1 >= len(work) {
		return below
	}
	// After selection, everything right of k is >= work[k]: the next order statistic is their minimum.
	above := work[k+1]
	for _, v := range work[k+2:] {
		above = min(above, v)
	}
	return below + frac*(above-below)
}

// selectKth reorders work so that work[k] is its k-th smallest value, smaller ones before and larger ones after.
func selectKth(work []float32, k int) float32 {
	left, right := 0, len(work)-1
	for left < right {
		// Median of three as pivot keeps sorted or constant-heavy volumes (background) from going quadratic.
		mid := left + (right-left)/2
		a, b, c := work[left], work[mid], work[right]
		pivot := max(min(a, b), min(max(a, b), c))
		// Three-way partition: [left,lt) < pivot, [lt,gt] == pivot, (gt,right] > pivot.
		lt, i, gt := left, left, right
		for i <= gt {
			switch v := work[i]; {
			case v < pivot:
				work[lt], work[i] = work[i], work[lt]
				lt++
				i++
			case v > pivot:
				work[gt], work[i] = work[i], work[gt]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			right = lt - 1
		case k > gt:
			left = gt + 1
		default:
			return pivot
		}
	}
	return work[k]
}
