package experiment

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/gokd/gokd/kd/losses"
	"github.com/gokd/gokd/kd/nets"
)

// Config is a whole experiment. It is plain data (JSON): the cache keys on it, and notebooks edit it.
type Config struct {
	Data    DataConfig
	Teacher NetSpec
	Student NetSpec
	Train   TrainSpec
	Loss    LossSpec

	// StudentCasesPerSite limits the students' labelled training data to this many cases from each site — the
	// paper's setting where the student, like each limit-trained teacher, sees little data. 0: all training cases.
	StudentCasesPerSite int
	// Seeds repeat every student (and its scratch baselines) with different initial weights and batch orders, to
	// measure the spread of the Dice gap. Teachers use Train.Seed.
	Seeds []int64

	// Tune chooses each student kind's learning rate (and, for the distilled kinds, temperature and KL weight) on
	// the validation cases, with the same budget for every kind. Empty: no tuning, the configured values.
	Tune TuneSpec `json:",omitzero"`
	// LimitedTeachers selects the reading of "limit-trained": TeachersPerSite (the default: one teacher per
	// site, on that site's training cases) or TeachersRandom (RandomTeachers teachers, each on
	// RandomTeacherCases training cases drawn at random across sites). With Data.Source "pair" (one case) the
	// limit-trained teachers are slab teachers instead: the case's training slices split into RandomTeachers
	// contiguous slabs (DefaultSlabTeachers when 0; see SlabTeachers), and LimitedTeachers TeachersRandom is an
	// error, one case having no case subsets.
	LimitedTeachers    string `json:",omitempty"`
	RandomTeachers     int    `json:",omitempty"`
	RandomTeacherCases int    `json:",omitempty"`

	// StudentCandidates, when set, replace Student: the students' network is the candidate chosen by StudentRule
	// (Runner.ChooseStudent) from all-data scratch training on the validation cases.
	StudentCandidates []NetSpec `json:",omitempty"`
	// StudentRule holds the choice's thresholds; unset ones take DefaultStudentRule's.
	StudentRule StudentRule `json:",omitzero"`

	// ExtraKinds lists optional student kinds (OptionalStudentKinds: StudentAdaptiveClassKD, StudentEntropyKD,
	// StudentAdaptiveSemiKD, StudentConfidenceKD, StudentScratchCE) to train, tune, evaluate and compare besides StudentKinds, which always run. Empty (the
	// default): none. The models of the other kinds, and their cache keys, are the same with or without them.
	ExtraKinds []StudentKind `json:",omitempty"`
	// SemiLabelledRepeat > 1 repeats the labelled slices that many times in the training data of the
	// semi-supervised student (StudentAdaptiveSemiKD), so that its batches, drawn uniformly, hold that many times
	// more labelled images: with 2 labelled cases per site out of 6, 2 makes half of each batch labelled instead of
	// a third. 0 or 1: each slice once.
	SemiLabelledRepeat int `json:",omitempty"`

	// PrimaryKind is the adaptive student kind the verdict is on, decided before the run: StudentAdaptiveKD (the
	// default, global learned teacher weights) or another distilled kind of Kinds, e.g. StudentConfidenceKD (weights
	// per input). The other adaptive kinds are secondary comparisons.
	PrimaryKind StudentKind `json:",omitempty"`
}

// Primary returns PrimaryKind, or StudentAdaptiveKD when unset.
func (c Config) Primary() StudentKind {
	if c.PrimaryKind == "" {
		return StudentAdaptiveKD
	}
	return c.PrimaryKind
}

// Kinds lists the student kinds the experiment trains, in table order: StudentKinds, then the optional kinds of
// ExtraKinds (in OptionalStudentKinds order, each once). Everything that goes over the student kinds — training,
// tuning, results, tables, comparisons — goes over these.
func (c Config) Kinds() []StudentKind {
	kinds := slices.Clone(StudentKinds)
	for _, kind := range OptionalStudentKinds {
		if slices.Contains(c.ExtraKinds, kind) {
			kinds = append(kinds, kind)
		}
	}
	return kinds
}

// Readings of "limit-trained" (Config.LimitedTeachers).
const (
	TeachersPerSite = "site"   // One teacher per site, on that site's training cases.
	TeachersRandom  = "random" // K teachers on random case subsets (datasets.RandomCaseSubsets).
)

// DefaultSlabTeachers is the number of slab teachers of a single case (Data.Source "pair") when RandomTeachers
// is 0: apex, mid-gland and base.
const DefaultSlabTeachers = 3

// SlabTeachers is the number of limit-trained teachers of a single case (Data.Source "pair"): RandomTeachers, or
// DefaultSlabTeachers. Each is trained on one contiguous slab of the case's training slices, so that the
// multi-teacher students have several limited teachers to fuse. It is a smoke run of the whole pipeline on real
// pixels, not a benchmark: the held-out slices are neighbours of training slices, and there is one test case.
func (c Config) SlabTeachers() int {
	if c.RandomTeachers > 0 {
		return c.RandomTeachers
	}
	return DefaultSlabTeachers
}

// TuneSpec is the validation grid of the student kinds: the distilled kinds try every combination of
// LearningRates × Temperatures × KLWeights; the kinds trained from scratch, which have no temperature or KL
// weight, try as many learning rates (spread geometrically over the same range), so that every kind gets the
// same number of training runs. Each run trains with Seed on the kind's training data and is scored by its mean
// Dice over the validation cases; the best one's values train the kind's students for every seed.
type TuneSpec struct {
	LearningRates []float64 `json:",omitempty"`
	Temperatures  []float64 `json:",omitempty"`
	KLWeights     []float64 `json:",omitempty"`
	Seed          int64     `json:",omitempty"` // Seed of the tuning runs (keep it apart from Config.Seeds).
	// Seeds trains every grid point with that many seeds (Seed, Seed+1, …) and scores it by their mean validation
	// Dice; 0 or 1: one seed. With one seed, neighbouring settings can swap places by chance: in the notebook-scale
	// protocol tuned on one seed, the adaptive students' learning rate 3e-3 beat 1e-2 by 0.683 against 0.681 and
	// its students scored 0.678 test Dice over 10 seeds; tuned on 3 seeds (Protocol), 1e-2 wins by 0.815 against
	// 0.720 and its students score 0.791.
	Seeds int `json:",omitempty"`
}

// seeds is the number of seeds per grid point.
func (t TuneSpec) seeds() int { return max(1, t.Seeds) }

// Setting is one choice of a student's tuned hyperparameters.
type Setting struct {
	LearningRate float64
	Temperature  float64 // Of the KL term; unused from scratch.
	KL           float64 // Weight of the KL term; unused from scratch.
}

// Source is where an experiment's images come from (DataConfig.Source).
type Source string

// Data sources.
const (
	SourcePhantom Source = "phantom" // The synthetic multi-site phantom (package datasets/phantom); "" means it too.
	SourceFolder  Source = "folder"  // A multi-site folder of real volumes, <Path>/<site>/CaseXX.nii.gz.
	SourcePair    Source = "pair"    // One image and its mask: a smoke run on real pixels (see DataConfig).
)

// Sources lists the valid data sources.
var Sources = []Source{SourcePhantom, SourceFolder, SourcePair}

// DataConfig selects the data: the synthetic multi-site phantom (the default), a folder of the multi-site prostate
// dataset, or a single image/mask pair.
//
// A single pair is one case: it is split by slice (every k-th slice held out as one pseudo test case), its
// limit-trained teachers are slab teachers (Config.SlabTeachers) and the paired comparison has one case, too few
// for its tests (Comparison.Verdict stats.NotTested). It runs the whole pipeline on real pixels as a smoke run,
// honestly labelled; it measures nothing about distillation. The benchmark on real data is Source "folder".
type DataConfig struct {
	Source Source // SourcePhantom (default), SourceFolder (Path holds one folder per site) or SourcePair.
	Path   string
	// SiteFolders names the site folders of Source SourceFolder to load, in order; empty: every sub-folder of
	// Path that holds cases (prostate.DiscoverSites).
	SiteFolders []string `json:",omitempty"`
	// VoxelSizeUnknown says that the files' voxel size is not known (their headers say 1 mm, as PROMISE12's copy
	// in the shared folder does): distances (HD95, ASSD) are then reported in voxels of the files' grid, not mm.
	// It changes the report only, so it is not part of the cache keys.
	VoxelSizeUnknown bool `json:",omitempty"`
	// MaskPath is the segmentation of Path for Source "pair". With Source "pair", Path and MaskPath both empty
	// read the team's shared real case (package datasets/shared: shared/data/prostate-case00 beside the checkout,
	// found from the working directory), so that a committed configuration names no machine's paths.
	MaskPath string

	Size int // Slices are resampled to Size×Size.

	// Phantom settings (see package datasets/phantom).
	Sites         int
	CasesPerSite  int
	SlicesPerCase int
	SiteShift     float64
	Seed          uint64

	// Held-out fractions of the cases (split by case, never by slice). With Folds, TestFraction is unused.
	ValFraction, TestFraction float64
	// Folds selects k-fold cross-validation by case, stratified by site (datasets.FoldByCase). 0: the random
	// split by TestFraction. With Folds = k (≥ 2), the cases of each site are shuffled with Seed and dealt into k
	// folds; fold Fold is the test set, and ValFraction of the remaining cases of each site the validation set.
	// Every site needs at least Folds cases. Both are part of the models' cache keys: each fold trains its own.
	Folds int `json:",omitempty"`
	// Fold is the test fold, 0 ≤ Fold < Folds (`gokd experiment -fold N` sets it).
	Fold int `json:",omitempty"`
}

// NetSpec describes a U-Net (package nets).
type NetSpec struct {
	Levels    int
	BaseWidth int
	Separable bool // Depthwise-separable convolutions.
	// Stem folds each Stem×Stem block of pixels into channels before the network and lays the logits back out
	// at full resolution (nets.Config.Stem); 0 or 1: none.
	Stem int `json:",omitempty"`
}

// TrainSpec holds the optimisation settings shared by every model.
type TrainSpec struct {
	TeacherSteps int
	// SiteTeacherSteps trains each limit-trained teacher, limited in data (one site, or a random case subset);
	// 0 gives it TeacherSteps, so that the teachers are limited in data only, not in steps.
	SiteTeacherSteps int
	StudentSteps     int
	BatchSize        int
	LearningRate     float64 // Adam's learning rate for the teachers.
	// StudentLearningRate is Adam's learning rate for the students: the small students learn faster with a larger
	// one within their short budget (measured on the stem-less student: Dice 0.55 instead of 0.23 after 100 steps
	// from scratch).
	StudentLearningRate float64
	Seed                int64 // Teachers' seed.
	// CosineDecay decays every model's learning rate to 0 over its steps along a half cosine (train.Job).
	CosineDecay bool `json:",omitempty"`
	// TeacherCosineDecay decays the teachers' learning rates only (CosineDecay implies it). Default's teacher needs
	// it: at a constant rate its end point is chaotic — the same code and seed scored test Dice 0.920 on one
	// machine's xla:cpu and 0.773 on another's.
	TeacherCosineDecay bool `json:",omitempty"`
	// TeacherPatience > 0 trains every teacher until its validation Dice plateaus (train.Job.Validate), its steps
	// becoming a cap: scored every train.DefaultValidateEvery steps on the validation cases of its own data (a site
	// teacher on its site's, the others on all of them), it stops once TeacherPatience scores in a row have not
	// beaten its best, and the best-scoring network is kept. 0: every teacher trains all its steps.
	TeacherPatience int `json:",omitempty"`
	// Features names the feature maps paired for the hint and attention terms of every distilled student (with
	// several teachers, each teacher's pairs weighted like its logits). None: the multi-teacher students distil
	// from precomputed logits, without running their teachers at every step.
	Features []string
	// PrecomputeTeachers makes every distilled student distil from its teachers' outputs — logits and Features —
	// computed once per training set in each of the augmentation's 8 flips and rotations (train.Precompute), not
	// from its teachers run at every step: a multi-teacher step then costs about what a scratch step does. The one
	// difference from online teachers: they never see the intensity jitter (a student's jittered image meets its
	// teachers' outputs on the unjittered view). The values take memory: per training slice, 8 views × the
	// teachers' logits and features (at 48² with six base-8 teachers and the bottleneck, 1.8 MB). false (the
	// notebook protocol's setting): teachers with feature terms run online.
	PrecomputeTeachers bool `json:",omitempty"`
	// Devices trains every model data-parallel over that many devices of the backend (train.Job.Devices; -1: all
	// of them; 0 or 1: one device). It is not part of the models' cache keys: a step computes the same update on
	// any number of devices.
	Devices int `json:",omitempty"`
}

// LossSpec weights the combined objective (package losses); see losses.DefaultObjective for the reasons behind
// the defaults.
type LossSpec struct {
	Dice, Lovasz, KL, Hint, Attention, CrossEntropy float64
	Temperature                                     float64
	// ClassBalancedKL averages the KL term per class, then over classes (see losses.Objective.ClassBalancedKL).
	ClassBalancedKL bool
	// TeacherLoss is the loss of the teachers: "dice+lovasz" (the student's hard terms) or "dice+ce".
	TeacherLoss string
}

// Default is the embedded default experiment, sized so the flagship runs in about ten minutes on 2 CPU cores
// with the Go backend: a 3-site phantom at 48², a 3-level base-8 teacher, base-4 separable students with a
// space-to-depth stem, 3 seeds.
func Default() Config {
	return Config{
		Data: DataConfig{Source: SourcePhantom, Size: 48, Sites: 3, CasesPerSite: 10, SlicesPerCase: 12, SiteShift: 1,
			Seed: 1, ValFraction: 0, TestFraction: 0.3},
		Teacher: NetSpec{Levels: 3, BaseWidth: 8},
		// The stem runs the students at 24²: several times faster than the teacher (1.6–1.9× without it) and about
		// half the cost of a training step, which buys them 200 steps instead of 100 in about the same time.
		// Measured (3 seeds): with the stem at 100 steps the distilled students of one seed collapsed to
		// background, at 150 steps the single-teacher one still did, at 200 none did.
		Student: NetSpec{Levels: 3, BaseWidth: 4, Separable: true, Stem: 2},
		Train: TrainSpec{TeacherSteps: 800, SiteTeacherSteps: 100, StudentSteps: 200, BatchSize: 8, LearningRate: 3e-3,
			StudentLearningRate: 1e-2, Seed: 1, TeacherCosineDecay: true, Features: []string{nets.BottleneckFeature}},
		// T = 1, not losses.DefaultObjective's 4: with 100 steps of the stem-less student on slices that are over
		// 95% background, we measured the single-teacher student (seed 1) at test Dice 0.00 with T = 4 (0.26 with
		// a class-balanced KL), 0.42 with T = 1 or 2, against 0.55 from scratch.
		Loss:                LossSpec{Dice: 1, Lovasz: 1, KL: 1, Hint: 0.5, Attention: 0.5, Temperature: 1, TeacherLoss: "dice+lovasz"},
		StudentCasesPerSite: 2,
		Seeds:               []int64{1, 2, 3},
	}
}

// Protocol is the reproduction protocol at the flagship's (notebook 04's) scale: Default's data and teacher with 12
// cases per site split by case into training, validation (20%) and test (30%) cases; every teacher trained 1500 steps
// (the limit-trained ones limited in data only); the student chosen by the student rule (DefaultStudentRule) among
// separable 3-level U-Nets, every student trained 1000 steps; cosine learning-rate decay; each student kind's learning
// rate (and, distilled, its temperature) chosen on the validation cases among 4 settings, each trained with 3 seeds and
// scored by their mean; 10 seeds. Measured before fixing these budgets (one seed, validation Dice): at Default's 400
// teacher and 200 student steps nothing had converged (the students flipped between Dice 0 and 0.6 with the learning
// rate); at 1000 steps the stem-less base-4 student from scratch scored 0.78 on all training data against 0.65 on the
// students' limited data, so data still matters and distillation has something to add. The committed configurations in
// configs/ run it larger through `gokd experiment -config`. It is the committed configuration NotebookProtocol
// (configs/protocol_notebook.json), the one place that defines it.
func Protocol() Config { return mustNamed(NotebookProtocol) }

// ReadConfig reads a JSON configuration (a file of configs/) over base: the fields the file leaves out keep
// base's values. An unknown field is an error, as a misspelt one would otherwise leave base's value silently in
// place. It does not validate the result (Config.Validate).
func ReadConfig(path string, base Config) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, err
	}
	defer f.Close()
	return decodeConfig(f, path, base)
}

// decodeConfig reads one JSON configuration from r over base, strictly (ReadConfig); what names r in errors.
func decodeConfig(r io.Reader, what string, base Config) (Config, error) {
	decoder := json.NewDecoder(r)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&base); err != nil {
		return Config{}, fmt.Errorf("reading %s: %w", what, err)
	}
	if decoder.More() {
		return Config{}, fmt.Errorf("reading %s: data after the configuration", what)
	}
	return base, nil
}

// Net builds the nets.Config of a spec for the data's channels and 2 classes.
func (s NetSpec) Net() *nets.Config {
	c := nets.NewConfig().Levels(s.Levels).BaseWidth(s.BaseWidth)
	if s.Separable {
		c = c.Conv(nets.ConvSeparable)
	}
	if s.Stem > 1 {
		c = c.Stem(s.Stem)
	}
	return c
}

// Objective builds the students' objective for the given fusion of several teachers.
func (l LossSpec) Objective(fusion losses.TeacherFusion) *losses.Objective {
	return losses.DefaultObjective().Dice(l.Dice).Lovasz(l.Lovasz).KL(l.KL).Hint(l.Hint).Attention(l.Attention).
		CrossEntropy(l.CrossEntropy).Temperature(l.Temperature).ClassBalancedKL(l.ClassBalancedKL).Fusion(fusion, false)
}

// scratchObjective is the objective of a student trained from the labels alone: the hard terms of l, no
// distillation term (and the default temperature and fusion, which then play no part).
func (l LossSpec) scratchObjective() *losses.Objective {
	return losses.DefaultObjective().Dice(l.Dice).Lovasz(l.Lovasz).CrossEntropy(l.CrossEntropy).KL(0).Hint(0).
		Attention(0).TargetSupervision(0)
}

// Budget is the number of settings each student kind tries: the size of the grid (1: no tuning). Each trains
// Seeds times.
func (t TuneSpec) Budget() int {
	return max(1, len(t.LearningRates)) * max(1, len(t.Temperatures)) * max(1, len(t.KLWeights))
}

// Candidates lists the settings a student kind tries: the grid for a distilled kind (distilled true), or as
// many learning rates spread geometrically over the grid's range for a kind trained from scratch. Unset axes
// take base's value.
func (t TuneSpec) Candidates(base Setting, distilled bool) []Setting {
	rates := t.LearningRates
	if len(rates) == 0 {
		rates = []float64{base.LearningRate}
	}
	if !distilled {
		n := t.Budget()
		lo, hi := slices.Min(rates), slices.Max(rates)
		out := make([]Setting, n)
		for i := range out {
			rate := lo
			if n > 1 {
				rate = lo * math.Pow(hi/lo, float64(i)/float64(n-1))
			}
			out[i] = Setting{LearningRate: rate, Temperature: base.Temperature, KL: base.KL}
		}
		return out
	}
	temperatures, kls := t.Temperatures, t.KLWeights
	if len(temperatures) == 0 {
		temperatures = []float64{base.Temperature}
	}
	if len(kls) == 0 {
		kls = []float64{base.KL}
	}
	var out []Setting
	for _, rate := range rates {
		for _, temperature := range temperatures {
			for _, kl := range kls {
				out = append(out, Setting{LearningRate: rate, Temperature: temperature, KL: kl})
			}
		}
	}
	return out
}

// teacherObjective is the objective of supervised teacher training.
func (l LossSpec) teacherObjective() (*losses.Objective, error) {
	o := losses.DefaultObjective().KL(0).Hint(0).Attention(0)
	switch l.TeacherLoss {
	case "", "dice+lovasz":
		return o.Dice(1).Lovasz(1).CrossEntropy(0), nil
	case "dice+ce":
		return o.Dice(1).Lovasz(0).CrossEntropy(1), nil
	}
	return nil, fmt.Errorf("experiment: unknown TeacherLoss %q, want \"dice+lovasz\" or \"dice+ce\"", l.TeacherLoss)
}

// Validate reports a configuration that cannot run.
func (c Config) Validate() error {
	switch {
	case c.Data.Source != "" && !slices.Contains(Sources, c.Data.Source):
		return fmt.Errorf("experiment: unknown Data.Source %q, want one of %q", c.Data.Source, Sources)
	case len(c.Data.SiteFolders) > 0 && c.Data.Source != SourceFolder:
		return fmt.Errorf("experiment: Data.SiteFolders %q name the site folders of Data.Source %q, not of %q",
			c.Data.SiteFolders, SourceFolder, c.Data.Source)
	case c.Data.Size <= 0:
		return fmt.Errorf("experiment: Data.Size %d", c.Data.Size)
	case c.Train.BatchSize <= 0 || c.Train.TeacherSteps <= 0 || c.Train.SiteTeacherSteps < 0 || c.Train.StudentSteps <= 0:
		return fmt.Errorf("experiment: Train needs a positive BatchSize, TeacherSteps and StudentSteps: %+v", c.Train)
	case c.Train.TeacherPatience < 0 || (c.Train.TeacherPatience > 0 && c.Data.ValFraction <= 0):
		return fmt.Errorf("experiment: Train.TeacherPatience %d: want 0, or a positive patience with validation cases (Data.ValFraction > 0)", c.Train.TeacherPatience)
	case c.Tune.Seeds < 0:
		return fmt.Errorf("experiment: Tune.Seeds %d, want 0 or more", c.Tune.Seeds)
	case c.Tune.Budget() > 1 && c.Data.ValFraction <= 0:
		return fmt.Errorf("experiment: Tune has a grid of %d runs per student kind but Data.ValFraction is 0: tuning needs validation cases", c.Tune.Budget())
	case c.LimitedTeachers != "" && c.LimitedTeachers != TeachersPerSite && c.LimitedTeachers != TeachersRandom:
		return fmt.Errorf("experiment: unknown LimitedTeachers %q, want %q or %q", c.LimitedTeachers, TeachersPerSite, TeachersRandom)
	case c.LimitedTeachers == TeachersRandom && (c.RandomTeachers <= 0 || c.RandomTeacherCases <= 0):
		return fmt.Errorf("experiment: LimitedTeachers %q needs positive RandomTeachers and RandomTeacherCases", TeachersRandom)
	case c.Data.Source == SourcePair && c.LimitedTeachers == TeachersRandom:
		return fmt.Errorf("experiment: Data.Source \"pair\" is one case, which has no random case subsets: its limit-trained teachers are %d slab teachers (RandomTeachers, without LimitedTeachers %q)",
			c.SlabTeachers(), TeachersRandom)
	case len(c.Seeds) == 0:
		return fmt.Errorf("experiment: no student Seeds")
	case c.Data.Folds == 0 && c.Data.Fold != 0:
		return fmt.Errorf("experiment: Data.Fold %d without Data.Folds: set Folds (≥ 2) for k-fold cross-validation", c.Data.Fold)
	case c.Data.Folds != 0 && c.Data.Folds < 2:
		return fmt.Errorf("experiment: Data.Folds %d: want 0 (a random split by TestFraction) or at least 2", c.Data.Folds)
	case c.Data.Folds != 0 && (c.Data.Fold < 0 || c.Data.Fold >= c.Data.Folds):
		return fmt.Errorf("experiment: Data.Fold %d of %d folds: want 0 ≤ Fold < %d", c.Data.Fold, c.Data.Folds, c.Data.Folds)
	case c.Data.Folds != 0 && (c.Data.ValFraction < 0 || c.Data.ValFraction >= 1):
		return fmt.Errorf("experiment: ValFraction %g must leave training cases", c.Data.ValFraction)
	case c.Data.Folds == 0 && (c.Data.TestFraction <= 0 || c.Data.TestFraction+c.Data.ValFraction >= 1):
		return fmt.Errorf("experiment: TestFraction %g and ValFraction %g must leave training cases", c.Data.TestFraction, c.Data.ValFraction)
	}
	for _, kind := range c.ExtraKinds {
		if !slices.Contains(OptionalStudentKinds, kind) {
			return fmt.Errorf("experiment: ExtraKinds: unknown optional student kind %q, want some of %v (%v always run)",
				kind, OptionalStudentKinds, StudentKinds)
		}
		if kind == StudentAdaptiveSemiKD && c.StudentCasesPerSite <= 0 {
			return fmt.Errorf("experiment: ExtraKinds: %s distils on the training cases whose labels the students do not get, but StudentCasesPerSite %d gives them every case",
				kind, c.StudentCasesPerSite)
		}
	}
	if p := c.Primary(); !slices.Contains(c.Kinds(), p) || !p.Distilled() {
		return fmt.Errorf("experiment: PrimaryKind %q: want a distilled student kind that runs (one of %v, or ExtraKinds)", p, c.Kinds())
	}
	if len(c.StudentCandidates) > 0 && c.Data.ValFraction <= 0 {
		return fmt.Errorf("experiment: StudentCandidates need validation cases to choose from, but Data.ValFraction is 0")
	}
	for _, spec := range append([]NetSpec{c.Teacher, c.Student}, c.StudentCandidates...) {
		if err := spec.Net().Validate(); err != nil {
			return fmt.Errorf("experiment: %w", err)
		}
		if len(c.Train.Features) > 0 && spec.Levels != c.Teacher.Levels {
			return fmt.Errorf("experiment: the student %v has %d levels and the teacher %d: Train.Features pairs their feature maps by level, so they need the same number",
				spec, spec.Levels, c.Teacher.Levels)
		}
		if div := spec.Net().SizeDivisor(); c.Data.Size%div != 0 {
			return fmt.Errorf("experiment: Data.Size %d is not a multiple of %d, needed by a %d-level U-Net", c.Data.Size, div, spec.Levels)
		}
	}
	if _, err := c.Loss.teacherObjective(); err != nil {
		return err
	}
	return c.validateResources() // Values and the memory estimate: resources.go.
}

// keyed is the data configuration as the cache keys hold it: without what does not change a model or its scores
// (VoxelSizeUnknown), and without the folder of Source SourceFolder, which the data's fingerprint identifies
// instead (so a run reloads wherever the folder lies).
func (d DataConfig) keyed() DataConfig {
	d.VoxelSizeUnknown = false
	if d.Source == SourceFolder {
		d.Path = ""
	}
	return d
}

// distanceUnit is the unit of the distances measured on this data (Evaluation.DistanceUnit).
func (d DataConfig) distanceUnit() string {
	if d.VoxelSizeUnknown {
		return "voxels"
	}
	return "mm"
}
