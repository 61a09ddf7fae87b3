package nets

import (
	"fmt"

	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// ConvImpl selects how [Conv2D] computes a convolution. Every implementation creates the same variables.
type ConvImpl int

const (
	// ConvAuto uses ConvShifted on the Go backend and ConvNative on every other backend (XLA).
	ConvAuto ConvImpl = iota
	// ConvNative uses the backend's ConvGeneral op.
	ConvNative
	// ConvShifted builds the taps as contiguous row ranges of a flat zero-padded grid and contracts them with
	// one DotGeneral (or, for depthwise kernels, a weighted sum): fast on the Go backend.
	ConvShifted
)

// String implements fmt.Stringer.
func (impl ConvImpl) String() string {
	switch impl {
	case ConvAuto:
		return "auto"
	case ConvNative:
		return "native"
	case ConvShifted:
		return "shifted"
	}
	return fmt.Sprintf("ConvImpl(%d)", int(impl))
}

// resolve turns ConvAuto into the implementation that is fastest on g's backend.
func (impl ConvImpl) resolve(g *Graph) ConvImpl {
	if impl != ConvAuto {
		return impl
	}
	if g.Backend().String() == gobackend.BackendName {
		return ConvShifted
	}
	return ConvNative
}

// Variable names created by the convolutions, shared by all implementations.
const (
	// WeightsVar holds the kernel, shaped [kernelSize, kernelSize, inputChannels, outputChannels] (the layout of
	// GoMLX's layers.Convolution); depthwise kernels are [3, 3, 1, channels].
	WeightsVar = "weights"
	// BiasesVar holds the per-output-channel bias, shaped [outputChannels].
	BiasesVar = "biases"
)

// ConvBuilder configures one stride-1 'same' 2D convolution on a channels-last [batch, height, width, channels]
// input. Create it with [Conv2D] or [DepthwiseConv2D], configure it, and call [ConvBuilder.Done].
type ConvBuilder struct {
	scope          *model.Scope
	x              *Node
	outputChannels int
	kernelSize     int
	depthwise      bool
	separable      bool
	useBias        bool
	impl           ConvImpl
}

// Conv2D prepares a convolution of x ([batch, height, width, inputChannels]) into outputChannels channels.
// Defaults: 3×3 kernel, with bias, ConvAuto. Variables are created directly in scope.
func Conv2D(scope *model.Scope, x *Node, outputChannels int) *ConvBuilder {
	return &ConvBuilder{scope: scope, x: x, outputChannels: outputChannels, kernelSize: 3, useBias: true}
}

// DepthwiseConv2D prepares a 3×3 depthwise convolution of x: each channel is filtered by its own kernel, so the
// output has as many channels as the input. Defaults: no bias (it is usually followed by a pointwise Conv2D).
func DepthwiseConv2D(scope *model.Scope, x *Node) *ConvBuilder {
	return &ConvBuilder{scope: scope, x: x, outputChannels: -1, kernelSize: 3, depthwise: true}
}

// Scope names of the two convolutions of [SeparableConv2D], inside the scope it is given.
const (
	DepthwiseScope = "depthwise"
	PointwiseScope = "pointwise"
)

// SeparableConv2D prepares a depthwise-separable convolution of x into outputChannels channels: a 3×3 depthwise
// convolution (variables in scope DepthwiseScope, no bias) followed by a 1×1 pointwise one (variables in scope
// PointwiseScope, with bias by default) — MobileNet's block without the activation in between.
//
// The two kernels are first composed into one 3×3 kernel (both convolutions are linear and nothing lies between
// them), so it costs one convolution like a standard one of the same widths: on the Go backend one im2col and
// one product instead of nine per-tap passes for the depthwise part; on XLA's CPU compiler a dense convolution
// instead of a grouped one, whose gradient XLA lowers slowly (measured at 128², batch 8: the default student's
// training step 709 ms grouped, 137 ms composed). The parameters, and the result up to rounding, are those of the two
// convolutions.
func SeparableConv2D(scope *model.Scope, x *Node, outputChannels int) *ConvBuilder {
	return &ConvBuilder{scope: scope, x: x, outputChannels: outputChannels, kernelSize: 3, separable: true,
		useBias: true}
}

// KernelSize sets the (square) kernel size: 1 or 3. Depthwise and separable convolutions only support 3.
func (c *ConvBuilder) KernelSize(size int) *ConvBuilder {
	c.kernelSize = size
	return c
}

// UseBias sets whether a trainable per-channel bias is added.
func (c *ConvBuilder) UseBias(useBias bool) *ConvBuilder {
	c.useBias = useBias
	return c
}

// Impl selects the implementation (default ConvAuto).
func (c *ConvBuilder) Impl(impl ConvImpl) *ConvBuilder {
	c.impl = impl
	return c
}

// validate reports a configuration or input shape the convolution cannot handle.
func (c *ConvBuilder) validate() error {
	if c.x.Rank() != 4 {
		return fmt.Errorf("nets: convolution in scope %q: input shape %s, want rank 4 [batch, height, width, channels]",
			c.scope.Scope(), c.x.Shape())
	}
	if !c.x.DType().IsFloat() {
		return fmt.Errorf("nets: convolution in scope %q: input dtype %s, want a float dtype", c.scope.Scope(), c.x.DType())
	}
	if c.kernelSize != 1 && c.kernelSize != 3 {
		return fmt.Errorf("nets: convolution in scope %q: kernel size %d, want 1 or 3", c.scope.Scope(), c.kernelSize)
	}
	if (c.depthwise || c.separable) && c.kernelSize != 3 {
		return fmt.Errorf("nets: depthwise or separable convolution in scope %q: kernel size %d, want 3",
			c.scope.Scope(), c.kernelSize)
	}
	if !c.depthwise && c.outputChannels <= 0 {
		return fmt.Errorf("nets: convolution in scope %q: %d output channels, want > 0", c.scope.Scope(), c.outputChannels)
	}
	return nil
}

// Done builds the convolution and returns its output, [batch, height, width, outputChannels].
//
// Like all GoMLX graph-building functions it reports bad input (wrong rank, kernel size) by panicking with an
// error, which the model.Exec or train.Trainer running the graph function returns as an error.
func (c *ConvBuilder) Done() *Node {
	if err := c.validate(); err != nil {
		exceptions.Panicf("%v", err)
	}
	g := c.x.Graph()
	impl := c.impl.resolve(g)
	inChannels := c.x.Shape().Dim(-1)
	outChannels, biasScope := c.outputChannels, c.scope
	var y *Node
	switch {
	case c.separable:
		biasScope = c.scope.In(PointwiseScope) // GoMLX lets a graph enter each scope once.
		depthwise := c.kernel(c.scope.In(DepthwiseScope), 3, 1, inChannels)
		pointwise := c.kernel(biasScope, 1, inChannels, outChannels)
		composed := composeSeparable(depthwise, pointwise)
		if impl == ConvNative {
			y = Convolve(c.x, composed).PadSame().Done()
		} else {
			y = shiftedConv(c.x, composed)
		}
	case c.depthwise:
		outChannels = inChannels
		kernel := c.kernel(c.scope, 3, 1, inChannels)
		if impl == ConvNative {
			y = Convolve(c.x, kernel).PadSame().ChannelGroupCount(inChannels).Done()
		} else {
			y = shiftedDepthwiseConv(c.x, kernel)
		}
	default:
		kernel := c.kernel(c.scope, c.kernelSize, inChannels, outChannels)
		switch {
		case impl == ConvNative:
			y = Convolve(c.x, kernel).PadSame().Done()
		case c.kernelSize == 1:
			y = pointwiseConv(c.x, kernel)
		default:
			y = shiftedConv(c.x, kernel)
		}
	}
	if c.useBias {
		bias := biasScope.VariableWithShape(BiasesVar, shapes.Make(c.x.DType(), outChannels)).NodeValue(g)
		y = Add(y, Reshape(bias, 1, 1, 1, outChannels))
	}
	return y
}

// kernel returns the value of scope's [size, size, in, out] kernel variable, created if needed.
func (c *ConvBuilder) kernel(scope *model.Scope, size, in, out int) *Node {
	return scope.VariableWithShape(WeightsVar, shapes.Make(c.x.DType(), size, size, in, out)).NodeValue(c.x.Graph())
}

// composeSeparable returns the [3, 3, c, o] kernel of a depthwise kernel [3, 3, 1, c] followed by a pointwise
// kernel [1, 1, c, o]: tap k maps channel i to output j with weight depthwise[k, i]·pointwise[i, j].
func composeSeparable(depthwise, pointwise *Node) *Node {
	channels, outChannels := pointwise.Shape().Dim(2), pointwise.Shape().Dim(3)
	composed := Mul(Reshape(depthwise, 9, channels, 1), Reshape(pointwise, 1, channels, outChannels))
	return Reshape(composed, 3, 3, channels, outChannels)
}

// rowsTimesKernel returns rows·kernel for rows [n, k] and kernel [k, m], as [n, m].
//
// It computes (kernelᵀ·rowsᵀ)ᵀ: with the Go backend's DotGeneral (which only runs [n,k]×[k,m] or [n,k]×[m,k]
// without transposing its operands) this orientation makes the forward product and both gradients
// transpose-free except for [n, m]-sized transposes of the output and its gradient. The direct rows·kernel
// would transpose the much larger rows operand ([n, 9·channels] for a 3×3 convolution) in the kernel gradient.
func rowsTimesKernel(rows, kernel *Node) *Node {
	kernelT := Transpose(kernel, 0, 1)                                  // [m, k], tiny.
	productT := DotGeneral(kernelT, []int{1}, nil, rows, []int{1}, nil) // [m, n]
	return Transpose(productT, 0, 1)
}

// pointwiseConv is a 1×1 convolution of x [b, h, w, c] with kernel [1, 1, c, o], as one matrix product.
func pointwiseConv(x, kernel *Node) *Node {
	dims := x.Shape().Dimensions
	inC, outC := kernel.Shape().Dim(2), kernel.Shape().Dim(3)
	rows := Reshape(x, dims[0]*dims[1]*dims[2], inC)
	y := rowsTimesKernel(rows, Reshape(kernel, inC, outC))
	return Reshape(y, dims[0], dims[1], dims[2], outC)
}

// shiftedConv is a 3×3 'same' convolution of x [b, h, w, c] with kernel [3, 3, c, o]: the nine taps of the flat
// padded grid are concatenated on the channel axis (tap-major, as the kernel's [3·3·c, o] reshape expects) and
// contracted with the kernel in one product.
func shiftedConv(x, kernel *Node) *Node {
	grid := newFlatGrid(x)
	inC, outC := kernel.Shape().Dim(2), kernel.Shape().Dim(3)
	patches := Concatenate(grid.taps(grid.pad(x)), -1) // [rows, 9·c]
	y := rowsTimesKernel(patches, Reshape(kernel, 9*inC, outC))
	return grid.unpad(y)
}

// shiftedDepthwiseConv is a 3×3 'same' depthwise convolution of x [b, h, w, c] with kernel [3, 3, 1, c]: a
// weighted sum of the nine taps.
func shiftedDepthwiseConv(x, kernel *Node) *Node {
	grid := newFlatGrid(x)
	channels := kernel.Shape().Dim(3)
	weights := Reshape(kernel, 9, channels)
	var y *Node
	for i, tap := range grid.taps(grid.pad(x)) {
		weighted := Mul(tap, Slice(weights, AxisElem(i), AxisRange())) // [rows, c] × [1, c]
		if y == nil {
			y = weighted
		} else {
			y = Add(y, weighted)
		}
	}
	return grid.unpad(y)
}

// flatGrid describes the flat zero-padded layout used by the shifted convolutions.
//
// Each image row gets one zero column appended (row stride = width+1), so a tap one pixel left of column 0 or
// right of the last column reads a zero; each image gets stride+1 zero rows before and 2·stride-1 after, so taps
// above the first or below the last row read zeros and each image's block is (height+3)·stride long. Flattened
// over the batch, the pixel (b, y, x) sits at row b·block + y·stride + x of the output, and its tap (dy, dx) at
// row (b·block + y·stride + x) + (stride+1) + dy·stride + dx of the padded input: each tap is one contiguous row
// range. Outputs are computed for every row up to the last image's last pixel, including the few rows that land
// on padding, and those are dropped by unpad.
type flatGrid struct {
	batch, height, width int
	stride, block, rows  int
}

func newFlatGrid(x *Node) flatGrid {
	dims := x.Shape().Dimensions
	g := flatGrid{batch: dims[0], height: dims[1], width: dims[2], stride: dims[2] + 1}
	g.block = (g.height + 3) * g.stride
	g.rows = (g.batch-1)*g.block + g.height*g.stride
	return g
}

// pad lays out x [b, h, w, c] as the flat padded grid [b·block, c].
func (fg flatGrid) pad(x *Node) *Node {
	g, dtype, channels := x.Graph(), x.DType(), x.Shape().Dim(-1)
	zeros := func(dims ...int) *Node { return Zeros(g, shapes.Make(dtype, dims...)) }
	withColumn := Concatenate([]*Node{x, zeros(fg.batch, fg.height, 1, channels)}, 2)
	flat := Reshape(withColumn, fg.batch, fg.height*fg.stride, channels)
	padded := Concatenate([]*Node{
		zeros(fg.batch, fg.stride+1, channels), flat, zeros(fg.batch, 2*fg.stride-1, channels)}, 1)
	return Reshape(padded, fg.batch*fg.block, channels)
}

// taps returns the nine [rows, c] tap views of the padded grid, in kernel order (dy, then dx, from -1 to 1).
func (fg flatGrid) taps(padded *Node) []*Node {
	taps := make([]*Node, 0, 9)
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			offset := fg.stride + 1 + dy*fg.stride + dx
			taps = append(taps, Slice(padded, AxisRange(offset, offset+fg.rows), AxisRange()))
		}
	}
	return taps
}

// unpad maps outputs on the grid's rows [rows, o] back to images [b, h, w, o].
func (fg flatGrid) unpad(y *Node) *Node {
	channels := y.Shape().Dim(-1)
	tail := Zeros(y.Graph(), shapes.Make(y.DType(), fg.batch*fg.block-fg.rows, channels))
	blocks := Reshape(Concatenate([]*Node{y, tail}, 0), fg.batch, fg.height+3, fg.stride, channels)
	return Slice(blocks, AxisRange(), AxisRange(0, fg.height), AxisRange(0, fg.width), AxisRange())
}
