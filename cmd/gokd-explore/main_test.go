package main

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestWeightings(t *testing.T) {
	if got := uniform(4, -1); !slices.Equal(got, []float64{0.25, 0.25, 0.25, 0.25}) {
		t.Errorf("equal weights %v", got)
	}
	if got := uniform(3, 1); !slices.Equal(got, []float64{0, 1, 0}) {
		t.Errorf("one teacher's weights %v", got)
	}
}

func TestForeground(t *testing.T) {
	got := foreground([][]float32{{0, 0, 2, 0, 0, 3}})
	want := []float64{0.5, 1 / (1 + math.Exp(2)), 1 / (1 + math.Exp(-3))}
	for i := range want {
		if math.Abs(float64(got[0][i])-want[i]) > 1e-6 {
			t.Errorf("pixel %d: foreground probability %g, want %g", i, got[0][i], want[i])
		}
	}
}

// TestCommandsKeepTheRunsCache: the commands that train refuse to train into the run's own cache.
func TestCommandsKeepTheRunsCache(t *testing.T) {
	commands := map[string]func(into string) error{
		"retrain": func(into string) error {
			return retrain(nil, "", "results/protocol-notebook", into, "student_adaptive_kd", 1e-2, 1, false)
		},
		"teachers": func(into string) error { return plateauTeachers(nil, "", "results/protocol-notebook", into, 3) },
	}
	for name, command := range commands {
		for _, into := range []string{"", "results/protocol-notebook"} {
			if err := command(into); err == nil || !strings.Contains(err.Error(), "-into") {
				t.Errorf("%s -into %q: err = %v, want a refusal naming -into", name, into, err)
			}
		}
	}
}
