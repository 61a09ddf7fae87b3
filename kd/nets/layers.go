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
func Normalize(scope *model.Scope, x *Node, kind NormKind, groups int) *Node {
	if kind == NormNone {
		return x
	}
	dims := x.Shape().Dimensions
	channels := dims[3]
	var normalized *Node
	switch kind {
	case NormGroup, NormInstance:
		if kind == NormInstance {
			groups = channels
		}
		groups = largestDivisorUpTo(channels, groups)
		grouped := Reshape(x, dims[0], dims[1], dims[2], groups, channels/groups)
		normalized = Reshape(standardize(grouped, 1, 2, 4), dims...)
	case NormBatch:
		normalized = batchStandardize(scope, x)
	}
	g := x.Graph()
	scale := scope.WithInitializer(initializer.One).
		VariableWithShape(ScaleVar, shapes.Make(x.DType(), channels)).NodeValue(g)
	offset := scope.WithInitializer(initializer.Zero).
		VariableWithShape(OffsetVar, shapes.Make(x.DType(), channels)).NodeValue(g)
	return Add(Mul(normalized, Reshape(scale, 1, 1, 1, channels)), Reshape(offset, 1, 1, 1, channels))
}

// standardize subtracts the mean and divides by the standard deviation computed over axes.
func standardize(x *Node, axes ...int) *Node {
	mean := ReduceAndKeep(x, ReduceMean, axes...)
	centered := Sub(x, mean)
	variance := ReduceAndKeep(Square(centered), ReduceMean, axes...)
	return Div(centered, stddev(variance))
}

// batchStandardize standardises x per channel with batch statistics while training (and updates the moving
// averages), and with the moving averages otherwise.
func batchStandardize(scope *model.Scope, x *Node) *Node {
	g, channels := x.Graph(), x.Shape().Dim(3)
	channelShape := shapes.Make(x.DType(), channels)
	movingMean := scope.WithInitializer(initializer.Zero).VariableWithShape(MovingMeanVar, channelShape).
		SetTrainable(false)
	movingVar := scope.WithInitializer(initializer.One).VariableWithShape(MovingVarVar, channelShape).
		SetTrainable(false)
	if !scope.IsTraining(g) {
		mean := Reshape(movingMean.NodeValue(g), 1, 1, 1, channels)
		variance := Reshape(movingVar.NodeValue(g), 1, 1, 1, channels)
		return Div(Sub(x, mean), stddev(variance))
	}
	mean := ReduceMean(x, 0, 1, 2)
	variance := ReduceMean(Square(Sub(x, Reshape(mean, 1, 1, 1, channels))), 0, 1, 2)
	update := func(v *model.Variable, batchValue *Node) {
		old := v.NodeValue(g)
		v.SetNodeValue(Add(MulScalar(old, batchNormMoment), MulScalar(StopGradient(batchValue), 1-batchNormMoment)))
	}
	update(movingMean, mean)
	update(movingVar, variance)
	return Div(Sub(x, Reshape(mean, 1, 1, 1, channels)), stddev(Reshape(variance, 1, 1, 1, channels)))
}

// stddev returns sqrt(variance + ε). (Rsqrt would save the division, but has no gradient in GoMLX.)
func stddev(variance *Node) *Node {
	return Sqrt(AddScalar(variance, normEpsilon))
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
