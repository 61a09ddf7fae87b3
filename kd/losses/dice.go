package losses

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
)

// MONAI DiceLoss defaults for the smoothing terms added to the numerator and the denominator.
const (
	DefaultDiceSmoothNumerator   = 1e-5
	DefaultDiceSmoothDenominator = 1e-5
)

// DiceConfig configures a soft Dice loss; create it with [Dice], set options, and call [DiceConfig.Done].
type DiceConfig struct {
	labels, logits                     *Node
	includeBackground, partialLabels   bool
	smoothNumerator, smoothDenominator float64
}

// Dice starts configuring a soft Dice loss on softmax(logits) against labels, with the MONAI
// DiceLoss(softmax=True, to_onehot_y=True) defaults: background included, smoothing 1e-5 on both sides.
//
// logits are [B, H, W, C]; labels are [B, H, W] or [B, H, W, 1] integer class ids.
func Dice(labels, logits *Node) *DiceConfig {
	return &DiceConfig{
		labels:            labels,
		logits:            logits,
		includeBackground: true,
		smoothNumerator:   DefaultDiceSmoothNumerator,
		smoothDenominator: DefaultDiceSmoothDenominator,
	}
}

// IncludeBackground sets whether class 0 takes part in the mean over classes (MONAI include_background).
// Default true. Excluding it with C = 1 leaves no class and the loss is 0.
func (c *DiceConfig) IncludeBackground(include bool) *DiceConfig {
	c.includeBackground = include
	return c
}

// Smooth sets the terms added to the numerator and the denominator (MONAI smooth_nr, smooth_dr).
// They make an absent class that is not predicted score a loss of ≈0 instead of 0/0.
func (c *DiceConfig) Smooth(numerator, denominator float64) *DiceConfig {
	c.smoothNumerator, c.smoothDenominator = numerator, denominator
	return c
}

// PartialLabels sets whether labels may hold unlabelled pixels (datasets.Unlabelled, −1): they then take no part
// in the sums, and the mean runs over the images that have a labelled pixel (0 when none has). Default false,
// where such ids belong to no class while their predictions still count.
func (c *DiceConfig) PartialLabels(partial bool) *DiceConfig {
	c.partialLabels = partial
	return c
}

// Done builds the loss: per image b and class c,
//
//	1 − (2·Σ p·g + smoothNumerator) / (Σ p + Σ g + smoothDenominator)
//
// with the sums over H and W, p = softmax(logits) and g the one-hot labels; the scalar is the mean over B and C.
func (c *DiceConfig) Done() *Node {
	checkLogits("Dice", c.logits)
	labels := spatialLabels("Dice", c.labels, c.logits)
	numClasses := c.logits.Shape().Dim(-1)
	probs := Softmax(c.logits, -1)
	truth := OneHot(labels, numClasses, probs.DType()) // 0 where unlabelled.
	var labelledImages *Node                           // [B, 1]: 1 for an image with a labelled pixel.
	if c.partialLabels {
		labelled := ReduceAndKeep(truth, ReduceSum, -1)
		probs = Mul(probs, labelled)
		labelledImages = MinScalar(ReduceSum(labelled, 1, 2), 1) // [B, 1]: labelled is [B, H, W, 1].
	}
	if !c.includeBackground {
		if numClasses == 1 {
			return ScalarZero(c.logits.Graph(), c.logits.DType())
		}
		probs = SliceAxis(probs, -1, AxisRangeToEnd(1))
		truth = SliceAxis(truth, -1, AxisRangeToEnd(1))
	}
	intersection := ReduceSum(Mul(probs, truth), 1, 2) // [B, C]
	denominator := Add(ReduceSum(probs, 1, 2), ReduceSum(truth, 1, 2))
	score := Div(AddScalar(MulScalar(intersection, 2), c.smoothNumerator), AddScalar(denominator, c.smoothDenominator))
	if labelledImages == nil {
		return ReduceAllMean(OneMinus(score))
	}
	imageClasses := MulScalar(ReduceAllSum(labelledImages), float64(score.Shape().Dim(1)))
	return safeDivide(ReduceAllSum(Mul(OneMinus(score), labelledImages)), imageClasses)
}

// DiceLoss is the soft Dice loss with the MONAI DiceLoss(softmax=True) defaults; see [Dice] for options.
//
// logits are [B, H, W, C]; labels are [B, H, W] or [B, H, W, 1] integer class ids. It returns a scalar.
func DiceLoss(labels, logits *Node) *Node {
	return Dice(labels, logits).Done()
}
