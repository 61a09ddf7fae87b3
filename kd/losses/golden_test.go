package losses

import (
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// goldenTolerance is the relative tolerance against the PyTorch reference (both sides compute in float64).
const goldenTolerance = 1e-4

func TestSegmentationLossesMatchPyTorch(t *testing.T) {
	for _, c := range mustGolden(t).Segmentation {
		t.Run(c.Name, func(t *testing.T) {
			logits := tensors.FromFlatDataAndDimensions(c.Logits, c.Dims...)
			labels := tensors.FromFlatDataAndDimensions(c.Labels, c.Dims[:3]...)
			teacher := tensors.FromFlatDataAndDimensions(c.TeacherLogits[0], c.Dims...)
			entropyTarget := tensors.FromFlatDataAndDimensions(c.EntropyTarget, c.Dims...)
			T := c.Temperature
			checks := []struct {
				name       string
				fn         lossFn
				extra      *tensors.Tensor
				value      float64
				gradient   []float64
				floorValue float64
			}{
				{"DiceLoss", func(_ *model.Scope, in []*graph.Node) *graph.Node { return DiceLoss(in[1], in[0]) },
					labels, c.Dice, c.DiceGrad, 0},
				{"LovaszSoftmaxLoss", func(_ *model.Scope, in []*graph.Node) *graph.Node {
					return LovaszSoftmaxLoss(in[1], in[0])
				}, labels, c.LovaszSoftmax, c.LovaszSoftmaxGrad, 0},
				{"KLDistillationLoss", func(_ *model.Scope, in []*graph.Node) *graph.Node {
					return KLDistillationLoss(in[1], in[0], T)
				}, teacher, c.KL, c.KLGrad, 0},
				{"KLDistillationFromProbs", func(_ *model.Scope, in []*graph.Node) *graph.Node {
					return KLDistillationFromProbs(in[1], in[0], T)
				}, entropyTarget, c.KLEntropyTarget, c.KLEntropyTargetGrad, 0},
			}
			for _, check := range checks {
				value, gradient := valueAndGradient(t, check.fn, logits, check.extra)
				assertClose(t, check.name+" value", []float64{value}, []float64{check.value}, goldenTolerance, 1e-12)
				assertClose(t, check.name+" gradient", gradient, check.gradient, goldenTolerance, 1e-9)
			}
		})
	}
}

func TestLabelsWithTrailingUnitAxis(t *testing.T) {
	c := mustGolden(t).Segmentation[0]
	logits := tensors.FromFlatDataAndDimensions(c.Logits, c.Dims...)
	labels := tensors.FromFlatDataAndDimensions(c.Labels, append(append([]int{}, c.Dims[:3]...), 1)...)
	dice, _ := valueAndGradient(t, func(_ *model.Scope, in []*graph.Node) *graph.Node {
		return DiceLoss(in[1], in[0])
	}, logits, labels)
	lovasz, _ := valueAndGradient(t, func(_ *model.Scope, in []*graph.Node) *graph.Node {
		return LovaszSoftmaxLoss(in[1], in[0])
	}, logits, labels)
	assertClose(t, "Dice with [B,H,W,1] labels", []float64{dice}, []float64{c.Dice}, goldenTolerance, 0)
	assertClose(t, "Lovász with [B,H,W,1] labels", []float64{lovasz}, []float64{c.LovaszSoftmax}, goldenTolerance, 0)
}

func TestFloat32MatchesPyTorch(t *testing.T) {
	c := mustGolden(t).Segmentation[0]
	logits32 := make([]float32, len(c.Logits))
	for i, v := range c.Logits {
		logits32[i] = float32(v)
	}
	logits := tensors.FromFlatDataAndDimensions(logits32, c.Dims...)
	labels := tensors.FromFlatDataAndDimensions(c.Labels, c.Dims[:3]...)
	value, gradient := valueAndGradient(t, func(_ *model.Scope, in []*graph.Node) *graph.Node {
		return graph.Add(DiceLoss(in[1], in[0]), LovaszSoftmaxLoss(in[1], in[0]))
	}, logits, labels)
	want := make([]float64, len(c.DiceGrad))
	for i := range want {
		want[i] = c.DiceGrad[i] + c.LovaszSoftmaxGrad[i]
	}
	assertClose(t, "float32 Dice+Lovász", []float64{value}, []float64{c.Dice + c.LovaszSoftmax}, 1e-5, 0)
	assertClose(t, "float32 Dice+Lovász gradient", gradient, want, 1e-3, 1e-3)
}

func TestMultiTeacherTargetsMatchPyTorch(t *testing.T) {
	for _, c := range mustGolden(t).Segmentation {
		t.Run(c.Name, func(t *testing.T) {
			inputs := make([]any, len(c.TeacherLogits))
			for k, teacher := range c.TeacherLogits {
				inputs[k] = tensors.FromFlatDataAndDimensions(teacher, c.Dims...)
			}
			exec, err := graph.NewExec(testBackend(), func(teachers []*graph.Node) []*graph.Node {
				return []*graph.Node{
					MeanTeacherProbs(teachers, c.Temperature),
					EntropyWeightedTeacherProbs(teachers, c.Temperature),
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			outputs, err := exec.Call(inputs...)
			if err != nil {
				t.Fatal(err)
			}
			assertClose(t, "MeanTeacherProbs", flatFloat64(t, outputs[0]), c.MeanTarget, goldenTolerance, 1e-9)
			assertClose(t, "EntropyWeightedTeacherProbs", flatFloat64(t, outputs[1]), c.EntropyTarget,
				goldenTolerance, 1e-9)
		})
	}
}

func TestLovaszHingeMatchesPyTorch(t *testing.T) {
	for _, c := range mustGolden(t).Hinge {
		t.Run(c.Name, func(t *testing.T) {
			value, gradient := valueAndGradient(t, func(_ *model.Scope, in []*graph.Node) *graph.Node {
				return LovaszHingeLoss(in[1], in[0])
			}, tensors.FromFlatDataAndDimensions(c.Logits, c.Dims...),
				tensors.FromFlatDataAndDimensions(c.Labels, c.Dims...))
			assertClose(t, "LovaszHingeLoss value", []float64{value}, []float64{c.LovaszHinge}, goldenTolerance, 0)
			assertClose(t, "LovaszHingeLoss gradient", gradient, c.LovaszHingeGrad, goldenTolerance, 1e-9)
		})
	}
}

func TestAttentionTransferMatchesPyTorch(t *testing.T) {
	for _, c := range mustGolden(t).Attention {
		t.Run(c.Name, func(t *testing.T) {
			value, gradient := valueAndGradient(t, func(_ *model.Scope, in []*graph.Node) *graph.Node {
				return AttentionTransferLoss(in[0], in[1])
			}, tensors.FromFlatDataAndDimensions(c.Student, c.StudentDims...),
				tensors.FromFlatDataAndDimensions(c.Teacher, c.TeacherDims...))
			assertClose(t, "AttentionTransferLoss value", []float64{value}, []float64{c.Attention}, goldenTolerance, 0)
			assertClose(t, "AttentionTransferLoss gradient", gradient, c.AttentionGrad, goldenTolerance, 1e-9)
		})
	}
}

// TestKnownValues checks the hand-computed example: p(fg) = [0.9, 0.2, 0.6, 0.05], labels [1, 0, 1, 0].
func TestKnownValues(t *testing.T) {
	known := mustGolden(t).Known
	logits := tensors.FromFlatDataAndDimensions(known.Logits, 1, 1, 4, 2)
	labels := tensors.FromFlatDataAndDimensions(known.Labels, 1, 1, 4)
	lovasz, _ := valueAndGradient(t, func(_ *model.Scope, in []*graph.Node) *graph.Node {
		return LovaszSoftmaxLoss(in[1], in[0])
	}, logits, labels)
	foregroundDice, _ := valueAndGradient(t, func(_ *model.Scope, in []*graph.Node) *graph.Node {
		return Dice(in[1], in[0]).IncludeBackground(false).Done()
	}, logits, labels)
	assertClose(t, "Lovász-softmax", []float64{lovasz}, []float64{0.24375}, 1e-9, 0)
	assertClose(t, "foreground Dice", []float64{foregroundDice}, []float64{0.1999995}, 1e-6, 0)
	assertClose(t, "foreground Dice vs MONAI port", []float64{foregroundDice}, []float64{known.DiceForeground},
		1e-9, 0)
}
