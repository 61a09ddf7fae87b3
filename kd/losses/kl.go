package losses

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	. "github.com/gomlx/gomlx/support/exceptions"
)

// KLDistillationLoss is Hinton's temperature-scaled distillation loss:
//
//	T² · mean over the B·H·W pixels of KL(softmax(teacher/T) ‖ softmax(student/T))
//
// The T² factor keeps the gradient magnitude independent of T. The teacher gets no gradient (StopGradient).
// teacherLogits and studentLogits are [B, H, W, C]; it returns a scalar.
func KLDistillationLoss(teacherLogits, studentLogits *Node, temperature float64) *Node {
	checkLogits("KLDistillationLoss", studentLogits)
	checkSameShape("KLDistillationLoss", "teacherLogits", teacherLogits, "studentLogits", studentLogits)
	checkTemperature("KLDistillationLoss", temperature)
	softTeacher := DivScalar(StopGradient(teacherLogits), temperature)
	return temperatureKL(Softmax(softTeacher, -1), LogSoftmax(softTeacher, -1), studentLogits, temperature)
}

// KLDistillationFromProbs is [KLDistillationLoss] against a target that is already a probability distribution
// over the last axis (for instance a multi-teacher target softened at the same temperature):
//
//	T² · mean over pixels of Σ_c q·(log q − log softmax(student/T)),   with 0·log 0 = 0.
//
// The target gets no gradient. targetProbs and studentLogits are [B, H, W, C]; it returns a scalar.
func KLDistillationFromProbs(targetProbs, studentLogits *Node, temperature float64) *Node {
	checkLogits("KLDistillationFromProbs", studentLogits)
	checkSameShape("KLDistillationFromProbs", "targetProbs", targetProbs, "studentLogits", studentLogits)
	checkTemperature("KLDistillationFromProbs", temperature)
	target := StopGradient(targetProbs)
	positive := GreaterThan(target, ZerosLike(target))
	logTarget := Where(positive, Log(Where(positive, target, OnesLike(target))), ZerosLike(target))
	return temperatureKL(target, logTarget, studentLogits, temperature)
}

// temperatureKL is T² · mean over pixels of Σ_c target·(logTarget − log softmax(student/T)).
func temperatureKL(target, logTarget, studentLogits *Node, temperature float64) *Node {
	return MulScalar(ReduceAllMean(klPerPixel(target, logTarget, studentLogits, temperature)), temperature*temperature)
}

// klPerPixel is Σ_c target·(logTarget − log softmax(student/T)), [B, H, W].
func klPerPixel(target, logTarget, studentLogits *Node, temperature float64) *Node {
	logStudent := LogSoftmax(DivScalar(studentLogits, temperature), -1)
	return ReduceSum(Mul(target, Sub(logTarget, logStudent)), -1)
}

// ClassBalancedKLDistillationLoss is [KLDistillationLoss] with the pixel mean replaced by a class-balanced one:
// the mean KL over the pixels of each class present in labels, averaged over those classes. A small structure
// (the prostate covers a few percent of a slice) then weighs as much as the background, which otherwise
// dominates the pixel mean and pulls a student with a short training budget towards predicting background
// everywhere. It is our option, not in Hinton's formulation: see Objective.ClassBalancedKL.
func ClassBalancedKLDistillationLoss(labels, teacherLogits, studentLogits *Node, temperature float64) *Node {
	checkLogits("ClassBalancedKLDistillationLoss", studentLogits)
	checkSameShape("ClassBalancedKLDistillationLoss", "teacherLogits", teacherLogits, "studentLogits", studentLogits)
	checkTemperature("ClassBalancedKLDistillationLoss", temperature)
	labels = spatialLabels("ClassBalancedKLDistillationLoss", labels, studentLogits)
	softTeacher := DivScalar(StopGradient(teacherLogits), temperature)
	perPixel := klPerPixel(Softmax(softTeacher, -1), LogSoftmax(softTeacher, -1), studentLogits, temperature)
	return MulScalar(classBalancedMean(perPixel, labels, studentLogits.Shape().Dim(-1)), temperature*temperature)
}

// ClassBalancedKLDistillationFromProbs is [KLDistillationFromProbs] with the class-balanced mean of
// [ClassBalancedKLDistillationLoss].
func ClassBalancedKLDistillationFromProbs(labels, targetProbs, studentLogits *Node, temperature float64) *Node {
	checkLogits("ClassBalancedKLDistillationFromProbs", studentLogits)
	checkSameShape("ClassBalancedKLDistillationFromProbs", "targetProbs", targetProbs, "studentLogits", studentLogits)
	checkTemperature("ClassBalancedKLDistillationFromProbs", temperature)
	labels = spatialLabels("ClassBalancedKLDistillationFromProbs", labels, studentLogits)
	target := StopGradient(targetProbs)
	positive := GreaterThan(target, ZerosLike(target))
	logTarget := Where(positive, Log(Where(positive, target, OnesLike(target))), ZerosLike(target))
	perPixel := klPerPixel(target, logTarget, studentLogits, temperature)
	return MulScalar(classBalancedMean(perPixel, labels, studentLogits.Shape().Dim(-1)), temperature*temperature)
}

// classBalancedMean averages perPixel [B, H, W] over the pixels of each class present in labels [B, H, W], then
// over the present classes (0 when there are none).
func classBalancedMean(perPixel, labels *Node, classes int) *Node {
	dtype := perPixel.DType()
	oneHot := OneHot(labels, classes, dtype)
	sums := ReduceSum(Mul(oneHot, ExpandAxes(perPixel, -1)), 0, 1, 2)
	counts := ReduceSum(oneHot, 0, 1, 2)
	ones := OnesLike(counts)
	present := GreaterThan(counts, ZerosLike(counts))
	means := Where(present, Div(sums, Max(counts, ones)), ZerosLike(counts))
	presentCount := ReduceAllSum(ConvertDType(present, dtype))
	return Div(ReduceAllSum(means), Max(presentCount, ScalarOne(perPixel.Graph(), dtype)))
}

// checkTemperature panics unless the temperature is a positive finite number.
func checkTemperature(lossName string, temperature float64) {
	if !(temperature > 0) || temperature > 1e30 {
		Panicf("losses.%s: temperature must be positive and finite, got %g", lossName, temperature)
	}
}

// CrossEntropyLoss is the mean over pixels of −log softmax(logits)[label], the usual hard-label loss.
// logits are [B, H, W, C]; labels are [B, H, W] or [B, H, W, 1] integer class ids.
func CrossEntropyLoss(labels, logits *Node) *Node {
	return crossEntropy(labels, logits, false)
}
