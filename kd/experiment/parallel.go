package experiment

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/gomlx/compute/gobackend"
)

// TrainAll trains (or reloads from the cache) every model of the experiment — the teacher, the site teachers, the
// student candidates (Config.StudentCandidates), each student kind's tuning runs and its students for each seed — up to Parallel of them at once. A student whose teachers are still training
// waits for them; the jobs are ordered so that this is rare.
func (r *Runner) TrainAll() error {
	d, err := r.Data()
	if err != nil {
		return err
	}
	jobs := []func() error{func() error { _, err := r.Teacher(); return err }}
	for i := range d.TeacherSubsets {
		jobs = append(jobs, func() error { _, err := r.siteTeacher(d, i); return err })
	}
	// The student rule needs the teacher: its candidates train one after the other, alongside the site teachers.
	jobs = append(jobs, func() error { _, err := r.ChooseStudent(); return err })
	// The single-teacher students come last: they need the teacher, the longest training, started first. Each
	// kind's tuning runs come before its students, which wait for the choice.
	isSingleKD := func(kind StudentKind) bool { return kind == StudentSingleKD }
	c := r.Config
	kinds := append(slices.DeleteFunc(c.Kinds(), isSingleKD), StudentSingleKD)
	for _, kind := range kinds {
		if candidates := c.Tune.Candidates(c.baseSetting(), kind.Distilled()); len(candidates) > 1 {
			for i, setting := range candidates {
				for s := range c.Tune.seeds() {
					jobs = append(jobs, func() error { _, err := r.tuningRun(kind, i, s, setting); return err })
				}
			}
		}
	}
	for _, kind := range kinds {
		for _, seed := range c.Seeds {
			jobs = append(jobs, func() error { _, err := r.Student(kind, seed); return err })
		}
	}
	return runJobs(r.parallel(), jobs)
}

// parallel resolves Runner.Parallel's default.
func (r *Runner) parallel() int {
	switch {
	case r.Parallel > 0:
		return r.Parallel
	case r.Backend.String() == gobackend.BackendName:
		return runtime.GOMAXPROCS(0)
	default:
		return 1 // An accelerator already runs one training's ops in parallel; several would share its memory.
	}
}

// runJobs runs jobs on up to workers goroutines, taking them in order, and returns the first error (a panic
// becomes an error); after an error no new job starts.
func runJobs(workers int, jobs []func() error) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		next     int
		firstErr error
	)
	for range min(max(workers, 1), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if firstErr != nil || next == len(jobs) {
					mu.Unlock()
					return
				}
				job := jobs[next]
				next++
				mu.Unlock()
				if err := runJob(job); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// runJob runs job, turning a panic into an error: on a worker goroutine it would otherwise end the process.
func runJob(job func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("experiment: training job panicked: %v", p)
		}
	}()
	return job()
}

// onceMap computes a value once per key, however many goroutines ask for it at the same time: the others wait
// for the first one's result. A failed computation is forgotten, so a later call tries again.
type onceMap[T any] struct {
	mu      sync.Mutex
	entries map[string]*onceEntry[T]
}

type onceEntry[T any] struct {
	once  sync.Once
	value T
	err   error
}

func (m *onceMap[T]) get(key string, compute func() (T, error)) (T, error) {
	m.mu.Lock()
	if m.entries == nil {
		m.entries = map[string]*onceEntry[T]{}
	}
	e, found := m.entries[key]
	if !found {
		e = &onceEntry[T]{}
		m.entries[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() { e.value, e.err = compute() })
	if e.err != nil {
		m.mu.Lock()
		if m.entries[key] == e {
			delete(m.entries, key)
		}
		m.mu.Unlock()
	}
	return e.value, e.err
}
