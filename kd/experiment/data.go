package experiment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/phantom"
	"github.com/gokd/gokd/datasets/prostate"
)

// Data is an experiment's data, split by case.
type Data struct {
	Train, Val, Test []datasets.Sample
	Sites            []string // Sites of the training data, in order.
	// SiteTrain holds each site's training slices.
	SiteTrain [][]datasets.Sample
	// TeacherSubsets name the limit-trained teachers' training subsets, and TeacherTrain holds their slices: the
	// sites and SiteTrain (Config.LimitedTeachers TeachersPerSite), or random case subsets ("random1", …).
	TeacherSubsets []string
	TeacherTrain   [][]datasets.Sample
	// StudentTrain is the students' (limited) labelled training data.
	StudentTrain []datasets.Sample
}

// loadData builds the experiment's Data from its configuration.
func loadData(c Config) (*Data, error) {
	samples, err := loadSamples(c.Data)
	if err != nil {
		return nil, err
	}
	var split datasets.Split
	switch {
	case c.Data.Folds > 0:
		if split, err = datasets.FoldByCase(samples, c.Data.Folds, c.Data.Fold, c.Data.ValFraction, c.Data.Seed); err != nil {
			return nil, fmt.Errorf("experiment: splitting the data: %w", err)
		}
	case len(datasets.CaseKeys(samples)) == 1:
		split = splitOneCase(samples, c.Data.TestFraction)
	default:
		if split, err = datasets.SplitByCase(samples, c.Data.ValFraction, c.Data.TestFraction, c.Data.Seed); err != nil {
			return nil, fmt.Errorf("experiment: splitting the data: %w", err)
		}
	}
	d := &Data{Train: split.Train, Val: split.Val, Test: split.Test}
	d.Sites, d.SiteTrain = datasets.SubsetsBySite(d.Train)
	d.TeacherSubsets, d.TeacherTrain = d.Sites, d.SiteTrain
	if c.LimitedTeachers == TeachersRandom {
		if d.TeacherTrain, err = datasets.RandomCaseSubsets(d.Train, c.RandomTeachers, c.RandomTeacherCases, c.Data.Seed); err != nil {
			return nil, fmt.Errorf("experiment: limit-trained teachers: %w", err)
		}
		d.TeacherSubsets = make([]string, c.RandomTeachers)
		for i := range d.TeacherSubsets {
			d.TeacherSubsets[i] = fmt.Sprintf("random%d", i+1)
		}
	}
	d.StudentTrain = limitCasesPerSite(d.Train, c.StudentCasesPerSite, c.Data.Seed)
	if len(d.Test) == 0 || len(d.StudentTrain) == 0 {
		return nil, fmt.Errorf("experiment: %d test and %d student training slices: the data is too small for the split",
			len(d.Test), len(d.StudentTrain))
	}
	return d, nil
}

// splitOneCase splits a single case by slice position: every k-th slice (k = 1/testFraction, rounded) is held out,
// so held-out slices run through the whole gland between training slices. Adjacent slices look alike, so this is a
// smoke test of the pipeline on real data, not a benchmark: with one case there is no honest held-out set.
func splitOneCase(samples []datasets.Sample, testFraction float64) datasets.Split {
	sorted := slices.SortedFunc(slices.Values(samples), func(a, b datasets.Sample) int { return a.Index - b.Index })
	every := max(2, int(math.Round(1/testFraction)))
	var split datasets.Split
	for i, s := range sorted {
		if i%every == every/2 {
			// The held-out slices are scored as a volume of their own: contiguous indices, k times the spacing.
			s.Case += "-heldout"
			s.Index, s.SliceSpacingMM = len(split.Test), s.SliceSpacingMM*float64(every)
			split.Test = append(split.Test, s)
		} else {
			split.Train = append(split.Train, s)
		}
	}
	return split
}

func loadSamples(c DataConfig) ([]datasets.Sample, error) {
	switch c.Source {
	case "", "phantom":
		return phantom.New().Sites(c.Sites).CasesPerSite(c.CasesPerSite).SlicesPerCase(c.SlicesPerCase).
			Size(c.Size).SiteShift(c.SiteShift).Seed(c.Seed).Generate()
	case "folder":
		if c.Path == "" {
			return nil, fmt.Errorf("experiment: Data.Source \"folder\" needs Data.Path, the dataset's folder (gokd experiment -data DIR)")
		}
		return prostate.New().Size(c.Size).Load(c.Path)
	case "pair":
		return prostate.New().Size(c.Size).LoadPair(c.Path, c.MaskPath, "case", "case00")
	}
	return nil, fmt.Errorf("experiment: unknown Data.Source %q, want \"phantom\", \"folder\" or \"pair\"", c.Source)
}

// limitCasesPerSite keeps n cases of each site, chosen by a seeded shuffle (all cases when n is 0).
func limitCasesPerSite(samples []datasets.Sample, n int, seed uint64) []datasets.Sample {
	if n <= 0 {
		return samples
	}
	keep := map[string]bool{}
	rng := rand.New(rand.NewPCG(seed, 0x57d))
	sites, subsets := datasets.SubsetsBySite(samples)
	for i := range sites {
		keys := datasets.CaseKeys(subsets[i])
		rng.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
		for _, k := range keys[:min(n, len(keys))] {
			keep[k] = true
		}
	}
	return slices.DeleteFunc(slices.Clone(samples), func(s datasets.Sample) bool { return !keep[s.CaseKey()] })
}
