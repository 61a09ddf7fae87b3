package losses

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	. "github.com/gomlx/gomlx/support/exceptions"
)

// ConfidenceTeacherWeights are the input-dependent weights of the K teachers on each sample of a batch, the
// confidence-aware weighting of CA-MKD (Zhang, Chen and Wang, "Confidence-Aware Multi-Teacher Knowledge
// Distillation", ICASSP 2022): teacher k's cross-entropy against the labels, L_k(b), averaged over sample b's
// labelled pixels, becomes the weight
//
//	w_k(b) = (1 − exp(L_k(b)) / Σ_j exp(L_j(b))) / (K − 1),
//
// so that the teacher that predicts sample b best weighs most, and the weights of a sample sum to 1. A sample
// without labelled pixels (hidden labels, datasets.WithoutLabels) gives every teacher 1/K. Nothing is learned: the
// teachers' logits and the weights carry no gradient. labels are [B, H, W] or [B, H, W, 1] class ids (out of range:
// unlabelled); the teachers' logits [B, H, W, C] each. The result is [K, B]. It needs K ≥ 2.
func ConfidenceTeacherWeights(labels *Node, teacherLogits []*Node) *Node {
	if len(teacherLogits) < 2 {
		Panicf("losses.ConfidenceTeacherWeights: %d teachers, want at least 2", len(teacherLogits))
	}
	perSample := make([]*Node, len(teacherLogits))
	for k, logits := range teacherLogits {
		checkLogits("ConfidenceTeacherWeights", logits)
		checkSameShape("ConfidenceTeacherWeights", "teacher 0 logits", teacherLogits[0], "teacher logits", logits)
		logits = StopGradient(logits)
		spatial := spatialLabels("ConfidenceTeacherWeights", labels, logits)
		truth := OneHot(spatial, logits.Shape().Dim(-1), logits.DType())             // [B, H, W, C]; unlabelled: zeros.
		crossEntropy := Neg(ReduceSum(Mul(truth, LogSoftmax(logits, -1)), -1, 1, 2)) // [B]
		labelled := ReduceSum(truth, -1, 1, 2)                                       // [B]
		perSample[k] = InsertAxes(safeDivide(crossEntropy, labelled), 0)             // [1, B]
	}
	teachers := float64(len(teacherLogits))
	return StopGradient(DivScalar(OneMinus(Softmax(Concatenate(perSample, 0), 0)), teachers-1))
}

// ConfidenceWeightedTeacherProbs is the multi-teacher target of FusionConfidence: on each sample, the mixture of
// the teachers' softened predictions softmax(logits_k/T) weighted by [ConfidenceTeacherWeights]. Teachers get no
// gradient.
func ConfidenceWeightedTeacherProbs(labels *Node, teacherLogits []*Node, temperature float64) *Node {
	probs := softTeacherProbs("ConfidenceWeightedTeacherProbs", teacherLogits, temperature) // [K, B, H, W, C]
	weights := ConfidenceTeacherWeights(labels, teacherLogits)                              // [K, B]
	weights = Reshape(weights, weights.Shape().Dim(0), weights.Shape().Dim(1), 1, 1, 1)
	return ReduceSum(Mul(ConvertDType(weights, probs.DType()), probs), 0)
}
