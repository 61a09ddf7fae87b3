package train

import (
	"slices"
	"testing"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/losses"
)

// A inference.Predictor compiled before the model's weights change must infer with the new weights: compute's Go backend
// bakes an inference graph's weights into the compiled program as constants, so a cached graph would silently
// keep the old ones. Checked for a checkpoint load into the model's store, for a variable set by hand, and for a
// batch shape first compiled after the change (which would mix old and new weights across shapes).
func TestPredictorUsesWeightsChangedAfterCompilation(t *testing.T) {
	backend := newBackend(t)
	train := func(steps int, seed int64) *inference.Model {
		t.Helper()
		m, _, err := Run(backend, Job{Name: "toy", Net: toyNet(4), Data: toyData(t, toySamples(16, 1), 1),
			Steps: steps, Seed: seed, Objective: losses.DefaultObjective()})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	samples := toySamples(2, 3)
	logits := func(p *inference.Predictor, batchSize int) [][]float32 {
		t.Helper()
		l, err := p.Logits(samples, batchSize)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	fresh := func(m *inference.Model, batchSize int) [][]float32 {
		t.Helper()
		p, err := m.NewPredictor(backend)
		if err != nil {
			t.Fatal(err)
		}
		return logits(p, batchSize)
	}
	equal := func(a, b [][]float32) bool { return slices.EqualFunc(a, b, slices.Equal[[]float32]) }

	a, b := train(2, 1), train(6, 2)
	before := fresh(a, 2)
	if equal(before, fresh(b, 2)) {
		t.Fatal("two differently trained models infer the same logits: the test cannot tell weights apart")
	}

	// A checkpoint of b loaded into a's store after a's predictor was compiled (and used).
	p, err := a.NewPredictor(backend)
	if err != nil {
		t.Fatal(err)
	}
	if !equal(logits(p, 2), before) {
		t.Fatal("the predictor does not reproduce a fresh one on the same weights")
	}
	dir := t.TempDir()
	if err := b.Save(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := inference.LoadModel(dir, b.Net)
	if err != nil {
		t.Fatal(err)
	}
	for v := range a.Store.IterVariables() {
		src := loaded.Store.GetVariable(v.Path())
		if src == nil {
			t.Fatalf("variable %s missing from the loaded model", v.Path())
		}
		value, err := src.Value()
		if err != nil {
			t.Fatal(err)
		}
		if err := v.SetValue(value); err != nil {
			t.Fatal(err)
		}
	}
	want := fresh(b, 2)
	if got := logits(p, 2); !equal(got, want) {
		t.Error("after new weights were set, the predictor compiled before still infers with the old ones")
	}
	if got, want := logits(p, 1), fresh(b, 1); !equal(got, want) {
		t.Error("a batch shape compiled after the weights changed does not use the new weights")
	}
}
