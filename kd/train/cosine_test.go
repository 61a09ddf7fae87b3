package train

import (
	"slices"
	"testing"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gomlx/gomlx/core/tensors"
)

// weightsOf flattens a model's variables, in the store's order.
func weightsOf(t *testing.T, m *inference.Model) []float32 {
	t.Helper()
	var out []float32
	for v := range m.Store.IterVariables() {
		value, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tensors.MustCopyFlatData[float32](value)...)
	}
	return out
}

// TestCosineDecay checks that CosineDecay starts at the configured learning rate (one step: the same weights
// as without it) and then lowers it (three steps: different weights).
func TestCosineDecay(t *testing.T) {
	backend := newBackend(t)
	samples := toySamples(16, 1)
	train := func(steps int, cosine bool) []float32 {
		m, _, err := Run(backend, Job{Name: "cosine", Net: toyNet(2), Data: toyData(t, samples, 1), Steps: steps,
			LearningRate: 0.01, CosineDecay: cosine, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		return weightsOf(t, m)
	}
	if !slices.Equal(train(1, false), train(1, true)) {
		t.Error("after one step the cosine schedule's weights differ: it should start at the full learning rate")
	}
	if slices.Equal(train(3, false), train(3, true)) {
		t.Error("after three steps the cosine schedule's weights equal the constant rate's: no decay")
	}
}
