package losses

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	. "github.com/gomlx/gomlx/support/exceptions"
)

// LovaszSoftmaxConfig configures a Lovász-softmax loss; create it with [LovaszSoftmax] and call
// [LovaszSoftmaxConfig.Done].
type LovaszSoftmaxConfig struct {
	labels, logits *Node
	partialLabels  bool
}

// LovaszSoftmax starts configuring the Lovász-softmax loss of Berman et al. (CVPR 2018) on softmax(logits), with
// classes='present' and per_image=False: all pixels of the batch form one set.
//
// logits are [B, H, W, C]; labels are [B, H, W] or [B, H, W, 1] integer class ids.
func LovaszSoftmax(labels, logits *Node) *LovaszSoftmaxConfig {
	return &LovaszSoftmaxConfig{labels: labels, logits: logits}
}

// PartialLabels sets whether labels may hold unlabelled pixels (datasets.Unlabelled, −1): they then take no part
// in the loss, which is the Lovász-softmax of the labelled pixels alone (0 when the batch has none). Default
// false, where such ids belong to no class but still count as errors of every class.
func (c *LovaszSoftmaxConfig) PartialLabels(partial bool) *LovaszSoftmaxConfig {
	c.partialLabels = partial
	return c
}

// Done builds the loss. For each class c present in the labels, the errors |fg_c − p_c| are sorted in descending
// order and weighted by the gradient of the Lovász extension of the Jaccard loss, computed from the ground truth in
// that order; the result is the mean over the present classes (0 if none). The gradient flows through the errors
// only: the sort order and the weights are constants, as in the reference implementation.
//
// With two classes the errors of both classes are the same (|fg_0 − p_0| = |fg_1 − p_1|, up to rounding), so one
// sort serves both: class 1 takes class 0's order, with the complementary ground truth. With partial labels each
// class is sorted on its own (an unlabelled pixel is in neither ground truth, so the complement does not hold), and
// the unlabelled pixels' errors are zeroed, which sorts them after every labelled pixel with an error: those
// pixels' weights are then the ones they have among the labelled pixels alone, and the loss is theirs.
func (c *LovaszSoftmaxConfig) Done() *Node {
	logits := c.logits
	checkLogits("LovaszSoftmax", logits)
	labels := spatialLabels("LovaszSoftmax", c.labels, logits)
	numClasses := logits.Shape().Dim(-1)
	numPixels := logits.Shape().Size() / numClasses
	probs := Reshape(Softmax(logits, -1), numPixels, numClasses)
	foreground := OneHot(Reshape(labels, numPixels), numClasses, logits.DType()) // [P, C]; 0 where unlabelled.
	errors := Abs(Sub(foreground, probs))
	var weights *Node // [P, C]
	switch {
	case c.partialLabels:
		// Unlabelled pixels: error 0, and so sorted after every labelled pixel with an error (among the labelled ones
		// with error 0, which add 0 to the loss wherever they are sorted).
		errors = Mul(errors, ReduceAndKeep(foreground, ReduceSum, 1))
		weights = lovaszWeights(errors, foreground, false)
	case numClasses == 2:
		classZero := func(x *Node) *Node { return SliceAxis(x, 1, AxisElem(0)) }
		weights = lovaszWeights(classZero(errors), classZero(foreground), true)
	default:
		weights = lovaszWeights(errors, foreground, false)
	}
	perClass := ReduceSum(Mul(errors, weights), 0) // [C]
	present := ConvertDType(GreaterThan(ReduceSum(foreground, 0), ZerosLike(perClass)), perClass.DType())
	return safeDivide(ReduceAllSum(Mul(perClass, present)), ReduceAllSum(present))
}

// LovaszSoftmaxLoss is the Lovász-softmax loss with every pixel labelled; see [LovaszSoftmax] for options.
//
// logits are [B, H, W, C]; labels are [B, H, W] or [B, H, W, 1] integer class ids. It returns a scalar.
func LovaszSoftmaxLoss(labels, logits *Node) *Node {
	return LovaszSoftmax(labels, logits).Done()
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
func lovaszExtension(errors, foreground *Node) *Node {
	weights := lovaszWeights(Transpose(errors, 0, 1), Transpose(foreground, 0, 1), false)
	return ReduceSum(Mul(errors, Transpose(weights, 0, 1)), 1)
}

// lovaszWeights returns, for each column g of errors [N, G] (≥ 0) with ground truth foreground [N, G] (0 or 1),
// the weight of each element in the column's Lovász extension, so that the extension is Σ_n errors[n, g] ·
// weights[n, g]: the Lovász gradient at the element's rank in the column sorted by descending error. The weights
// are constants (no gradient), so the gradient w.r.t. errors is the weight, as in the reference implementation,
// whose sort permutation and lovasz_grad carry no gradient.
//
// With withComplement, for two classes whose errors are the same, errors and foreground are the first class's
// [N, 1], and it returns [N, 2]: the second column is the second class's, whose ground truth is the complement,
// weighted in the same order, at the cost of one sort.
//
// The sorted order stays in the sort's output: the weights are scattered back to the elements' positions, rather
// than the errors gathered into sorted order, so the forward pass has one Scatter and the backward pass nothing.
func lovaszWeights(errors, foreground *Node, withComplement bool) *Node {
	numPixels := errors.Shape().Dim(0)
	if withComplement && errors.Shape().Dim(1) != 1 {
		Panicf("losses.lovaszWeights: withComplement needs one column, got errors %s", errors.Shape())
	}
	sortedForeground, positions := sortByError(StopGradient(errors), StopGradient(foreground)) // [G, N]
	if withComplement {
		sortedForeground = Concatenate([]*Node{sortedForeground, OneMinus(sortedForeground)}, 0)
		positions = Concatenate([]*Node{positions, positions}, 0)
	}
	numColumns := sortedForeground.Shape().Dim(0)
	// Element (n, g) of the [N, G'] result is at flat index n·G' + g.
	indices := Add(MulScalar(positions, numColumns), Iota(errors.Graph(), positions.Shape(), 0))
	weights := StopGradient(lovaszGradient(sortedForeground))
	size := weights.Shape().Size()
	weights = Scatter(Reshape(indices, size, 1), Reshape(weights, size), shapes.Make(weights.DType(), size), false, true)
	return Reshape(weights, numPixels, numColumns)
}

// lovaszGradient is Berman's lovasz_grad on each row of sortedForeground [G, N]: the gradient of the Lovász
// extension of the Jaccard loss, jaccard[i] − jaccard[i−1], with jaccard[i] the Jaccard loss of predicting the first
// i+1 pixels of the row as foreground.
//
// With F_i the foreground count of the first i+1 pixels and T the row's total, the intersection is T − F_i and the
// union T + (i+1) − F_i, so jaccard[i] = 1 − (T − F_i)/(T + i + 1 − F_i) = (i + 1)/(T + i + 1 − F_i): one prefix
// sum, and the union is never 0 (it counts at least one pixel), so there is no NaN.
func lovaszGradient(sortedForeground *Node) *Node {
	numGroups, numPixels := sortedForeground.Shape().Dim(0), sortedForeground.Shape().Dim(1)
	foregroundCount := cumulativeSum(sortedForeground)
	truthCount := SliceAxis(foregroundCount, 1, AxisElem(numPixels-1))
	rank := AddScalar(Iota(sortedForeground.Graph(), sortedForeground.Shape(), 1), 1) // i + 1
	union := Add(Sub(rank, foregroundCount), BroadcastToDims(truthCount, numGroups, numPixels))
	jaccard := Div(rank, union)
	if numPixels == 1 {
		return jaccard
	}
	return ConsecutiveDifference(jaccard, 1, true)
}

// cumulativeSumBlock is the block length of cumulativeSum's within-block prefix sums.
const cumulativeSumBlock = 128

// cumulativeSum is the inclusive prefix sum of x [G, N] along axis 1, for values whose partial sums are exact in
// x's dtype (counts). It splits the rows into blocks of cumulativeSumBlock, takes each block's prefix sums as one
// matrix product with an upper-triangular matrix of ones (the Go backend's matmul is vectorised), and adds to each
// block the prefix sum of the preceding blocks' totals, computed recursively. graph.CumSum is a window reduction
// of size N, O(N²) on the Go backend.
func cumulativeSum(x *Node) *Node {
	g := x.Graph()
	numGroups, numPixels := x.Shape().Dim(0), x.Shape().Dim(1)
	block := min(numPixels, cumulativeSumBlock)
	numBlocks := (numPixels + block - 1) / block
	if padding := numBlocks*block - numPixels; padding > 0 {
		x = Concatenate([]*Node{x, Zeros(g, shapes.Make(x.DType(), numGroups, padding))}, 1)
	}
	upper := GreaterOrEqual(Iota(g, shapes.Make(dtypes.Int32, block, block), 1),
		Iota(g, shapes.Make(dtypes.Int32, block, block), 0))
	sums := Dot(Reshape(x, numGroups*numBlocks, block), ConvertDType(upper, x.DType())).Product()
	sums = Reshape(sums, numGroups, numBlocks, block)
	if numBlocks > 1 {
		totals := Reshape(SliceAxis(sums, 2, AxisElem(block-1)), numGroups, numBlocks)
		preceding := Sub(cumulativeSum(totals), totals) // Exclusive prefix sum of the block totals.
		sums = Add(sums, BroadcastToDims(InsertAxes(preceding, -1), numGroups, numBlocks, block))
	}
	sums = Reshape(sums, numGroups, numBlocks*block)
	if numBlocks*block > numPixels {
		sums = SliceAxis(sums, 1, AxisRange(0, numPixels))
	}
	return sums
}
