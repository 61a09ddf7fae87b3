package losses

import (
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	. "github.com/gomlx/gomlx/support/exceptions"
)

// checkLogits panics (a GoMLX exception) unless logits are floating point and [B, H, W, C].
func checkLogits(lossName string, logits *Node) {
	if logits == nil {
		Panicf("losses.%s: logits are nil", lossName)
	}
	if !logits.DType().IsFloat() {
		Panicf("losses.%s: logits must be float32 or float64, got %s", lossName, logits.Shape())
	}
	if logits.Rank() != 4 {
		Panicf("losses.%s: logits must be [B, H, W, C] (channels-last), got %s", lossName, logits.Shape())
	}
}

// checkSameShape panics unless a and b have the same shape; names are used in the message.
func checkSameShape(lossName, aName string, a *Node, bName string, b *Node) {
	if a == nil || b == nil {
		Panicf("losses.%s: %s or %s is nil", lossName, aName, bName)
	}
	if !a.Shape().Equal(b.Shape()) {
		Panicf("losses.%s: %s %s and %s %s must have the same shape", lossName, aName, a.Shape(), bName, b.Shape())
	}
}

// spatialLabels validates labels against logits [B, H, W, C] and returns them as [B, H, W] int32.
// Labels may be [B, H, W] or [B, H, W, 1], of any integer dtype.
func spatialLabels(lossName string, labels, logits *Node) *Node {
	if labels == nil {
		Panicf("losses.%s: labels are nil", lossName)
	}
	if !labels.DType().IsInt() {
		Panicf("losses.%s: labels must be integer class ids, got %s", lossName, labels.Shape())
	}
	dims := logits.Shape().Dimensions[:3]
	if labels.Rank() == 4 && labels.Shape().Dim(-1) == 1 {
		labels = Reshape(labels, labels.Shape().Dimensions[:3]...)
	}
	if labels.Rank() != 3 || labels.Shape().Dim(0) != dims[0] || labels.Shape().Dim(1) != dims[1] ||
		labels.Shape().Dim(2) != dims[2] {
		Panicf("losses.%s: labels %s do not match logits %s: want [B, H, W] or [B, H, W, 1]",
			lossName, labels.Shape(), logits.Shape())
	}
	return ConvertDType(labels, dtypes.Int32)
}

// safeDivide returns numerator / denominator where denominator > 0 and 0 elsewhere, with no NaN gradient.
func safeDivide(numerator, denominator *Node) *Node {
	positive := GreaterThan(denominator, ZerosLike(denominator))
	safeDenominator := Where(positive, denominator, OnesLike(denominator))
	return Where(positive, Div(numerator, safeDenominator), ZerosLike(numerator))
}
