package losses

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

func TestFromScopeReadsHyperparameters(t *testing.T) {
	store := model.NewStore()
	scope := store.RootScope()
	scope.SetParams(map[string]any{ParamKLWeight: 0.25, ParamTemperature: 2.0, ParamTeacherFusion: "entropy"})
	o, err := FromScope(scope.In("student"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultObjective().KL(0.25).Temperature(2).Fusion(FusionEntropy, false)
	if *o != *want {
		t.Fatalf("FromScope = %+v, want %+v", *o, *want)
	}

	scope.SetParam(ParamTeacherFusion, "median")
	if _, err := FromScope(scope); err == nil || !strings.Contains(err.Error(), `"median"`) {
		t.Fatalf("unknown fusion: got error %v, want one naming \"median\"", err)
	}
	scope.SetParam(ParamTeacherFusion, "mean")
	scope.SetParam(ParamDiceWeight, -1.0)
	if _, err := FromScope(scope); err == nil || !strings.Contains(err.Error(), "dice=-1") {
		t.Fatalf("negative weight: got error %v, want one naming dice=-1", err)
	}
}

// TestObjectiveTotalIsTheWeightedSum checks which terms are built and that the total is their weighted sum.
func TestObjectiveTotalIsTheWeightedSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	logits, labels := randomTensor(rng, 2, 2, 4, 4, 2), randomLabels(rng, 2, 2, 4, 4)
	teachers := []any{randomTensor(rng, 2, 2, 4, 4, 2), randomTensor(rng, 2, 2, 4, 4, 2)}
	studentFeature, teacherFeature := randomTensor(rng, 1, 2, 2, 2, 3), randomTensor(rng, 1, 2, 2, 2, 5)
	objective := DefaultObjective().CrossEntropy(0.5).Attention(0)
	wantTerms := []string{TermDice, TermLovasz, TermCrossEntropy, TermKL, TermTargetSupervision, TermHint}

	exec, err := model.NewExec(testBackend(), model.NewStore(), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		total, terms := objective.Loss(scope, Inputs{
			Labels: in[0], StudentLogits: in[1], TeacherLogits: in[2:4],
			Features: []FeaturePair{{Name: "bottleneck", Student: in[4], Teacher: in[5]}},
		})
		if len(terms) != len(wantTerms) {
			t.Errorf("terms %v, want %v", terms, wantTerms)
		}
		outputs := []*graph.Node{total}
		for _, name := range wantTerms {
			outputs = append(outputs, terms[name])
		}
		return outputs
	})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := exec.Call(append([]any{labels, logits}, append(teachers, studentFeature, teacherFeature)...)...)
	if err != nil {
		t.Fatal(err)
	}
	weights := objective.weights()
	var want float64
	for i, name := range wantTerms {
		value := scalarOf(t, outputs[i+1])
		if !(value > 0) {
			t.Errorf("term %s = %g, want > 0", name, value)
		}
		want += weights[name] * value
	}
	assertClose(t, "total", []float64{scalarOf(t, outputs[0])}, []float64{want}, 1e-12, 0)
}

func TestObjectiveWithOneTeacherUsesPlainKL(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	logits, labels, teacher := randomTensor(rng, 2, 1, 3, 3, 3), randomLabels(rng, 3, 1, 3, 3), randomTensor(rng, 2, 1, 3, 3, 3)
	exec, err := model.NewExec(testBackend(), model.NewStore(), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		_, terms := DefaultObjective().ClassBalancedKL(true).Loss(scope.In("balanced"), Inputs{Labels: in[0], StudentLogits: in[1], TeacherLogits: in[2:]})
		if _, found := terms[TermTargetSupervision]; found {
			t.Errorf("one teacher: unexpected %s term", TermTargetSupervision)
		}
		_, plain := DefaultObjective().ClassBalancedKL(false).Loss(scope.In("plain"), Inputs{Labels: in[0], StudentLogits: in[1], TeacherLogits: in[2:]})
		return []*graph.Node{terms[TermKL], ClassBalancedKLDistillationLoss(in[0], in[2], in[1], 4), plain[TermKL], KLDistillationLoss(in[2], in[1], 4)}
	})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := exec.Call(labels, logits, teacher)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "KL term", []float64{scalarOf(t, outputs[0])}, []float64{scalarOf(t, outputs[1])}, 1e-12, 0)
	assertClose(t, "plain KL term", []float64{scalarOf(t, outputs[2])}, []float64{scalarOf(t, outputs[3])}, 1e-12, 0)
}

// TestClassBalancedMean checks the class-balanced reduction by hand: per-pixel values 1, 2, 3 on class 0 and 10
// on class 1 average to (2 + 10)/2 = 6, not to the pixel mean 4; with no pixel of a class, that class is left out.
func TestClassBalancedMean(t *testing.T) {
	exec, err := model.NewExec(testBackend(), model.NewStore(), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{classBalancedMean(in[0], in[1], 3)}
	})
	if err != nil {
		t.Fatal(err)
	}
	perPixel := [][][]float64{{{1, 2}, {3, 10}}}
	for _, c := range []struct {
		labels [][][]int32
		want   float64
	}{
		{[][][]int32{{{0, 0}, {0, 1}}}, 6},
		{[][][]int32{{{2, 2}, {2, 2}}}, 4},
	} {
		outputs, err := exec.Call(perPixel, c.labels)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, "class-balanced mean", []float64{scalarOf(t, outputs[0])}, []float64{c.want}, 1e-12, 0)
	}
}

// TestObjectiveString checks that the description names every setting: objectives that differ in any one of
// them describe themselves differently (the experiment's cache keys on it).
func TestObjectiveString(t *testing.T) {
	base := func() *Objective { return DefaultObjective() }
	variants := []*Objective{base(), base().Dice(2), base().Lovasz(2), base().KL(2), base().Hint(2), base().Attention(2),
		base().CrossEntropy(2), base().TargetSupervision(2), base().Temperature(2), base().ClassBalancedKL(true),
		base().Fusion(FusionMean, false), base().Fusion(FusionAdaptive, true)}
	seen := map[string]int{}
	for i, o := range variants {
		if j, dup := seen[o.String()]; dup {
			t.Errorf("variants %d and %d describe themselves alike: %q", j, i, o.String())
		}
		seen[o.String()] = i
	}
	if base().String() != base().String() {
		t.Error("the same objective describes itself differently")
	}
	if names := TermNames(); len(names) != 7 || names[0] != TermDice {
		t.Errorf("TermNames() = %v", names)
	}
}
