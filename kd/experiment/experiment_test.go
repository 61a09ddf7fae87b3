package experiment

import (
	"errors"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/train"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend"
)

// tinyConfig is the smallest experiment that exercises every model: 2 sites, 32² slices, a few steps.
func tinyConfig() Config {
	c := Default()
	c.Data = DataConfig{Source: "phantom", Size: 32, Sites: 2, CasesPerSite: 4, SlicesPerCase: 4, SiteShift: 1, Seed: 3,
		TestFraction: 0.25}
	c.Teacher = NetSpec{Levels: 2, BaseWidth: 4}
	c.Student = NetSpec{Levels: 2, BaseWidth: 2, Separable: true, Stem: 2} // As the default: features at half the teacher's size.
	c.Train.TeacherSteps, c.Train.SiteTeacherSteps, c.Train.StudentSteps, c.Train.BatchSize = 3, 2, 2, 4
	c.StudentCasesPerSite = 1
	c.Seeds = []int64{1}
	return c
}

// runFresh runs config on the Go backend with an empty cache and returns the runner and its results.
func runFresh(t *testing.T, config Config) (*Runner, *Results) {
	t.Helper()
	r, _ := newRunner(t, config)
	res, err := r.Run()
	if err != nil {
		t.Fatal(err)
	}
	return r, res
}

// newRunner returns a Runner of config on the Go backend with an empty cache, and its data.
func newRunner(t *testing.T, config Config) (*Runner, *Data) {
	t.Helper()
	r, err := New(goBackend(t), config, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d, err := r.Data()
	if err != nil {
		t.Fatal(err)
	}
	return r, d
}

// goBackend returns a Go backend, finalized when the test ends.
func goBackend(t *testing.T) compute.Backend {
	t.Helper()
	backend, err := compute.NewWithConfig("go")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(backend.Finalize)
	return backend
}

func TestRunCachesEveryModel(t *testing.T) {
	backend := goBackend(t)
	cache := t.TempDir()
	var log strings.Builder
	r, err := New(backend, tinyConfig(), cache)
	if err != nil {
		t.Fatal(err)
	}
	r.Log = &log
	res, err := r.Run()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.SiteTeachers) != 2 || len(res.Summary) != len(StudentKinds) {
		t.Fatalf("%d site teachers and %d student kinds, want 2 and %d", len(res.SiteTeachers), len(res.Summary), len(StudentKinds))
	}
	if n := strings.Count(log.String(), "trained in"); n != 3+len(StudentKinds) {
		t.Errorf("trained %d models, want %d:\n%s", n, 3+len(StudentKinds), log.String())
	}
	for _, e := range append([]*Evaluation{res.Teacher}, res.SiteTeachers...) {
		if e.Dice < 0 || e.Dice > 1 || e.Params <= 0 || e.MsPerSlice <= 0 || len(e.SiteDice) != 2 {
			t.Errorf("implausible evaluation %+v", e)
		}
	}
	if got := len(res.ModelsTable().Rows); got != 3+len(StudentKinds) {
		t.Errorf("models table has %d rows", got)
	}
	if res.Teacher.Params <= res.Students[StudentScratch][0].Params {
		t.Errorf("teacher (%d params) not larger than the student (%d)", res.Teacher.Params, res.Students[StudentScratch][0].Params)
	}
	// The multi-teacher students distil features too (tinyConfig keeps Default's bottleneck pair).
	for _, kind := range []StudentKind{StudentMeanKD, StudentAdaptiveKD} {
		student, err := r.Student(kind, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range []string{"hint", "attention"} {
			if values := student.History.Metrics[term]; len(values) == 0 || !(values[len(values)-1] > 0) {
				t.Errorf("%s: %s term %v, want > 0", kind, term, values)
			}
		}
	}

	// A new runner on the same cache (a new notebook cell) reloads everything and scores the same.
	log.Reset()
	r2, _ := New(backend, tinyConfig(), cache)
	r2.Log = &log
	res2, err := r2.Run()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "trained in") {
		t.Errorf("second run retrained:\n%s", log.String())
	}
	if res2.Summary[0].Dice != res.Summary[0].Dice || res2.Teacher.Dice != res.Teacher.Dice {
		t.Error("reloaded models score differently")
	}

	// A changed student seed retrains the students only.
	changed := tinyConfig()
	changed.Seeds = []int64{2}
	log.Reset()
	r3, _ := New(backend, changed, cache)
	r3.Log = &log
	if _, err := r3.Student(StudentAdaptiveKD, 2); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), "trained in"); n != 1 {
		t.Errorf("changing the seed trained %d models, want only the student:\n%s", n, log.String())
	}
}

// TestDevicesReachTrainingNotTheCacheKey: Train.Devices is handed to every training job (the Go backend's single
// device refuses two), and a model trained on one device is reused whatever the device count.
func TestDevicesReachTrainingNotTheCacheKey(t *testing.T) {
	backend := goBackend(t)
	cache := t.TempDir()
	teacher := func(devices int, cache string) (*Trained, error) {
		c := tinyConfig()
		c.Train.Devices = devices
		r, err := New(backend, c, cache)
		if err != nil {
			t.Fatal(err)
		}
		return r.Teacher()
	}
	if _, err := teacher(0, cache); err != nil {
		t.Fatal(err)
	}
	if reloaded, err := teacher(train.AllDevices, cache); err != nil || !reloaded.Cached {
		t.Errorf("Devices=AllDevices: err %v, reloaded from the cache %v; want the one-device model reused", err,
			reloaded != nil && reloaded.Cached)
	}
	if _, err := teacher(2, t.TempDir()); !errors.Is(err, train.ErrTooFewDevices) {
		t.Errorf("Devices=2 on the Go backend: err %v, want one wrapping train.ErrTooFewDevices", err)
	}
}

func TestValidate(t *testing.T) {
	bad := tinyConfig()
	bad.Data.Size = 33
	if err := bad.Validate(); err == nil {
		t.Error("odd size accepted")
	}
	bad = tinyConfig()
	bad.Loss.TeacherLoss = "mse"
	if err := bad.Validate(); err == nil {
		t.Error("unknown teacher loss accepted")
	}
	bad = tinyConfig()
	bad.Seeds = nil
	if err := bad.Validate(); err == nil {
		t.Error("no seeds accepted")
	}
	for _, folds := range [][2]int{{0, 1}, {1, 0}, {5, 5}, {5, -1}, {-2, 0}} {
		bad = tinyConfig()
		bad.Data.Folds, bad.Data.Fold = folds[0], folds[1]
		if err := bad.Validate(); err == nil {
			t.Errorf("fold %d of %d accepted", folds[1], folds[0])
		}
	}
	folds := tinyConfig()
	folds.Data.Folds, folds.Data.Fold, folds.Data.TestFraction = 4, 3, 0 // TestFraction is unused with folds.
	if err := folds.Validate(); err != nil {
		t.Errorf("fold 3 of 4: %v", err)
	}
	if _, err := loadData(folds); err != nil {
		t.Errorf("fold 3 of 4 with 4 cases per site: %v", err)
	}
	folds.Data.Folds, folds.Data.Fold = 5, 0
	if _, err := loadData(folds); err == nil || !strings.Contains(err.Error(), "has 4 cases") {
		t.Errorf("5 folds of sites with 4 cases: err %v, want one saying a site has 4 cases", err)
	}
}

func TestSplitOneCaseHoldsOutEveryKthSlice(t *testing.T) {
	var samples []datasets.Sample
	for i := range 9 {
		samples = append(samples, datasets.Sample{Site: "s", Case: "c", Index: 8 - i, SliceSpacingMM: 2})
	}
	split := splitOneCase(samples, 1.0/3)
	if len(split.Train) != 6 || len(split.Test) != 3 {
		t.Fatalf("%d train and %d test slices, want 6 and 3", len(split.Train), len(split.Test))
	}
	for i, s := range split.Test {
		if s.Index != i || s.SliceSpacingMM != 6 || s.Case != "c-heldout" {
			t.Errorf("held-out slice %d: index %d, spacing %g, case %q", i, s.Index, s.SliceSpacingMM, s.Case)
		}
	}
	for _, s := range split.Train {
		if s.Index%3 == 1 {
			t.Errorf("slice %d is both trained on and held out", s.Index)
		}
	}
}
