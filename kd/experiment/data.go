package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/phantom"
	"github.com/gokd/gokd/datasets/prostate"
	"github.com/gokd/gokd/datasets/shared"
)

// Data is an experiment's data, split by case.
type Data struct {
	Train, Val, Test []datasets.Sample
	Sites            []string // Sites of the training data, in order.
	// SiteTrain holds each site's training slices.
	SiteTrain [][]datasets.Sample
	// TeacherSubsets name the limit-trained teachers' training subsets, and TeacherTrain holds their slices: the
	// sites and SiteTrain (Config.LimitedTeachers TeachersPerSite), random case subsets ("random1", …), or, for the
	// single case of Data.Source "pair", contiguous slabs of its training slices ("slab1", … from apex to base or
	// base to apex, as the volume is stored; Config.SlabTeachers).
	TeacherSubsets []string
	TeacherTrain   [][]datasets.Sample
	// StudentTrain is the students' (limited) labelled training data.
	StudentTrain []datasets.Sample
	// Fingerprint identifies the files of Source SourceFolder (dataFingerprint); empty for the other sources. The
	// models' cache keys hold it instead of the folder's path, so that the same data keys the same models on any
	// machine, wherever its folder lies.
	Fingerprint string
}

// studentUnlabelled returns the other training slices — those of the cases StudentTrain leaves out — with their
// labels hidden (datasets.WithoutLabels): the images the semi-supervised student (StudentAdaptiveSemiKD) distils
// on besides StudentTrain. Empty when the students have every training case. Built on demand: the hidden masks
// take as much memory as the labels they hide.
func (d *Data) studentUnlabelled() []datasets.Sample {
	labelled := map[string]bool{}
	for _, s := range d.StudentTrain {
		labelled[s.CaseKey()] = true
	}
	return datasets.WithoutLabels(slices.DeleteFunc(slices.Clone(d.Train), func(s datasets.Sample) bool {
		return labelled[s.CaseKey()]
	}))
}

// semiSamples returns the training data of the semi-supervised student — StudentTrain repeated repeat times (at
// least once), then studentUnlabelled — and its subset's name, which differs with the repeat (it keys the model).
// It fails when no training case is left unlabelled.
func (d *Data) semiSamples(repeat int) (subset string, samples []datasets.Sample, err error) {
	unlabelled := d.studentUnlabelled()
	if len(unlabelled) == 0 {
		return "", nil, fmt.Errorf("no training case is left unlabelled: the students have all %d", len(datasets.CaseKeys(d.Train)))
	}
	repeat = max(1, repeat)
	subset = "students+unlabelled"
	if repeat > 1 {
		subset = fmt.Sprintf("students×%d+unlabelled", repeat)
	}
	for range repeat {
		samples = append(samples, d.StudentTrain...)
	}
	return subset, append(samples, unlabelled...), nil
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
	if c.Data.Source == SourceFolder {
		if d.Fingerprint, err = dataFingerprint(c.Data); err != nil {
			return nil, err
		}
	}
	d.Sites, d.SiteTrain = datasets.SubsetsBySite(d.Train)
	d.TeacherSubsets, d.TeacherTrain = d.Sites, d.SiteTrain
	switch {
	case c.LimitedTeachers == TeachersRandom:
		if d.TeacherTrain, err = datasets.RandomCaseSubsets(d.Train, c.RandomTeachers, c.RandomTeacherCases, c.Data.Seed); err != nil {
			return nil, fmt.Errorf("experiment: limit-trained teachers: %w", err)
		}
		d.TeacherSubsets = subsetNames("random", c.RandomTeachers)
	case c.Data.Source == SourcePair:
		k := c.SlabTeachers()
		if d.TeacherTrain, err = slabs(d.Train, k); err != nil {
			return nil, fmt.Errorf("experiment: limit-trained teachers: %w", err)
		}
		d.TeacherSubsets = subsetNames("slab", k)
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

// subsetNames names k limit-trained teachers' subsets prefix1 … prefixk.
func subsetNames(prefix string, k int) []string {
	names := make([]string, k)
	for i := range names {
		names[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return names
}

// slabs splits the training slices of one case into k contiguous slabs of the volume, in slice order, their sizes
// differing by at most one slice: the limit-trained teachers of a single case (Data.Source "pair"). Each teacher
// sees a part of the gland only — apex, mid-gland or base with k = 3 — which limits its data and shifts it from
// the test slices of the other slabs, the single case's stand-in for the sites' shift. It fails when a slab would
// be empty.
func slabs(train []datasets.Sample, k int) ([][]datasets.Sample, error) {
	if k <= 0 || k > len(train) {
		return nil, fmt.Errorf("%d slabs of %d training slices: want 1 ≤ slabs ≤ slices", k, len(train))
	}
	sorted := slices.SortedStableFunc(slices.Values(train), func(a, b datasets.Sample) int { return a.Index - b.Index })
	out := make([][]datasets.Sample, k)
	for i := range out {
		out[i] = sorted[i*len(sorted)/k : (i+1)*len(sorted)/k]
	}
	return out, nil
}

// loadSamples loads the slices of DataConfig's source. Source "pair" without Path and MaskPath loads the team's
// shared real case (package datasets/shared, found from the working directory inside a checkout); with one case
// the experiment is a smoke run of the pipeline on real pixels, not a benchmark (see splitOneCase).
func loadSamples(c DataConfig) ([]datasets.Sample, error) {
	switch c.Source {
	case "", SourcePhantom:
		return phantom.New().Sites(c.Sites).CasesPerSite(c.CasesPerSite).SlicesPerCase(c.SlicesPerCase).
			Size(c.Size).SiteShift(c.SiteShift).Seed(c.Seed).Generate()
	case SourceFolder:
		dir, err := dataFolder(c)
		if err != nil {
			return nil, err
		}
		return prostate.New().Size(c.Size).Sites(c.SiteFolders...).Load(dir)
	case SourcePair:
		image, mask := c.Path, c.MaskPath
		if image == "" && mask == "" {
			var err error
			if image, mask, err = shared.RealCase("."); err != nil {
				return nil, fmt.Errorf("experiment: Data.Source \"pair\" without Data.Path and Data.MaskPath reads the shared real case: %w", err)
			}
		}
		if image == "" || mask == "" {
			return nil, fmt.Errorf("experiment: Data.Source \"pair\" needs both Data.Path (%q) and Data.MaskPath (%q), or neither (the shared real case)", image, mask)
		}
		return prostate.New().Size(c.Size).LoadPair(image, mask, "case", "case00")
	}
	return nil, fmt.Errorf("experiment: unknown Data.Source %q, want one of %q", c.Source, Sources)
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

// dataFolder is the folder of Source SourceFolder: Data.Path, or the team's shared PROMISE12 folder (package
// datasets/shared, found from the working directory) when Path is empty, so that a committed configuration names
// no machine's paths.
func dataFolder(c DataConfig) (string, error) {
	if c.Path != "" {
		return c.Path, nil
	}
	dir, err := shared.Promise12(".")
	if err != nil {
		return "", fmt.Errorf("experiment: Data.Source %q without Data.Path reads the shared PROMISE12 folder: %w (give the folder with gokd experiment -data DIR)", SourceFolder, err)
	}
	return dir, nil
}

// dataFolderName names the folder of Source SourceFolder in words.
func dataFolderName(c DataConfig) string {
	if c.Path == "" {
		return "the shared " + shared.Promise12Name + " folder"
	}
	return c.Path
}

// dataFingerprint is the SHA-256 of the cases of Source SourceFolder — each case's site, name, and the bytes of
// its image and mask files, in FindCases order — in hex.
func dataFingerprint(c DataConfig) (string, error) {
	dir, err := dataFolder(c)
	if err != nil {
		return "", err
	}
	cases, err := prostate.FindCases(dir, c.SiteFolders, true)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, cf := range cases {
		fmt.Fprintf(h, "%s/%s\n", cf.Site, cf.Case)
		for _, path := range []string{cf.Image, cf.Mask} {
			if err := hashFile(h, path); err != nil {
				return "", fmt.Errorf("experiment: fingerprinting the data: %w", err)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashFile writes the bytes of the file at path to h.
func hashFile(h io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err
}
