package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Split is a partition of samples into training, validation and test sets. Splits are always by case: all slices
// of a case land in the same set, so a model is never evaluated on neighbours of slices it trained on.
type Split struct {
	Train, Val, Test []Sample
}

// CaseKeys returns the distinct [Sample.CaseKey]s of samples in order of first appearance.
func CaseKeys(samples []Sample) []string {
	seen := make(map[string]bool)
	var keys []string
	for i := range samples {
		if key := samples[i].CaseKey(); !seen[key] {
			seen[key] = true
			keys = append(keys, key)
		}
	}
	return keys
}

// Sites returns the distinct sites of samples in order of first appearance.
func Sites(samples []Sample) []string {
	seen := make(map[string]bool)
	var sites []string
	for i := range samples {
		if site := samples[i].Site; !seen[site] {
			seen[site] = true
			sites = append(sites, site)
		}
	}
	return sites
}

// SplitByCase partitions samples into train/val/test by case, deterministically for a given seed. The split is
// stratified by site: each site's cases are shuffled and split on their own, so every site with enough cases is
// represented in every set. Per site, round(n·testFraction) cases go to test and round(n·valFraction) to
// validation, leaving at least one case for training. Samples keep their original relative order within each set.
func SplitByCase(samples []Sample, valFraction, testFraction float64, seed uint64) (Split, error) {
	if valFraction < 0 || testFraction < 0 || valFraction+testFraction >= 1 {
		return Split{}, fmt.Errorf("split fractions val=%g test=%g: want both >= 0 and val+test < 1",
			valFraction, testFraction)
	}
	return splitBySite(samples, seed, func(_ string, cases []string, destination map[string]int) error {
		n := len(cases)
		nTest := int(math.Round(float64(n) * testFraction))
		nVal := int(math.Round(float64(n) * valFraction))
		for nTest+nVal > n-1 && nTest+nVal > 0 { // Keep one training case; shrink the larger set first.
			if nVal >= nTest {
				nVal--
			} else {
				nTest--
			}
		}
		for _, key := range cases[:nTest] {
			destination[key] = toTest
		}
		assignVal(cases[nTest:], nVal, destination)
		return nil
	})
}

// FoldByCase is fold `fold` of a k-fold cross-validation by case, stratified by site, deterministically for a
// given seed: each site's cases are shuffled (as SplitByCase shuffles them) and dealt into `folds` folds, each
// site starting where the previous one stopped, so that a site's folds differ in size by at most one case and so
// do the folds overall. Fold `fold` is the test set; of the other cases of each site, round(m·valFraction) go to
// validation, leaving at least one for training. Over fold = 0 … folds−1, every case is tested exactly once.
// Every site needs at least `folds` cases. Samples keep their original relative order within each set.
func FoldByCase(samples []Sample, folds, fold int, valFraction float64, seed uint64) (Split, error) {
	switch {
	case folds < 2:
		return Split{}, fmt.Errorf("k-fold split: %d folds, want at least 2", folds)
	case fold < 0 || fold >= folds:
		return Split{}, fmt.Errorf("k-fold split: fold %d of %d, want 0 ≤ fold < %d", fold, folds, folds)
	case valFraction < 0 || valFraction >= 1:
		return Split{}, fmt.Errorf("k-fold split: validation fraction %g, want 0 ≤ val < 1", valFraction)
	}
	next := 0 // The fold dealt the next case.
	return splitBySite(samples, seed, func(site string, cases []string, destination map[string]int) error {
		if len(cases) < folds {
			return fmt.Errorf("k-fold split: site %s has %d cases, fewer than the %d folds", site, len(cases), folds)
		}
		var rest []string
		for _, key := range cases {
			if next == fold {
				destination[key] = toTest
			} else {
				rest = append(rest, key)
			}
			next = (next + 1) % folds
		}
		nVal := min(int(math.Round(float64(len(rest))*valFraction)), len(rest)-1)
		assignVal(rest, nVal, destination)
		return nil
	})
}

// Destinations of a case in a split (cases left out of the destination map train).
const (
	toTrain = iota
	toVal
	toTest
)

// assignVal sends the first n of cases to validation (the others train).
func assignVal(cases []string, n int, destination map[string]int) {
	for _, key := range cases[:max(n, 0)] {
		destination[key] = toVal
	}
}

// splitBySite is the common part of the splits by case: it shuffles each site's cases with the seed, in the
// sites' order of first appearance, hands them to assign, which fills in destination (case key → toVal or toTest;
// unset: toTrain), and partitions samples accordingly.
func splitBySite(samples []Sample, seed uint64, assign func(site string, cases []string, destination map[string]int) error) (Split, error) {
	if len(samples) == 0 {
		return Split{}, fmt.Errorf("cannot split an empty sample set")
	}
	rng := rand.New(rand.NewPCG(seed, 0x5EED5EED))
	casesBySite := make(map[string][]string)
	seen := make(map[string]bool)
	for i := range samples {
		if key := samples[i].CaseKey(); !seen[key] {
			seen[key] = true
			casesBySite[samples[i].Site] = append(casesBySite[samples[i].Site], key)
		}
	}
	destination := make(map[string]int)
	for _, site := range Sites(samples) { // Fixed site order keeps the random stream deterministic.
		cases := casesBySite[site]
		rng.Shuffle(len(cases), func(i, j int) { cases[i], cases[j] = cases[j], cases[i] })
		if err := assign(site, cases, destination); err != nil {
			return Split{}, err
		}
	}
	var split Split
	for _, s := range samples {
		switch destination[s.CaseKey()] {
		case toTest:
			split.Test = append(split.Test, s)
		case toVal:
			split.Val = append(split.Val, s)
		default:
			split.Train = append(split.Train, s)
		}
	}
	return split, nil
}

// SubsetsBySite groups samples by site, for teachers each limit-trained on one hospital. It returns the sites in
// order of first appearance and, for each, its samples in their original order.
func SubsetsBySite(samples []Sample) (sites []string, subsets [][]Sample) {
	sites = Sites(samples)
	index := make(map[string]int, len(sites))
	for i, site := range sites {
		index[site] = i
	}
	subsets = make([][]Sample, len(sites))
	for _, s := range samples {
		i := index[s.Site]
		subsets[i] = append(subsets[i], s)
	}
	return sites, subsets
}

// RandomCaseSubsets draws k disjoint subsets of casesPerSubset random cases each (all of a case's slices go
// together), for teachers limit-trained on small data. It is deterministic for a given seed and fails when there
// are fewer than k·casesPerSubset cases.
func RandomCaseSubsets(samples []Sample, k, casesPerSubset int, seed uint64) ([][]Sample, error) {
	if k <= 0 || casesPerSubset <= 0 {
		return nil, fmt.Errorf("random case subsets: k=%d and casesPerSubset=%d must be positive", k, casesPerSubset)
	}
	cases := CaseKeys(samples)
	if need := k * casesPerSubset; need > len(cases) {
		return nil, fmt.Errorf("random case subsets: %d subsets of %d cases need %d cases, only %d available",
			k, casesPerSubset, need, len(cases))
	}
	rng := rand.New(rand.NewPCG(seed, 0x5B5E75))
	rng.Shuffle(len(cases), func(i, j int) { cases[i], cases[j] = cases[j], cases[i] })
	subsetOf := make(map[string]int, k*casesPerSubset)
	for i, key := range cases[:k*casesPerSubset] {
		subsetOf[key] = i / casesPerSubset
	}
	subsets := make([][]Sample, k)
	for _, s := range samples {
		if i, ok := subsetOf[s.CaseKey()]; ok {
			subsets[i] = append(subsets[i], s)
		}
	}
	return subsets, nil
}
