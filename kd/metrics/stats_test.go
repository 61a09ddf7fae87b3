package metrics

import (
	"math"
	"testing"
)

func TestStat(t *testing.T) {
	s := NewStat([]float64{1, 2, math.NaN(), 3, 6})
	// Mean (1+2+3+6)/4 = 3; squared deviations 4+1+0+9 = 14; sample variance 14/3.
	if s.N != 4 || s.Mean != 3 || !closeTo(s.Std, math.Sqrt(14.0/3), 1e-15) {
		t.Errorf("NewStat = %+v, want N=4 mean=3 std=%v", s, math.Sqrt(14.0/3))
	}
	if got := s.Format(2); got != "3.00 ± 2.16" {
		t.Errorf("Format(2) = %q", got)
	}
	if one := NewStat([]float64{0.8}); one.Mean != 0.8 || one.Std != 0 || one.N != 1 {
		t.Errorf("single value: %+v", one)
	}
	if none := NewStat([]float64{math.NaN()}); none.N != 0 || !math.IsNaN(none.Mean) {
		t.Errorf("no defined value: %+v, want NaN mean", none)
	}
	if inf := NewStat([]float64{1, math.Inf(1)}); !math.IsInf(inf.Mean, 1) {
		t.Errorf("a missed case must not be averaged away: %+v", inf)
	}
}

func TestPercentileOfSortedInterpolatesLinearly(t *testing.T) {
	values := []float64{1, 2, 3, 4}
	for _, c := range []struct{ p, want float64 }{
		{0, 1}, {100, 4}, {50, 2.5}, {95, 3.85}, {10, 1.3}, // numpy.percentile([1,2,3,4], p): rank p/100·3.
	} {
		if got := percentileOfSorted(values, c.p); !closeTo(got, c.want, 1e-12) {
			t.Errorf("percentile %v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentileOfSorted([]float64{7}, 95); got != 7 {
		t.Errorf("percentile of one value = %v, want 7", got)
	}
	if got := percentileOfSorted(nil, 50); !math.IsNaN(got) {
		t.Errorf("percentile of no value = %v, want NaN", got)
	}
}
