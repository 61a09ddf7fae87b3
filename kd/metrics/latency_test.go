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

// MeasureAlternating calls the inferences in turn, round after round, and times each apart.
func TestMeasureAlternating(t *testing.T) {
	var order []string
	fast := func() { order = append(order, "fast"); time.Sleep(100 * time.Microsecond) }
	slow := func() { order = append(order, "slow"); time.Sleep(5 * time.Millisecond) }
	l, err := MeasureAlternating(1, 30, fast, slow)
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 62 || order[0] != "fast" || order[1] != "slow" || order[60] != "fast" || order[61] != "slow" {
		t.Errorf("calls %v, want fast and slow alternating over 1 + 30 rounds", order)
	}
	if len(l) != 2 || l[0].Runs != 30 || l[1].Runs != 30 || !(l[1].Median > 2*l[0].Median) {
		t.Errorf("latencies %+v, want 30 runs each, the slow one's median above the fast one's", l)
	}
	if _, err := MeasureAlternating(0, 5); err == nil {
		t.Error("no inference accepted")
	}
}
