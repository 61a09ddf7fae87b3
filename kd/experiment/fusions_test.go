package experiment

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets"
)

// goldenKeys are the cache keys of tinyConfig's seed-1 students of the kinds every experiment trains, as trained
// before the optional kinds existed. Committed runs reload their models by these keys: a change of GoKD that
// changes one of them retrains every cached model of that kind. Update them only with trainingVersion (or a
// deliberate change of a kind's objective, data or settings: the distilled kinds' keys last changed when
// Default's teachers got TeacherCosineDecay).
var goldenKeys = map[StudentKind]string{
	StudentScratch:    "student_scratch-s1-af180405e7bd9119",
	StudentScratchAll: "student_scratch_all-s1-ce1c352dacc3c1d0",
	StudentSingleKD:   "student_single_kd-s1-dcbbc9f18a69a956",
	StudentMeanKD:     "student_mean_kd-s1-fb3286fc3ff0b308",
	StudentAdaptiveKD: "student_adaptive_kd-s1-905e3b54ed3eef64",
}

// TestExtraKindsLeaveTheOtherKindsAlone: without ExtraKinds the kinds are StudentKinds and each student keeps its
// cache key; with them, the optional kinds come after StudentKinds and every other student is reloaded from the
// same cache entry.
func TestExtraKindsLeaveTheOtherKindsAlone(t *testing.T) {
	if got := tinyConfig().Kinds(); !slices.Equal(got, StudentKinds) {
		t.Errorf("Kinds() without ExtraKinds = %v, want StudentKinds %v", got, StudentKinds)
	}
	extras := tinyConfig()
	extras.ExtraKinds = []StudentKind{StudentEntropyKD, StudentAdaptiveClassKD} // Any order: tables keep theirs.
	if got, want := extras.Kinds(), append(slices.Clone(StudentKinds), StudentAdaptiveClassKD, StudentEntropyKD); !slices.Equal(got, want) {
		t.Errorf("Kinds() with both extras = %v, want %v", got, want)
	}

	backend, cache := goBackend(t), t.TempDir()
	plain, err := New(backend, tinyConfig(), cache)
	if err != nil {
		t.Fatal(err)
	}
	with, err := New(backend, extras, cache)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range StudentKinds {
		s, err := plain.Student(kind, 1)
		if err != nil {
			t.Fatal(err)
		}
		if s.Key != goldenKeys[kind] {
			t.Errorf("%s: cache key %q, want %q (the key committed runs were cached under)", kind, s.Key, goldenKeys[kind])
		}
		again, err := with.Student(kind, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Cached || again.Key != s.Key {
			t.Errorf("%s with ExtraKinds: key %q (reloaded %v), want %q reloaded", kind, again.Key, again.Cached, s.Key)
		}
	}
}

// TestExtraKindsTrainCompareAndReportWeights runs tinyConfig with every optional kind over two seeds: each is
// trained, tuned and evaluated for every seed, takes its place in the tables, joins the secondary comparisons, and
// the per-class adaptive weights come out as K×C weights summing to 1 over the teachers for each class.
func TestExtraKindsTrainCompareAndReportWeights(t *testing.T) {
	c := tinyConfig()
	c.Seeds = []int64{1, 2}
	c.ExtraKinds = OptionalStudentKinds
	r, res := runFresh(t, c)
	kinds := c.Kinds()
	if len(res.Summary) != len(kinds) || len(res.Tuning) != len(kinds) {
		t.Fatalf("%d summaries and %d tunings, want one per kind of %v", len(res.Summary), len(res.Tuning), kinds)
	}
	for i, kind := range kinds {
		if res.Summary[i].Kind != kind || res.Tuning[i].Kind != kind {
			t.Errorf("summary %d is %s and tuning %d %s, want %s", i, res.Summary[i].Kind, i, res.Tuning[i].Kind, kind)
		}
	}
	for _, kind := range OptionalStudentKinds {
		evals := res.Students[kind]
		if len(evals) != 2 {
			t.Fatalf("%s: %d evaluations, want one per seed", kind, len(evals))
		}
		for _, e := range evals {
			if e.Dice < 0 || e.Dice > 1 || len(e.CaseDice) == 0 {
				t.Errorf("%s: implausible evaluation %+v", kind, e)
			}
		}
		for _, seed := range c.Seeds {
			s, err := r.Student(kind, seed)
			if err != nil {
				t.Fatal(err)
			}
			if !kind.Distilled() {
				if _, distils := s.History.Metrics["kl"]; distils {
					t.Errorf("%s: a KL term, want none", s.Name)
				}
				continue
			}
			// Like the other multi-teacher students, they distil the bottleneck features of tinyConfig.
			for _, term := range []string{"kl", "hint", "attention"} {
				if values := s.History.Metrics[term]; len(values) == 0 {
					t.Errorf("%s: no %s term", s.Name, term)
				}
			}
			spec, _ := kind.spec()
			if _, supervised := s.History.Metrics["target_supervision"]; supervised != spec.learnsWeights {
				t.Errorf("%s: target supervision %v, want it only for the learned fusion", s.Name, supervised)
			}
			if !spec.learnsWeights && len(s.History.FusionWeights) != 0 {
				t.Errorf("%s: learned weights %v, want none", s.Name, s.History.FusionWeights)
			}
		}
	}
	if got, want := len(res.ModelsTable().Rows), 3+len(kinds); got != want {
		t.Errorf("models table has %d rows, want %d", got, want)
	}

	cmp := res.Comparison
	// The optional kinds' comparisons (kindTable's versus): each joins the secondary family.
	extraComparisons := [][2]StudentKind{
		{StudentAdaptiveKD, StudentEntropyKD},
		{StudentAdaptiveClassKD, StudentScratch}, {StudentAdaptiveClassKD, StudentAdaptiveKD},
		{StudentEntropyKD, StudentScratch},
		{StudentAdaptiveSemiKD, StudentScratch}, {StudentAdaptiveSemiKD, StudentAdaptiveKD},
		{StudentConfidenceKD, StudentScratch}, {StudentConfidenceKD, StudentScratchAll},
		{StudentConfidenceKD, StudentAdaptiveKD}, {StudentConfidenceKD, StudentMeanKD},
		{StudentScratchCE, StudentScratch},
	}
	if cmp == nil || len(cmp.Tests) != basicTests+len(extraComparisons) {
		t.Fatalf("comparison %+v: want %d tests", cmp, basicTests+len(extraComparisons))
	}
	if p := cmp.Tests[0]; !p.Primary || p.A != StudentAdaptiveKD || p.B != StudentScratch || p.PHolm != p.Wilcoxon.P {
		t.Errorf("first test %+v, want the primary adaptive − scratch, unadjusted", p)
	}
	for _, pair := range extraComparisons {
		i := slices.IndexFunc(cmp.Tests, func(test PairedTest) bool { return test.A == pair[0] && test.B == pair[1] })
		if i < 0 {
			t.Errorf("no test %s − %s", pair[0], pair[1])
			continue
		}
		if test := cmp.Tests[i]; test.Primary || test.PHolm < test.Wilcoxon.P || test.Wilcoxon.TotalPairs != cmp.Cases {
			t.Errorf("%s − %s: %+v, want a secondary test over the %d cases, Holm-adjusted", pair[0], pair[1], test, cmp.Cases)
		}
	}
	if got, want := len(cmp.Table().Rows), len(cmp.Tests); got != want {
		t.Errorf("comparison table has %d rows, want %d", got, want)
	}

	const teachers, classes = 2, 2
	perClass := res.FusionWeights[StudentAdaptiveClassKD]
	if len(perClass) != classes {
		t.Fatalf("per-class fusion weights %v, want %d classes", perClass, classes)
	}
	for c, weights := range perClass {
		sum := 0.0
		for _, w := range weights {
			sum += w
		}
		if len(weights) != teachers || math.Abs(sum-1) > 1e-5 {
			t.Errorf("class %d: weights %v, want %d summing to 1", c, weights, teachers)
		}
	}
	table := res.FusionTable()
	if len(table.Columns) != 1+teachers || len(table.Rows) != 1+classes+3 {
		t.Fatalf("fusion table %v × %d rows, want %d teacher columns and 6 rows (global, 2 classes, entropy, semi, confidence)",
			table.Columns, len(table.Rows), teachers)
	}
	if !strings.Contains(table.Rows[1][0], "class 0") || !strings.Contains(table.Rows[2][0], "class 1") ||
		!strings.Contains(table.Rows[3][0], string(StudentEntropyKD)) || table.Rows[3][1] != "per pixel, not learned" ||
		!strings.Contains(table.Rows[4][0], string(StudentAdaptiveSemiKD)) || len(res.GlobalWeights(StudentAdaptiveSemiKD)) != teachers ||
		!strings.Contains(table.Rows[5][0], string(StudentConfidenceKD)) || table.Rows[5][1] != "per image, not learned" {
		t.Errorf("fusion table rows %q", table.Rows)
	}
	if !res.HasFusions() || res.GlobalWeights(StudentEntropyKD) != nil {
		t.Errorf("HasFusions %v, entropy's learned weights %v", res.HasFusions(), res.GlobalWeights(StudentEntropyKD))
	}
}

func TestValidateExtraKinds(t *testing.T) {
	for _, kind := range []StudentKind{"student_median_kd", StudentAdaptiveKD} {
		c := tinyConfig()
		c.ExtraKinds = []StudentKind{StudentEntropyKD, kind}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), string(kind)) {
			t.Errorf("ExtraKinds with %q: err %v, want one naming it", kind, err)
		}
	}
	c := tinyConfig()
	c.ExtraKinds = OptionalStudentKinds
	if err := c.Validate(); err != nil {
		t.Errorf("ExtraKinds %v: %v", OptionalStudentKinds, err)
	}
}

// TestSemiStudentDistilsOnUnlabelledImages checks the secondary arm's data — the training cases the students get no
// labels of, every pixel unlabelled, which with StudentTrain make up the training data — and that its student is
// a model of its own, with the adaptive student's terms; and that a configuration leaving no case unlabelled is
// refused.
func TestSemiStudentDistilsOnUnlabelledImages(t *testing.T) {
	c := tinyConfig()
	c.ExtraKinds = []StudentKind{StudentAdaptiveSemiKD}
	r, d := newRunner(t, c)
	labelled := map[string]bool{}
	for _, s := range d.StudentTrain {
		labelled[s.CaseKey()] = true
	}
	unlabelled := d.studentUnlabelled()
	if len(unlabelled) == 0 || len(d.StudentTrain)+len(unlabelled) != len(d.Train) {
		t.Fatalf("%d labelled and %d unlabelled student slices, want %d training slices in all, some unlabelled",
			len(d.StudentTrain), len(unlabelled), len(d.Train))
	}
	for _, s := range unlabelled {
		if labelled[s.CaseKey()] || slices.IndexFunc(s.Mask, func(class int32) bool { return class != -1 }) >= 0 {
			t.Fatalf("unlabelled slice %s#%d: labelled case %v, or a pixel with a class", s.CaseKey(), s.Index, labelled[s.CaseKey()])
		}
	}
	semi, err := r.Student(StudentAdaptiveSemiKD, 1)
	if err != nil {
		t.Fatal(err)
	}
	adaptive, err := r.Student(StudentAdaptiveKD, 1)
	if err != nil {
		t.Fatal(err)
	}
	if semi.Key == adaptive.Key || len(semi.History.FusionWeights) != len(d.TeacherSubsets) {
		t.Errorf("semi student %q (fusion weights %v) vs adaptive %q: want its own model, with one weight per teacher",
			semi.Key, semi.History.FusionWeights, adaptive.Key)
	}
	for _, term := range []string{"dice", "lovasz", "kl", "target_supervision", "hint"} {
		if values := semi.History.Metrics[term]; len(values) == 0 || math.IsNaN(values[len(values)-1]) {
			t.Errorf("%s: term %s %v", semi.Name, term, values)
		}
	}

	for repeat := range 3 {
		subset, samples, err := d.semiSamples(repeat)
		if err != nil {
			t.Fatal(err)
		}
		labelledCopies := max(1, repeat) * len(d.StudentTrain)
		if len(samples) != labelledCopies+len(unlabelled) ||
			slices.IndexFunc(samples[:labelledCopies], func(s datasets.Sample) bool { return !labelled[s.CaseKey()] }) >= 0 {
			t.Errorf("repeat %d: %d samples, want the %d labelled ones %d times, then the %d unlabelled", repeat,
				len(samples), len(d.StudentTrain), max(1, repeat), len(unlabelled))
		}
		if other, _, _ := d.semiSamples(2); (repeat == 2) != (subset == other) {
			t.Errorf("repeat %d: subset %q, repeat 2's %q: want one name per repeat", repeat, subset, other)
		}
	}

	all := tinyConfig()
	all.ExtraKinds, all.StudentCasesPerSite = []StudentKind{StudentAdaptiveSemiKD}, 0
	if err := all.Validate(); err == nil || !strings.Contains(err.Error(), "StudentCasesPerSite") {
		t.Errorf("semi student with every case labelled: err %v, want one naming StudentCasesPerSite", err)
	}
}
