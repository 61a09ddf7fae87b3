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
	logStudent := LogSoftmax(DivScalar(studentLogits, temperature), -1)
	perPixel := ReduceSum(Mul(target, Sub(logTarget, logStudent)), -1)
	return MulScalar(ReduceAllMean(perPixel), temperature*temperature)
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
	checkLogits("CrossEntropyLoss", logits)
	labels = spatialLabels("CrossEntropyLoss", labels, logits)
	truth := OneHot(labels, logits.Shape().Dim(-1), logits.DType())
	return Neg(ReduceAllMean(ReduceSum(Mul(truth, LogSoftmax(logits, -1)), -1)))
}
