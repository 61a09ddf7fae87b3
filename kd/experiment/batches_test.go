package experiment

import (
	"slices"
	"testing"

	"github.com/gokd/gokd/datasets/batch"
	"github.com/gomlx/gomlx/core/tensors"
)

// firstBatches returns the images of the first n training batches of a seed, unaugmented: their order alone.
func firstBatches(t *testing.T, r *Runner, seed int64, n int) [][]float32 {
	t.Helper()
	d, err := r.Data()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := r.trainingBatches("order", d.Train, seed).Augment(batch.NoAugmentation).Done()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]float32
	for b, err := range ds.Iter() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tensors.MustCopyFlatData[float32](b.Inputs[0]))
		_ = b.Finalize()
		if len(out) == n {
			break
		}
	}
	return out
}

// TestTrainingBatchesShuffled checks that the students' batches are shuffled by their seed: two seeds see
// different orders, one seed the same order twice, and a batch mixes slices (not 8 consecutive slices of a case).
func TestTrainingBatchesShuffled(t *testing.T) {
	r, err := New(goBackend(t), tinyConfig(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	one, again, two := firstBatches(t, r, 1, n), firstBatches(t, r, 1, n), firstBatches(t, r, 2, n)
	same := 0
	for i := range n {
		if !slices.Equal(one[i], again[i]) {
			t.Errorf("seed 1 gave batch %d differently on a second run", i)
		}
		if slices.Equal(one[i], two[i]) {
			same++
		}
	}
	if same == n {
		t.Errorf("seeds 1 and 2 see the same %d batches: the training batches are not shuffled by the seed", n)
	}
}
