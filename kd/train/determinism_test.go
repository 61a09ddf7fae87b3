package train

import "testing"

// Training is deterministic on each backend: the same job (same seed, same data order) gives bitwise the same
// weights twice, and another seed gives other weights. This holds for the Go backend and for XLA's CPU compiler
// (whose thread pool splits work but not the order of a reduction); README's backend section states it.
func TestTrainingIsDeterministic(t *testing.T) {
	backend := newBackend(t)
	run := func(seed int64) map[string][]float32 {
		job := parallelJob(t, 0)
		job.Seed = seed
		trained, _, err := Run(backend, job)
		if err != nil {
			t.Fatal(err)
		}
		return variables(t, trained)
	}
	first := run(3)
	if d := maxDifference(t, first, run(3)); d != 0 {
		t.Errorf("%s: the same job twice gave weights that differ by up to %g", backend.Name(), d)
	}
	if d := maxDifference(t, first, run(4)); d == 0 {
		t.Errorf("%s: seeds 3 and 4 gave the same weights", backend.Name())
	}
}
