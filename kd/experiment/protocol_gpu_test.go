package experiment

import (
	"strings"
	"testing"
)

// gpuConfigPath is the committed GPU-scale configuration (configs/README.md).
const gpuConfigPath = "../../configs/protocol_gpu.json"

// readGPUConfig reads it as `gokd experiment -config` does: strictly, over the defaults.
func readGPUConfig(t *testing.T) Config {
	t.Helper()
	c, err := ReadConfig(gpuConfigPath, Default())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGPUConfig checks the committed GPU-scale configuration: it validates, runs 5-fold cross-validation on the
// multi-site prostate data at 256², with a teacher of several million parameters and a student at least 100×
// smaller. It logs the networks' parameters and forward FLOPs per slice, the figures of configs/README.md.
func TestGPUConfig(t *testing.T) {
	c := readGPUConfig(t)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Data.Source != "folder" || c.Data.Size != 256 || c.Data.Folds != 5 || c.Data.Fold != 0 {
		t.Errorf("Data %+v: want Source folder, Size 256, Folds 5, Fold 0", c.Data)
	}
	teacher := c.Teacher.Net()
	tp, tf := teacher.ParamCount(), teacher.FLOPsPerSlice(c.Data.Size)
	t.Logf("teacher %v: %d parameters, %.2f GFLOP per %d² slice", c.Teacher, tp, float64(tf)/1e9, c.Data.Size)
	if tp < 2_000_000 {
		t.Errorf("teacher has %d parameters, want several million", tp)
	}
	// The student is chosen by the rule among candidates: the rule must demand ≥ 100× fewer parameters, and some
	// candidates must pass it.
	if c.StudentRule.MinParamRatio < 100 {
		t.Errorf("StudentRule %+v: want MinParamRatio ≥ 100", c.StudentRule)
	}
	eligible := 0
	for _, spec := range c.StudentCandidates {
		student := spec.Net()
		sp, sf := student.ParamCount(), student.FLOPsPerSlice(c.Data.Size)
		t.Logf("candidate %v: %d parameters, %.4f GFLOP per %d² slice: teacher/candidate %.0f× the parameters, %.0f× the FLOPs",
			spec, sp, float64(sf)/1e9, c.Data.Size, float64(tp)/float64(sp), float64(tf)/float64(sf))
		if float64(tp) >= c.StudentRule.MinParamRatio*float64(sp) && float64(tf) >= c.StudentRule.withDefaults().MinSpeedup*float64(sf) {
			eligible++
		}
	}
	if eligible < 2 {
		t.Errorf("%d of %d candidates are eligible under %v, want a choice of at least 2", eligible, len(c.StudentCandidates), c.StudentRule)
	}
	if c.Train.Devices != 1 || len(c.Seeds) != 10 || c.Tune.Budget() < 2 {
		t.Errorf("Devices %d, %d seeds, tuning budget %d: want 1 device, 10 seeds and a grid", c.Train.Devices, len(c.Seeds), c.Tune.Budget())
	}
	c.Data.Fold = 5
	if err := c.Validate(); err == nil {
		t.Error("fold 5 of 5 accepted")
	}
}

// TestGPUConfigDryRun runs the GPU-scale configuration end to end on the CPU through the same code path, with
// tiny sizes: the phantom instead of the prostate folder, 32² slices, tiny networks, a few steps, 2 seeds and no
// tuning grid; still 5 folds (fold 0), the validation fraction, the losses and the student kinds of the file.
func TestGPUConfigDryRun(t *testing.T) {
	c := readGPUConfig(t)
	c.Data.Source, c.Data.Size, c.Data.Sites, c.Data.CasesPerSite, c.Data.SlicesPerCase, c.Data.SiteShift = "phantom", 32, 2, 6, 3, 1
	c.Teacher = NetSpec{Levels: 2, BaseWidth: 4}
	c.Student = NetSpec{Levels: 2, BaseWidth: 2, Separable: c.Student.Separable, Stem: c.Student.Stem}
	for i, spec := range c.StudentCandidates { // Each candidate kept in kind, at 2 levels and width 2 or 3.
		c.StudentCandidates[i] = NetSpec{Levels: 2, BaseWidth: 2 + i%2, Separable: spec.Separable, Stem: spec.Stem}
	}
	c.StudentRule.MinParamRatio, c.StudentRule.MinSpeedup = 1.2, 1.2 // Tiny networks: a tiny teacher.
	c.Train.TeacherSteps, c.Train.StudentSteps, c.Train.BatchSize = 3, 2, 4
	c.Seeds = c.Seeds[:2]
	c.Tune.LearningRates, c.Tune.Temperatures, c.Tune.KLWeights = c.Tune.LearningRates[:1], c.Tune.Temperatures[:1], c.Tune.KLWeights[:1]
	if c.Data.Folds != 5 {
		t.Fatalf("Folds %d, want 5", c.Data.Folds)
	}
	r, err := New(goBackend(t), c, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	r.Log = &log
	d, err := r.Data()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Val) == 0 || len(d.Test) == 0 || len(d.Sites) != 2 {
		t.Fatalf("%d validation and %d test slices, %d training sites", len(d.Val), len(d.Test), len(d.Sites))
	}
	res, err := r.Run()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.SiteTeachers) != 2 || len(res.Summary) != len(StudentKinds) {
		t.Fatalf("%d site teachers and %d student kinds, want 2 and %d", len(res.SiteTeachers), len(res.Summary), len(StudentKinds))
	}
	for _, kind := range StudentKinds {
		if got := len(res.Students[kind]); got != 2 {
			t.Errorf("%s: %d students, want one per seed", kind, got)
		}
	}
	if res.Choice == nil || len(res.Choice.Candidates) != len(c.StudentCandidates) {
		t.Errorf("student choice %+v, want the %d candidates weighed", res.Choice, len(c.StudentCandidates))
	}
	if res.Comparison == nil {
		t.Fatal("no comparison")
	}
	compared := map[StudentKind]bool{}
	for _, test := range res.Comparison.Tests {
		compared[test.A], compared[test.B] = true, true
	}
	for _, kind := range StudentKinds {
		if !compared[kind] {
			t.Errorf("%s is in no paired test", kind)
		}
	}
	t.Logf("dry run: %.0f s\n%s", res.WallS, log.String())
}
