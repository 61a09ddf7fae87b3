package stats

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// PairedCase is one test case of a paired comparison of methods A and B that were each trained with several
// seeds: A[s] and B[s] are the case's scores by the model of seed s. The models of a Group (a cross-validation
// fold: the same teachers and training cases) score all of its cases, so a seed is drawn once per group; Stratum
// (the case's site) is the unit cases are resampled within.
type PairedCase struct {
	Stratum string
	Group   int
	A, B    []float64
}

// HierarchicalBootstrapCI is the percentile bootstrap confidence interval, at the given level, of the mean over
// cases of the paired gap A − B, each case's scores averaged over seeds first, with every source of randomness
// that the data let it vary resampled together:
//   - training seeds: in each group, A's seeds and B's seeds are drawn with replacement, independently (their
//     models are independent trainings: seed s of A has nothing to do with seed s of B), once for all the cases of
//     the group, since one model scores all of them;
//   - cases: within each stratum, cases are drawn with replacement (so the cases of every site keep their number,
//     and the groups — folds, with their teachers — mix in proportion).
//
// The point estimate, Interval.Mean, is the mean over cases of mean(A) − mean(B). Every case needs at least one
// score of each method, and the cases of a group the same numbers of seeds. The same seed gives the same interval.
func HierarchicalBootstrapCI(cases []PairedCase, level float64, resamples int, seed uint64) (Interval, error) {
	if len(cases) == 0 {
		return Interval{}, fmt.Errorf("stats: hierarchical bootstrap of no cases")
	}
	if !(level > 0 && level < 1) || resamples < 1 {
		return Interval{}, fmt.Errorf("stats: bootstrap at level %v with %d resamples: want 0 < level < 1 and resamples ≥ 1",
			level, resamples)
	}
	seedsA, seedsB := map[int]int{}, map[int]int{}
	strata := map[string][]int{}
	var strataOrder []string
	gaps := make([]float64, len(cases))
	for i, c := range cases {
		if len(c.A) == 0 || len(c.B) == 0 {
			return Interval{}, fmt.Errorf("stats: case %d (stratum %q) has %d scores of A and %d of B, want at least one each",
				i, c.Stratum, len(c.A), len(c.B))
		}
		if n, ok := seedsA[c.Group]; ok && (n != len(c.A) || seedsB[c.Group] != len(c.B)) {
			return Interval{}, fmt.Errorf("stats: case %d of group %d has %d and %d seeds, its group's other cases %d and %d",
				i, c.Group, len(c.A), len(c.B), n, seedsB[c.Group])
		}
		seedsA[c.Group], seedsB[c.Group] = len(c.A), len(c.B)
		if _, ok := strata[c.Stratum]; !ok {
			strataOrder = append(strataOrder, c.Stratum)
		}
		strata[c.Stratum] = append(strata[c.Stratum], i)
		gaps[i] = mean(c.A) - mean(c.B)
	}
	groups := make([]int, 0, len(seedsA))
	for g := range seedsA {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	rng := rand.New(rand.NewPCG(seed, 0x41E7))
	drawnA, drawnB := map[int][]int{}, map[int][]int{}
	draw := func(n int, into []int) []int {
		into = into[:0]
		for range n {
			into = append(into, rng.IntN(n))
		}
		return into
	}
	means := make([]float64, resamples)
	for b := range means {
		for _, g := range groups {
			drawnA[g], drawnB[g] = draw(seedsA[g], drawnA[g]), draw(seedsB[g], drawnB[g])
		}
		sum := 0.0
		for _, stratum := range strataOrder {
			members := strata[stratum]
			for range members {
				c := cases[members[rng.IntN(len(members))]]
				sum += meanAt(c.A, drawnA[c.Group]) - meanAt(c.B, drawnB[c.Group])
			}
		}
		means[b] = sum / float64(len(cases))
	}
	slices.Sort(means)
	tail := (1 - level) / 2
	return Interval{Mean: mean(gaps), Low: quantile(means, tail), High: quantile(means, 1-tail), Level: level,
		Resamples: resamples}, nil
}

// meanAt is the mean of values at the drawn indices.
func meanAt(values []float64, drawn []int) float64 {
	sum := 0.0
	for _, i := range drawn {
		sum += values[i]
	}
	return sum / float64(len(drawn))
}
