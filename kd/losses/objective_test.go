package losses

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

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
		base().Fusion(FusionMean, false), base().Fusion(FusionAdaptive, true), base().PartialLabels(true)}
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

// TestObjectiveWeighsFeaturePairsLikeTheTeachers checks that with K > 1 teachers the hint and attention terms are
// the mixture of the per-teacher terms that the fusion makes of the logits — 1/K each for the mean and entropy
// fusions, softmax of the adaptive weight logits (averaged over classes when per class) for the adaptive one — not
// their sum; that one teacher's pair weighs 1; and that the feature terms give the adaptive weights no gradient
// (while the whole objective, through the target supervision, does).
func TestObjectiveWeighsFeaturePairsLikeTheTeachers(t *testing.T) {
	softmax := func(logits ...float64) []float64 {
		var sum float64
		out := make([]float64, len(logits))
		for i, l := range logits {
			out[i] = math.Exp(l)
			sum += out[i]
		}
		for i := range out {
			out[i] /= sum
		}
		return out
	}
	perClass0, perClass1 := softmax(0.4, -0.8), softmax(1.0, 0.2) // Classes 0 and 1 of the per-class logits below.
	cases := []struct {
		name         string
		fusion       TeacherFusion
		perClass     bool
		teachers     int
		weightLogits []float64 // The adaptive variable's value, [K, 1] or [K, C] row-major; nil leaves it unset.
		want         []float64 // Each teacher's weight.
	}{
		{"one teacher", FusionAdaptive, false, 1, nil, []float64{1}},
		{"mean", FusionMean, false, 2, nil, []float64{0.5, 0.5}},
		{"entropy", FusionEntropy, false, 2, nil, []float64{0.5, 0.5}},
		{"adaptive", FusionAdaptive, false, 2, []float64{0.4, -0.8}, softmax(0.4, -0.8)},
		{"adaptive per class", FusionAdaptive, true, 2, []float64{0.4, 1.0, -0.8, 0.2},
			[]float64{(perClass0[0] + perClass1[0]) / 2, (perClass0[1] + perClass1[1]) / 2}},
	}
	rng := rand.New(rand.NewPCG(6, 7))
	logits, labels := randomTensor(rng, 2, 2, 4, 4, 2), randomLabels(rng, 2, 2, 4, 4)
	inputs := []any{labels, logits, randomTensor(rng, 1, 2, 2, 2, 3)} // Labels, student logits, student feature.
	for range 2 {
		inputs = append(inputs, randomTensor(rng, 2, 2, 4, 4, 2), randomTensor(rng, 1, 2, 2, 2, 5)) // Logits, feature.
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := model.NewStore()
			if c.weightLogits != nil {
				fusionScope := store.RootScope().In("objective").In("teacher_fusion")
				value := tensors.FromFlatDataAndDimensions(c.weightLogits, c.teachers, len(c.weightLogits)/c.teachers)
				if _, err := fusionScope.CreateVariable(AdaptiveWeightsVariable, value); err != nil {
					t.Fatal(err)
				}
			}
			objective := DefaultObjective().Fusion(c.fusion, c.perClass)
			exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
				loss := Inputs{Labels: in[0], StudentLogits: in[1]}
				for k := range c.teachers {
					loss.TeacherLogits = append(loss.TeacherLogits, in[3+2*k])
					loss.Features = append(loss.Features, FeaturePair{Name: fmt.Sprintf("t%d", k), Student: in[2],
						Teacher: in[4+2*k], TeacherIndex: k})
				}
				total, terms := objective.Loss(scope.In("objective"), loss)
				outputs := []*graph.Node{terms[TermHint], terms[TermAttention]}
				hintScope := scope.Shared("objective").In("hint") // The adapters Loss trained: the same variables.
				for k, pair := range loss.Features {
					outputs = append(outputs, HintLoss(hintScope.In("t%d", k), pair.Student, pair.Teacher),
						AttentionTransferLoss(pair.Student, pair.Teacher))
				}
				if c.fusion == FusionAdaptive && c.teachers > 1 {
					weightLogits := scope.At("objective").At("teacher_fusion").GetVariable(AdaptiveWeightsVariable).NodeValue(total)
					features := graph.Add(terms[TermHint], terms[TermAttention])
					outputs = append(outputs, graph.Gradient(features, weightLogits)[0], graph.Gradient(total, weightLogits)[0])
				}
				return outputs
			})
			if err != nil {
				t.Fatal(err)
			}
			outputs, err := exec.Call(inputs[:3+2*c.teachers]...)
			if err != nil {
				t.Fatal(err)
			}
			var wantHint, wantAttention float64
			for k, weight := range c.want {
				wantHint += weight * scalarOf(t, outputs[2+2*k])
				wantAttention += weight * scalarOf(t, outputs[3+2*k])
			}
			assertClose(t, "hint", []float64{scalarOf(t, outputs[0])}, []float64{wantHint}, 1e-12, 0)
			assertClose(t, "attention", []float64{scalarOf(t, outputs[1])}, []float64{wantAttention}, 1e-12, 0)
			if c.fusion != FusionAdaptive || c.teachers == 1 {
				return
			}
			gradients := outputs[2+2*c.teachers:]
			for _, g := range flatFloat64(t, gradients[0]) {
				if g != 0 {
					t.Fatalf("feature terms' gradient w.r.t. the adaptive weight logits = %v, want 0", flatFloat64(t, gradients[0]))
				}
			}
			if slices.Equal(flatFloat64(t, gradients[1]), make([]float64, len(c.weightLogits))) {
				t.Error("the whole objective gives the adaptive weight logits no gradient: the test's variable is not the fusion's")
			}
		})
	}
}

func TestObjectiveRejectsAFeaturePairOfNoTeacher(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	logits, feature := randomTensor(rng, 1, 1, 2, 2, 2), randomTensor(rng, 1, 1, 2, 2, 3)
	exec, err := model.NewExec(testBackend(), model.NewStore(), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		total, _ := DefaultObjective().Loss(scope, Inputs{Labels: in[0], StudentLogits: in[1], TeacherLogits: in[1:3],
			Features: []FeaturePair{{Name: "f", Student: in[3], Teacher: in[3], TeacherIndex: 2}}})
		return []*graph.Node{total}
	})
	if err == nil {
		_, err = exec.Call(randomLabels(rng, 2, 1, 2, 2), logits, logits, feature)
	}
	if err == nil || !strings.Contains(err.Error(), "TeacherIndex 2") {
		t.Fatalf("got error %v, want one naming TeacherIndex 2", err)
	}
}

// Validate names what is wrong: an unknown fusion, a negative weight, a temperature that is not positive.
func TestObjectiveValidate(t *testing.T) {
	for _, c := range []struct {
		o    *Objective
		want string
	}{
		{DefaultObjective().Fusion("median", false), `"median"`},
		{DefaultObjective().Dice(-1), "dice=-1"},
		{DefaultObjective().Temperature(0), "temperature must be positive"},
	} {
		if err := c.o.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %s", c.o, err, c.want)
		}
	}
	if err := DefaultObjective().Validate(); err != nil {
		t.Errorf("the default objective: %v", err)
	}
}
