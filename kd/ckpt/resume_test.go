package ckpt

import (
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	_ "github.com/gomlx/compute/gobackend" // The pure-Go backend.
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// linearModel is a tiny model built through model.Scope: y = x·W + b.
func linearModel(scope *model.Scope, x *graph.Node) *graph.Node {
	dense := scope.At("dense")
	w := dense.VariableWithShape("weights", shapes.Make(dtypes.Float32, 3, 2)).NodeValue(x.Graph())
	b := dense.VariableWithShape("bias", shapes.Make(dtypes.Float32, 2)).NodeValue(x.Graph())
	return graph.Add(graph.Dot(x, w).Product(), graph.ExpandDims(b, 0))
}

// trainStep builds one Adam step on the mean squared error, returning the loss. The graph is marked as training:
// otherwise the Go backend bakes the variables' current values into it as constants (PreferConstantsForVariables),
// and the step counter and weights would not advance from one call to the next.
func trainStep(scope *model.Scope, x, y *graph.Node) *graph.Node {
	scope.SetTraining(x.Graph(), true)
	diff := graph.Sub(linearModel(scope, x), y)
	loss := graph.ReduceAllMean(graph.Mul(diff, diff))
	optimizer.Adam().LearningRate(0.05).Done().UpdateGraph(scope, x.Graph(), loss)
	return loss
}

// Resuming from a checkpoint must continue training exactly as if it had not stopped: same weights and same Adam
// moments and step counter, so the next steps produce bitwise identical variables.
func TestResumeTrainingIsExact(t *testing.T) {
	backend, err := compute.New()
	if err != nil {
		t.Fatal(err)
	}
	x := [][]float32{{1, 2, 3}, {-1, 0.5, 2}, {0, -2, 1}, {3, 1, -1}}
	y := [][]float32{{1, 0}, {0, 1}, {-1, 2}, {2, -1}}

	original := model.NewStore()
	originalTrain := model.MustNewExec(backend, original, trainStep)
	for range 3 {
		originalTrain.MustCall(x, y)
	}
	dir := t.TempDir()
	if err := Dir(dir).Metadata(Metadata{Step: optimizer.GetGlobalStep(original)}).Save(original); err != nil {
		t.Fatal(err)
	}

	// A new process: build the model (its weights only, by running inference once), then load.
	resumed := model.NewStore()
	model.MustNewExec(backend, resumed, linearModel).MustCall(x)
	meta, err := Dir(dir).Load(resumed)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Step != 3 || optimizer.GetGlobalStep(resumed) != 3 {
		t.Fatalf("resumed at step %d (global step %d), want 3", meta.Step, optimizer.GetGlobalStep(resumed))
	}
	resumedTrain := model.MustNewExec(backend, resumed, trainStep)
	for range 2 {
		originalTrain.MustCall(x, y)
		resumedTrain.MustCall(x, y)
	}
	if got, want := resumed.NumVariables(), original.NumVariables(); got != want || want < 5 {
		t.Fatalf("resumed store has %d variables, original %d (weights, bias, 2 moments each, steps)", got, want)
	}
	assertSameBytes(t, storeBytes(t, resumed), storeBytes(t, original))
}
