package losses

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
)

// pixelMean averages perPixel [B, H, W] over every pixel or, with partial labels, over the labelled pixels only:
// those whose one-hot truth [B, H, W, C] has a 1 (0 when there are none).
func pixelMean(perPixel, truth *Node, partial bool) *Node {
	if !partial {
		return ReduceAllMean(perPixel)
	}
	labelled := ReduceSum(truth, -1)
	return safeDivide(ReduceAllSum(Mul(perPixel, labelled)), ReduceAllSum(labelled))
}

// crossEntropy is CrossEntropyLoss, averaged over the labelled pixels only with partial labels.
func crossEntropy(labels, logits *Node, partial bool) *Node {
	checkLogits("CrossEntropyLoss", logits)
	labels = spatialLabels("CrossEntropyLoss", labels, logits)
	truth := OneHot(labels, logits.Shape().Dim(-1), logits.DType())
	return Neg(pixelMean(ReduceSum(Mul(truth, LogSoftmax(logits, -1)), -1), truth, partial))
}

// targetSupervision is TargetSupervisionLoss, averaged over the labelled pixels only with partial labels.
func targetSupervision(labels, targetProbs *Node, partial bool) *Node {
	checkLogits("TargetSupervisionLoss", targetProbs)
	labels = spatialLabels("TargetSupervisionLoss", labels, targetProbs)
	truth := OneHot(labels, targetProbs.Shape().Dim(-1), targetProbs.DType())
	probOfTruth := ReduceSum(Mul(truth, targetProbs), -1)
	return Neg(pixelMean(Log(MaxScalar(probOfTruth, 1e-7)), truth, partial))
}
