package losses

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	. "github.com/gomlx/gomlx/support/exceptions"
)

// LovaszSoftmaxLoss is the Lovász-softmax loss of Berman et al. (CVPR 2018) on softmax(logits), with
// classes='present' and per_image=False: all pixels of the batch form one set.
//
// For each class c present in the labels, the errors |fg_c − p_c| are sorted in descending order and weighted by
// the gradient of the Lovász extension of the Jaccard loss, computed from the ground truth in that order; the
// result is the mean over the present classes (0 if none). The gradient flows through the errors only: the sort
// order and the weights are constants, as in the reference implementation.
//
// logits are [B, H, W, C]; labels are [B, H, W] or [B, H, W, 1] integer class ids. It returns a scalar.
func LovaszSoftmaxLoss(labels, logits *Node) *Node {
	checkLogits("LovaszSoftmaxLoss", logits)
	labels = spatialLabels("LovaszSoftmaxLoss", labels, logits)
	numClasses := logits.Shape().Dim(-1)
	numPixels := logits.Shape().Size() / numClasses
	probs := Transpose(Reshape(Softmax(logits, -1), numPixels, numClasses), 0, 1) // [C, P]
	foreground := Transpose(OneHot(Reshape(labels, numPixels), numClasses, logits.DType()), 0, 1)
	errors := Abs(Sub(foreground, probs))
	perClass := lovaszExtension(errors, foreground) // [C]
	present := ConvertDType(GreaterThan(ReduceSum(foreground, 1), ZerosLike(perClass)), perClass.DType())
	return safeDivide(ReduceAllSum(Mul(perClass, present)), ReduceAllSum(present))
}

// LovaszHingeConfig configures a binary Lovász hinge loss; create it with [LovaszHinge] and call
// [LovaszHingeConfig.Done].
type LovaszHingeConfig struct {
	labels, logits *Node
	perImage       bool
}

// LovaszHinge starts configuring Berman's lovasz_hinge for a model with a single foreground logit per pixel.
//
// logits are [B, H, W] or [B, H, W, 1] floats (the foreground score); labels have the same spatial shape and
// hold 0 (background) or 1 (foreground). By default the loss is computed per image and averaged over the batch.
func LovaszHinge(labels, logits *Node) *LovaszHingeConfig {
	return &LovaszHingeConfig{labels: labels, logits: logits, perImage: true}
}

// PerImage sets whether the loss is computed per image and averaged (default true), or over the whole batch as one
// set of pixels.
func (c *LovaszHingeConfig) PerImage(perImage bool) *LovaszHingeConfig {
	c.perImage = perImage
	return c
}

// Done builds the loss: errors 1 − logit·sign (sign = +1 on foreground, −1 on background), sorted in descending
// order, ReLU'd and weighted by the Lovász extension gradient of the Jaccard loss. An image with no foreground
// still contributes: its loss is the largest hinge error (the Jaccard loss of any false positive is 1).
func (c *LovaszHingeConfig) Done() *Node {
	logits, labels := c.logits, c.labels
	if logits == nil || labels == nil {
		Panicf("losses.LovaszHinge: logits or labels are nil")
	}
	if logits.Rank() == 4 && logits.Shape().Dim(-1) == 1 {
		logits = Reshape(logits, logits.Shape().Dimensions[:3]...)
	}
	if !logits.DType().IsFloat() || logits.Rank() != 3 {
		Panicf("losses.LovaszHinge: logits must be float [B, H, W] or [B, H, W, 1], got %s", c.logits.Shape())
	}
	labels = spatialLabels("LovaszHinge", labels, InsertAxes(logits, -1))
	batchSize := logits.Shape().Dim(0)
	groups := batchSize
	if !c.perImage {
		groups = 1
	}
	pixelsPerGroup := logits.Shape().Size() / groups
	foreground := Reshape(ConvertDType(Equal(labels, OnesLike(labels)), logits.DType()), groups, pixelsPerGroup)
	signs := AddScalar(MulScalar(foreground, 2), -1)
	hinge := relu(OneMinus(Mul(Reshape(logits, groups, pixelsPerGroup), signs)))
	return ReduceAllMean(lovaszExtension(hinge, foreground))
}

// LovaszHingeLoss is Berman's lovasz_hinge with its defaults (per image); see [LovaszHinge] for options.
func LovaszHingeLoss(labels, logits *Node) *Node {
	return LovaszHinge(labels, logits).Done()
}

// relu is max(x, 0); its gradient at 0 is 0, as torch's.
func relu(x *Node) *Node {
	return Max(x, ZerosLike(x))
}

// lovaszExtension computes, for each row g of errors [G, N] with ground truth foreground [G, N] (0 or 1), the
// Lovász extension of the Jaccard loss: Σ_i sorted_errors[i] · lovaszGradient(sorted_foreground)[i], with the rows
// sorted by descending error. errors must be ≥ 0 (they are |fg − p| or ReLU'd hinges). It returns [G].
//
// The permutation comes from sorting constant copies, and the sorted errors are gathered from the original ones,
// so the gradient w.r.t. errors is the weight at each pixel's rank (Gather has a gradient; the sort needs none).
func lovaszExtension(errors, foreground *Node) *Node {
	numGroups, numPixels := errors.Shape().Dim(0), errors.Shape().Dim(1)
	order := descendingOrder(StopGradient(errors))
	rowStart := MulScalar(Iota(errors.Graph(), shapes.Make(dtypes.Int32, numGroups, numPixels), 0), numPixels)
	flatOrder := InsertAxes(Add(order, rowStart), -1) // [G, N, 1] indices into the flattened rows.
	sortedErrors := Gather(Reshape(errors, numGroups*numPixels), flatOrder)
	sortedForeground := Gather(Reshape(StopGradient(foreground), numGroups*numPixels), flatOrder)
	weights := StopGradient(lovaszGradient(sortedForeground))
	return ReduceSum(Mul(sortedErrors, weights), 1)
}

// descendingOrder returns, for each row of keys [G, N] (all ≥ 0), the positions [G, N] (int32) of its elements
// in descending order of key (ties in any order).
//
// It is a bitonic sorting network of element-wise operations, O(N·log²N) work in log₂N·(log₂N+1)/2 vectorised
// stages, instead of graph.SortFunc: the Go backend runs SortFunc's comparator closure once per comparison, which
// took 45 s for the 2·131072 pixels of an [8, 128, 128, 2] batch. The network compiles unchanged on XLA.
func descendingOrder(keys *Node) *Node {
	g := keys.Graph()
	numGroups, numPixels := keys.Shape().Dim(0), keys.Shape().Dim(1)
	size := 1
	for size < numPixels {
		size *= 2
	}
	positions := Iota(g, shapes.Make(dtypes.Int32, numGroups, size), 1)
	if size > numPixels { // Pad with keys below any real one, so the padding sorts last.
		padding := AddScalar(Zeros(g, shapes.Make(keys.DType(), numGroups, size-numPixels)), -1)
		keys = Concatenate([]*Node{keys, padding}, 1)
	}
	for blockSize := 2; blockSize <= size; blockSize *= 2 {
		for stride := blockSize / 2; stride >= 1; stride /= 2 {
			keys, positions = bitonicStage(keys, positions, blockSize, stride)
		}
	}
	return SliceAxis(positions, 1, AxisRange(0, numPixels))
}

// bitonicStage compare-exchanges every element i (with bit `stride` clear) with its partner i+stride: blocks of
// blockSize elements whose index has bit blockSize clear are put in descending order, the others in ascending.
func bitonicStage(keys, positions *Node, blockSize, stride int) (*Node, *Node) {
	numGroups, size := keys.Shape().Dim(0), keys.Shape().Dim(1)
	pairs := size / (2 * stride)
	split := func(x *Node) (first, second *Node) {
		x = Reshape(x, numGroups, pairs, 2, stride)
		return SliceAxis(x, 2, AxisElem(0)), SliceAxis(x, 2, AxisElem(1))
	}
	merge := func(first, second *Node) *Node {
		return Reshape(Concatenate([]*Node{first, second}, 2), numGroups, size)
	}
	firstKey, secondKey := split(keys)
	firstPosition, secondPosition := split(positions)
	// Pair a starts at index a·2·stride; its block is ascending when that index has bit blockSize set.
	pairStart := MulScalar(Iota(keys.Graph(), shapes.Make(dtypes.Int32, 1, pairs, 1, 1), 1), 2*stride)
	ascending := NotEqual(BitwiseAnd(pairStart, Scalar(keys.Graph(), dtypes.Int32, blockSize)),
		ScalarZero(keys.Graph(), dtypes.Int32))
	ascending = BroadcastToDims(ascending, firstKey.Shape().Dimensions...)
	swap := Where(ascending, GreaterThan(firstKey, secondKey), LessThan(firstKey, secondKey))
	keys = merge(Where(swap, secondKey, firstKey), Where(swap, firstKey, secondKey))
	positions = merge(Where(swap, secondPosition, firstPosition), Where(swap, firstPosition, secondPosition))
	return keys, positions
}

// lovaszGradient is Berman's lovasz_grad on each row of sortedForeground [G, N]: the gradient of the Lovász
// extension of the Jaccard loss, jaccard[i] − jaccard[i−1], with jaccard[i] the Jaccard loss of predicting the first
// i+1 pixels of the row as foreground. The union is never 0 (it counts at least one pixel), so there is no NaN.
func lovaszGradient(sortedForeground *Node) *Node {
	truthCount := ReduceAndKeep(sortedForeground, ReduceSum, 1)
	intersection := Sub(truthCount, cumulativeSum(sortedForeground))
	union := Add(truthCount, cumulativeSum(OneMinus(sortedForeground)))
	jaccard := OneMinus(Div(intersection, union))
	if jaccard.Shape().Dim(1) == 1 {
		return jaccard
	}
	return ConsecutiveDifference(jaccard, 1, true)
}

// cumulativeSum is the inclusive prefix sum of x [G, N] along axis 1, by log₂(N) shifted additions
// (Hillis–Steele). graph.CumSum is a window reduction of size N, O(N²) on the Go backend, too slow for the
// ~10⁵ pixels of a batch.
func cumulativeSum(x *Node) *Node {
	numPixels := x.Shape().Dim(1)
	for shift := 1; shift < numPixels; shift *= 2 {
		padding := Zeros(x.Graph(), shapes.Make(x.DType(), x.Shape().Dim(0), shift))
		shifted := Concatenate([]*Node{padding, SliceAxis(x, 1, AxisRange(0, numPixels-shift))}, 1)
		x = Add(x, shifted)
	}
	return x
}
