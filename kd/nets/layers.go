package nets

import (
	"fmt"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// MaxPool2x2 halves height and width of x [b, h, w, c] (both even) by taking the maximum of each 2×2 block.
//
// It is a Reshape and a ReduceMax, whose gradient every backend implements (no ReduceWindow/SelectAndScatter).
func MaxPool2x2(x *Node) *Node {
	dims := x.Shape().Dimensions
	blocks := Reshape(x, dims[0], dims[1]/2, 2, dims[2]/2, 2, dims[3])
	return ReduceMax(blocks, 2, 4)
}

// UpsampleNearest2x doubles height and width of x [b, h, w, c] by repeating each pixel into a 2×2 block.
// Its gradient is a ReduceSum over the repeated axes.
func UpsampleNearest2x(x *Node) *Node {
	dims := x.Shape().Dimensions
	expanded := Reshape(x, dims[0], dims[1], 1, dims[2], 1, dims[3])
	repeated := BroadcastToDims(expanded, dims[0], dims[1], 2, dims[2], 2, dims[3])
	return Reshape(repeated, dims[0], 2*dims[1], 2*dims[2], dims[3])
}

// SpaceToDepth folds each factor×factor block of pixels of x [b, h, w, c] (h and w multiples of factor) into
// channels: [b, h/factor, w/factor, factor²·c], channel index (dy·factor + dx)·c + k ("pixel unshuffle").
// It only moves data, so the network after it sees every input value at a factor² smaller spatial size.
func SpaceToDepth(x *Node, factor int) *Node {
	dims := x.Shape().Dimensions
	blocks := Reshape(x, dims[0], dims[1]/factor, factor, dims[2]/factor, factor, dims[3])
	return Reshape(TransposeAllAxes(blocks, 0, 1, 3, 2, 4, 5), dims[0], dims[1]/factor, dims[2]/factor,
		factor*factor*dims[3])
}

// DepthToSpace is the inverse of [SpaceToDepth] ("pixel shuffle", Shi et al., CVPR 2016): x [b, h, w, factor²·c]
// becomes [b, h·factor, w·factor, c], each position's channels spread over a factor×factor block of pixels.
func DepthToSpace(x *Node, factor int) *Node {
	dims := x.Shape().Dimensions
	channels := dims[3] / (factor * factor)
	blocks := Reshape(x, dims[0], dims[1], dims[2], factor, factor, channels)
	return Reshape(TransposeAllAxes(blocks, 0, 1, 3, 2, 4, 5), dims[0], dims[1]*factor, dims[2]*factor, channels)
}

// NormKind selects the normalisation applied after each convolution. All kinds are written with plain reductions,
// so they train and infer on every backend (the Go backend has no fused batch-norm ops).
type NormKind int

const (
	// NormNone applies no normalisation (the convolutions then carry a bias).
	NormNone NormKind = iota
	// NormGroup normalises each sample over spatial positions and groups of channels (group normalisation).
	NormGroup
	// NormInstance normalises each sample and channel over spatial positions (group norm with one channel per group).
	NormInstance
	// NormBatch normalises each channel over the batch and spatial positions while training, and with moving
	// averages of those statistics at inference (batch normalisation, decomposed into reductions).
	NormBatch
)

// String implements fmt.Stringer.
func (k NormKind) String() string {
	switch k {
	case NormNone:
		return "none"
	case NormGroup:
		return "group"
	case NormInstance:
		return "instance"
	case NormBatch:
		return "batch"
	}
	return fmt.Sprintf("NormKind(%d)", int(k))
}

// Normalisation variables, created in the scope passed to [Normalize].
const (
	ScaleVar        = "scale"       // [channels], initialised to 1.
	OffsetVar       = "offset"      // [channels], initialised to 0.
	MovingMeanVar   = "moving_mean" // [channels], NormBatch only, not trainable.
	MovingVarVar    = "moving_var"  // [channels], NormBatch only, not trainable.
	normEpsilon     = 1e-5          // Added to variances before the reciprocal square root.
	batchNormMoment = 0.9           // Weight of the old moving averages in each NormBatch update.
)

// Normalize applies the normalisation kind to x [b, h, w, c], followed by a learned per-channel scale and offset.
// groups is the number of channel groups for NormGroup; it is reduced to the largest divisor of c not above it.
// NormNone returns x unchanged and creates no variables.
//
// It is written for the Go backend, where each full-size element-wise op or reduction is a pass over memory: the
// statistics come from one pass (the mean of x and of x², not of (x-mean)²), and standardisation, scale and
// offset are folded into one affine map x·a + b with small per-sample (or per-channel) a and b. Forward that is
// 5 full-size passes instead of 7, and the gradient shrinks likewise.
func Normalize(scope *model.Scope, x *Node, kind NormKind, groups int) *Node {
	if kind == NormNone {
		return x
	}
	g, dims := x.Graph(), x.Shape().Dimensions
	channels := dims[3]
	scale := scope.WithInitializer(initializer.One).
		VariableWithShape(ScaleVar, shapes.Make(x.DType(), channels)).NodeValue(g)
	offset := scope.WithInitializer(initializer.Zero).
		VariableWithShape(OffsetVar, shapes.Make(x.DType(), channels)).NodeValue(g)
	if kind == NormBatch {
		mean, variance := batchStatistics(scope, x)
		return affineStandardize(x, mean, variance, Reshape(scale, 1, 1, 1, channels), Reshape(offset, 1, 1, 1, channels))
	}
	if kind == NormInstance {
		groups = channels
	}
	groups = largestDivisorUpTo(channels, groups)
	grouped := Reshape(x, dims[0], dims[1], dims[2], groups, channels/groups)
	mean, variance := moments(grouped, 1, 2, 4)
	y := affineStandardize(grouped, mean, variance,
		Reshape(scale, 1, 1, 1, groups, channels/groups), Reshape(offset, 1, 1, 1, groups, channels/groups))
	return Reshape(y, dims...)
}

// moments returns the mean and the (biased) variance of x over axes, kept as size-1 axes, from one pass over x:
// variance = E[x²] - E[x]², clamped at 0 against rounding.
func moments(x *Node, axes ...int) (mean, variance *Node) {
	mean = ReduceAndKeep(x, ReduceMean, axes...)
	meanOfSquares := ReduceAndKeep(Square(x), ReduceMean, axes...)
	variance = Max(Sub(meanOfSquares, Square(mean)), ZerosLike(mean))
	return mean, variance
}

// affineStandardize returns scale·(x - mean)/sqrt(variance + ε) + offset, computed as x·a + b with
// a = scale/sqrt(variance + ε) and b = offset - mean·a: the per-element work is one Mul and one Add.
// All arguments broadcast against x.
func affineStandardize(x, mean, variance, scale, offset *Node) *Node {
	a := Div(scale, Sqrt(AddScalar(variance, normEpsilon))) // Rsqrt would save the division, but has no gradient.
	b := Sub(offset, Mul(mean, a))
	return Add(Mul(x, a), b)
}

// batchStatistics returns the per-channel mean and variance of x [b, h, w, c], shaped [1, 1, 1, c]: over the
// batch and spatial positions while training (updating the moving averages), the moving averages otherwise.
func batchStatistics(scope *model.Scope, x *Node) (mean, variance *Node) {
	g, channels := x.Graph(), x.Shape().Dim(3)
	channelShape := shapes.Make(x.DType(), channels)
	movingMean := scope.WithInitializer(initializer.Zero).VariableWithShape(MovingMeanVar, channelShape).
		SetTrainable(false)
	movingVar := scope.WithInitializer(initializer.One).VariableWithShape(MovingVarVar, channelShape).
		SetTrainable(false)
	if !scope.IsTraining(g) {
		return Reshape(movingMean.NodeValue(g), 1, 1, 1, channels), Reshape(movingVar.NodeValue(g), 1, 1, 1, channels)
	}
	mean, variance = moments(x, 0, 1, 2)
	update := func(v *model.Variable, batchValue *Node) {
		old := v.NodeValue(g)
		batchValue = Reshape(StopGradient(batchValue), channels)
		v.SetNodeValue(Add(MulScalar(old, batchNormMoment), MulScalar(batchValue, 1-batchNormMoment)))
	}
	update(movingMean, mean)
	update(movingVar, variance)
	return mean, variance
}

// largestDivisorUpTo returns the largest divisor of n that is ≤ limit (at least 1).
func largestDivisorUpTo(n, limit int) int {
	for d := min(n, limit); d > 1; d-- {
		if n%d == 0 {
			return d
		}
	}
	return 1
}
