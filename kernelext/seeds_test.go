package kernelext

import (
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/experiment"
)

// runs builds the SeedRuns of a variant from its Dice per seed.
func runs(name string, seeds []int64, dice ...float64) SeedRuns {
	r := SeedRuns{Name: name, Seeds: seeds}
	for _, d := range dice {
		r.Evals = append(r.Evals, &experiment.Evaluation{Name: name, Dice: d})
	}
	return r
}

func TestSeedGap(t *testing.T) {
	seeds := []int64{1, 2, 3}
	base := runs("a", seeds, 0.5, 0.6, 0.7)
	for _, tc := range []struct {
		name  string
		b     SeedRuns
		want  []string
		error bool
	}{
		{"higher in every seed", runs("b", seeds, 0.6, 0.7, 0.8), []string{"b against a: +0.100 Dice on average", "seed 1 +0.100", "higher in all 3 seeds"}, false},
		{"lower in every seed", runs("b", seeds, 0.4, 0.5, 0.6), []string{"-0.100 Dice on average", "lower in all 3 seeds"}, false},
		{"mixed", runs("b", seeds, 0.9, 0.5, 0.6), []string{"+0.067 Dice on average", "higher in 1 of 3 seeds, lower in 2: no consistent difference"}, false},
		{"a tie is neither", runs("b", seeds, 0.5, 0.7, 0.8), []string{"higher in 2 of 3 seeds, lower in 0"}, false},
		{"other seeds", runs("b", []int64{1, 2, 4}, 0.6, 0.7, 0.8), nil, true},
		{"a seed unscored", runs("b", seeds, 0.6, 0.7), nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SeedGap(base, tc.b)
			if (err != nil) != tc.error {
				t.Fatalf("SeedGap error = %v, want error %v", err, tc.error)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("SeedGap = %q, lacks %q", got, w)
				}
			}
		})
	}
}
