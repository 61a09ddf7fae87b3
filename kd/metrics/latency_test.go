package metrics

import (
	"strings"
	"testing"
	"time"
)

func TestMeasureLatency(t *testing.T) {
	calls := 0
	const sleep = 200 * time.Microsecond
	l, err := MeasureLatency(func() {
		calls++
		time.Sleep(sleep)
	}, 2, 9)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 11 || l.Runs != 9 {
		t.Errorf("%d calls for 2 warm-up + 9 runs, Runs=%d", calls, l.Runs)
	}
	if !(l.Min >= sleep && l.Min <= l.P10 && l.P10 <= l.Median && l.Median <= l.P90 && l.P90 <= l.Max) {
		t.Errorf("want %v ≤ min ≤ p10 ≤ median ≤ p90 ≤ max, got %+v", sleep, l)
	}
	if l.MedianMS() < 0.2 || !strings.Contains(l.String(), "9 runs") {
		t.Errorf("MedianMS %v, String %q", l.MedianMS(), l.String())
	}
	for _, bad := range [][2]int{{0, 0}, {-1, 5}} {
		if _, err := MeasureLatency(func() {}, bad[0], bad[1]); err == nil {
			t.Errorf("warmup=%d runs=%d accepted", bad[0], bad[1])
		}
	}
}
