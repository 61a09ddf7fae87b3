package losses

import (
	"fmt"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	. "github.com/gomlx/gomlx/support/exceptions"
)

// AdaptiveWeightsVariable is the name of the variable, in the scope given to [AdaptiveTeacherProbs], that holds
// the learned teacher weight logits: shape [K], or [K, C] when per class. softmax over K gives the weights.
const AdaptiveWeightsVariable = "teacher_weight_logits"

// MeanTeacherProbs is multi-teacher target (a): the mean over the K teachers of softmax(logits_k/T).
// Every teacher's logits are [B, H, W, C]; the result too. Teachers get no gradient.
func MeanTeacherProbs(teacherLogits []*Node, temperature float64) *Node {
	return ReduceMean(softTeacherProbs("MeanTeacherProbs", teacherLogits, temperature), 0)
}

// EntropyWeightedTeacherProbs is multi-teacher target (b), per-pixel confidence weighting: at each pixel, teacher
// k's weight is softmax over k of −H_k, with H_k = −Σ_c p_k log p_k the entropy of its softened prediction
// p_k = softmax(logits_k/T). Confident teachers dominate where they are confident. Teachers get no gradient.
func EntropyWeightedTeacherProbs(teacherLogits []*Node, temperature float64) *Node {
	probs := softTeacherProbs("EntropyWeightedTeacherProbs", teacherLogits, temperature) // [K, B, H, W, C]
	positive := GreaterThan(probs, ZerosLike(probs))
	plogp := Where(positive, Mul(probs, Log(Where(positive, probs, OnesLike(probs)))), ZerosLike(probs))
	negativeEntropy := ReduceAndKeep(plogp, ReduceSum, -1) // −H_k, [K, B, H, W, 1]
	weights := Softmax(negativeEntropy, 0)
	return ReduceSum(Mul(weights, probs), 0)
}

// AdaptiveTeacherProbs is multi-teacher target (c), the "adaptive" student's: a convex combination of the
// teachers' softened predictions with learned weights softmax(w), w the variable [AdaptiveWeightsVariable] in
// scope: [K] logits, or [K, C] when perClass (one mixture per class). w starts at zero, so the initial target is
// [MeanTeacherProbs]. The teachers get no gradient; w does (train it with [TargetSupervisionLoss]).
func AdaptiveTeacherProbs(scope *model.Scope, teacherLogits []*Node, temperature float64, perClass bool) *Node {
	if scope == nil {
		Panicf("losses.AdaptiveTeacherProbs: scope is nil")
	}
	probs := softTeacherProbs("AdaptiveTeacherProbs", teacherLogits, temperature) // [K, B, H, W, C]
	numTeachers, numClasses := probs.Shape().Dim(0), probs.Shape().Dim(-1)
	weights := adaptiveTeacherWeights(scope, probs, numTeachers, numClasses, perClass) // [K, 1] or [K, C]
	weights = Reshape(weights, numTeachers, 1, 1, 1, weights.Shape().Dim(1))
	return ReduceSum(Mul(weights, probs), 0)
}

// adaptiveTeacherWeights returns softmax over the K teachers of the variable [AdaptiveWeightsVariable] in scope,
// created (zero) when missing: [K, 1], or [K, C] when perClass, of g's dtype (g is any node of the graph). Both
// [AdaptiveTeacherProbs] and the objective's feature terms read the weights through it, so they agree on the
// variable's shape and initial value whichever builds it first.
func adaptiveTeacherWeights(scope *model.Scope, g *Node, numTeachers, numClasses int, perClass bool) *Node {
	weightDims := []int{numTeachers, 1}
	if perClass {
		weightDims[1] = numClasses
	}
	weightLogits := scope.WithInitializer(initializer.Zero).
		VariableWithShape(AdaptiveWeightsVariable, shapes.Make(g.DType(), weightDims...)).NodeValue(g)
	if !weightLogits.Shape().Equal(shapes.Make(g.DType(), weightDims...)) {
		Panicf("losses.AdaptiveTeacherProbs: variable %s/%s has shape %s, want %v for %d teachers (perClass=%v)",
			scope.Scope(), AdaptiveWeightsVariable, weightLogits.Shape(), weightDims, numTeachers, perClass)
	}
	return Softmax(weightLogits, 0)
}

// TargetSupervisionLoss is the cross-entropy of a probability target against the labels: the mean over pixels of
// −log(target[label]), clamped at 1e-7 below. It is what trains the adaptive weights of [AdaptiveTeacherProbs]
// (the target must not be StopGradient'ed here). targetProbs are [B, H, W, C]; labels [B, H, W] or [B, H, W, 1].
func TargetSupervisionLoss(labels, targetProbs *Node) *Node {
	return targetSupervision(labels, targetProbs, false)
}

// softTeacherProbs validates K ≥ 1 teachers of the same [B, H, W, C] shape and returns their softened
// probabilities softmax(logits/T) stacked as [K, B, H, W, C], without gradient.
func softTeacherProbs(funcName string, teacherLogits []*Node, temperature float64) *Node {
	if len(teacherLogits) == 0 {
		Panicf("losses.%s: no teacher logits given", funcName)
	}
	checkTemperature(funcName, temperature)
	stacked := make([]*Node, len(teacherLogits))
	for k, logits := range teacherLogits {
		checkLogits(funcName, logits)
		checkSameShape(funcName, "teacher 0 logits", teacherLogits[0], fmt.Sprintf("teacher %d logits", k), logits)
		stacked[k] = InsertAxes(Softmax(DivScalar(StopGradient(logits), temperature), -1), 0)
	}
	return Concatenate(stacked, 0)
}
