package train

import (
	"slices"
	"testing"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gomlx/gomlx/core/tensors"
)

// TestTrainingStopsWhenValidationPlateaus scores the network with a scripted validation score: training stops
// once Patience scores in a row have not beaten the best, returns the network as it was at the best score (not
// the last one), and records the scores; with a score that keeps improving it trains all its steps.
func TestTrainingStopsWhenValidationPlateaus(t *testing.T) {
	backend := newBackend(t)
	samples := toySamples(16, 3)
	run := func(scores []float64) (*inference.Model, *History, map[int]*inference.Model) {
		t.Helper()
		scored := map[int]*inference.Model{} // By validation step.
		calls := 0
		job := Job{Name: "plateau", Net: toyNet(4), Data: toyData(t, samples, 1), Steps: 20, Seed: 1,
			ValidateEvery: 2, Patience: 3, Validate: func(m *inference.Model) (float64, error) {
				calls++
				scored[2*calls] = m
				return scores[calls-1], nil
			}}
		model, history, err := Run(backend, job)
		if err != nil {
			t.Fatal(err)
		}
		return model, history, scored
	}

	model, history, scored := run([]float64{0.1, 0.5, 0.4, 0.5, 0.3, 0.9, 0.9, 0.9, 0.9, 0.9})
	if !slices.Equal(history.ValidationSteps, []int{2, 4, 6, 8, 10}) || history.BestStep != 4 || history.StoppedStep != 10 {
		t.Fatalf("validated at %v, best at %d, stopped at %d: want 2…10, best 4 (ties do not count), stopped at 10",
			history.ValidationSteps, history.BestStep, history.StoppedStep)
	}
	if !sameWeights(t, model, scored[4]) || sameWeights(t, model, scored[10]) {
		t.Error("the returned network is not the one scored best (step 4), or the last one scored is the same")
	}
	if last := history.Steps[len(history.Steps)-1]; last != 10 {
		t.Errorf("history runs to step %d, want 10", last)
	}

	_, history, _ = run([]float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0})
	if history.StoppedStep != 20 || history.BestStep != 20 || len(history.ValidationScores) != 10 {
		t.Errorf("improving score: stopped at %d, best at %d, %d scores; want all 20 steps and 10 scores",
			history.StoppedStep, history.BestStep, len(history.ValidationScores))
	}
}

// sameWeights reports whether two models hold equal values in every variable.
func sameWeights(t *testing.T, a, b *inference.Model) bool {
	t.Helper()
	values := map[string]*tensors.Tensor{}
	for v := range a.Store.IterVariables() {
		values[v.Path()] = v.MustValue()
	}
	n := 0
	for v := range b.Store.IterVariables() {
		other, found := values[v.Path()]
		if !found {
			return false
		}
		x, y := tensors.MustCopyFlatData[float32](other), tensors.MustCopyFlatData[float32](v.MustValue())
		if !slices.Equal(x, y) {
			return false
		}
		n++
	}
	return n == len(values) && n > 0
}
