package kernelext

import "testing"

func TestMedianCase(t *testing.T) {
	for _, c := range []struct {
		dice map[string]float64
		want string
	}{
		{map[string]float64{}, ""},
		{map[string]float64{"A/1": 0.9}, "A/1"},
		{map[string]float64{"A/1": 0.9, "B/2": 0.1, "C/3": 0.5}, "C/3"},
		{map[string]float64{"A/1": 0.9, "B/2": 0.1, "C/3": 0.5, "D/4": 0.7}, "C/3"},
		{map[string]float64{"B/2": 0.5, "A/1": 0.5, "C/3": 0.5}, "B/2"},
	} {
		if got := MedianCase(c.dice); got != c.want {
			t.Errorf("MedianCase(%v) = %q, want %q", c.dice, got, c.want)
		}
	}
}
