package experiment

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// TestParallelTrainingMatchesSequential: models trained several at once are the very models trained one by one
// (bit-identical logits), whatever finishes first.
func TestParallelTrainingMatchesSequential(t *testing.T) {
	backend := goBackend(t)
	config := tinyConfig()
	config.Seeds = []int64{1, 2}
	logits := func(parallel int) map[string][][]float32 {
		r, err := New(backend, config, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		r.Parallel = parallel
		if err := r.TrainAll(); err != nil {
			t.Fatal(err)
		}
		d, _ := r.Data()
		check := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		teacher, err := r.Teacher()
		check(err)
		siteTeachers, err := r.SiteTeachers()
		check(err)
		models := append([]*Trained{teacher}, siteTeachers...)
		for _, kind := range StudentKinds {
			for _, seed := range config.Seeds {
				student, err := r.Student(kind, seed)
				check(err)
				models = append(models, student)
			}
		}
		out := map[string][][]float32{}
		for _, m := range models {
			if m.Cached {
				t.Errorf("parallel %d: %s reloaded, want trained by TrainAll in a fresh cache", parallel, m.Name)
			}
			p, err := m.Model.NewPredictor(backend)
			if err != nil {
				t.Fatal(err)
			}
			if out[m.Name], err = p.Logits(d.Test, 4); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	sequential, parallel := logits(1), logits(4)
	if len(sequential) != 3+2*len(StudentKinds) {
		t.Fatalf("%d models, want %d", len(sequential), 3+2*len(StudentKinds))
	}
	for name, want := range sequential {
		got := parallel[name]
		for i := range want {
			for j := range want[i] {
				if got[i][j] != want[i][j] {
					t.Fatalf("%s: test slice %d logit %d is %v trained in parallel, %v one at a time", name, i, j,
						got[i][j], want[i][j])
				}
			}
		}
	}
}

func TestRunJobsStopsAtTheFirstErrorAndCatchesPanics(t *testing.T) {
	var ran atomic.Int32
	failure := errors.New("boom")
	jobs := []func() error{
		func() error { ran.Add(1); return failure },
		func() error { ran.Add(1); return nil },
		func() error { ran.Add(1); return nil },
	}
	if err := runJobs(1, jobs); !errors.Is(err, failure) || ran.Load() != 1 {
		t.Errorf("runJobs = %v after %d jobs, want the first job's error after 1", err, ran.Load())
	}
	err := runJobs(2, []func() error{func() error { panic("bad shape") }})
	if err == nil || !strings.Contains(err.Error(), "bad shape") {
		t.Errorf("a panicking job gave %v, want an error naming the panic", err)
	}
	ran.Store(0)
	if err := runJobs(3, jobs[1:]); err != nil || ran.Load() != 2 {
		t.Errorf("runJobs = %v after %d jobs, want nil after 2", err, ran.Load())
	}
}

func TestOnceMapComputesOnceAndForgetsFailures(t *testing.T) {
	var m onceMap[int]
	var calls atomic.Int32
	compute := func() (int, error) { calls.Add(1); return 7, nil }
	done := make(chan int)
	for range 8 {
		go func() { v, _ := m.get("k", compute); done <- v }()
	}
	for range 8 {
		if v := <-done; v != 7 {
			t.Fatalf("get = %d, want 7", v)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("computed %d times, want once", calls.Load())
	}
	if _, err := m.get("f", func() (int, error) { return 0, errors.New("transient") }); err == nil {
		t.Fatal("failure not reported")
	}
	if v, err := m.get("f", compute); err != nil || v != 7 {
		t.Errorf("after a failure get = %d, %v; want a fresh computation", v, err)
	}
}

func TestParallelDefaultsToOneJobPerCoreOnTheGoBackend(t *testing.T) {
	r := &Runner{Backend: goBackend(t)}
	if got, want := r.parallel(), runtime.GOMAXPROCS(0); got != want {
		t.Errorf("default Parallel on the Go backend = %d, want one per core (%d)", got, want)
	}
	r.Parallel = 1
	if got := r.parallel(); got != 1 {
		t.Errorf("Parallel 1 gives %d jobs at once", got)
	}
}

// A ReloadOnly runner reloads what its cache holds and trains nothing: a missing model is ErrNotCached, and no
// folder is left in the cache.
func TestReloadOnly(t *testing.T) {
	c := tinyConfig()
	dir := t.TempDir()
	r, err := New(goBackend(t), c, dir)
	if err != nil {
		t.Fatal(err)
	}
	r.ReloadOnly = true
	if _, err := r.Teacher(); !errors.Is(err, ErrNotCached) {
		t.Fatalf("teacher of an empty cache: %v, want ErrNotCached", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a reload-only runner left %d entries in the cache", len(entries))
	}
	trainer, err := New(goBackend(t), c, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trainer.Teacher(); err != nil {
		t.Fatal(err)
	}
	again, err := New(goBackend(t), c, dir)
	if err != nil {
		t.Fatal(err)
	}
	again.ReloadOnly = true
	if teacher, err := again.Teacher(); err != nil || !teacher.Cached {
		t.Errorf("teacher in the cache: %v (cached %v), want it reloaded", err, teacher != nil && teacher.Cached)
	}
}
