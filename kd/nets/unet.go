package nets

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// ConvKind selects the convolution used inside the U-Net blocks.
type ConvKind int

const (
	// ConvStandard is a full 3×3 convolution.
	ConvStandard ConvKind = iota
	// ConvSeparable is a depthwise-separable convolution: a 3×3 depthwise convolution then a 1×1 pointwise one.
	ConvSeparable
)

// String implements fmt.Stringer.
func (k ConvKind) String() string {
	switch k {
	case ConvStandard:
		return "standard"
	case ConvSeparable:
		return "separable"
	}
	return fmt.Sprintf("ConvKind(%d)", int(k))
}

// Feature names exposed in [Output.Features], besides the per-level "enc%d" and "dec%d" ones.
const (
	// BottleneckFeature names the output of the lowest-resolution block.
	BottleneckFeature = "bottleneck"
)

// EncoderFeature names the output of the encoder block at level (resolution 1/2^level), before pooling.
func EncoderFeature(level int) string { return fmt.Sprintf("enc%d", level) }

// DecoderFeature names the output of the decoder block at level (resolution 1/2^level).
func DecoderFeature(level int) string { return fmt.Sprintf("dec%d", level) }

// Config describes a 2D U-Net for channels-last images. Create it with [NewConfig], [Teacher] or [Student],
// adjust it with its setters (which return the Config, so calls chain), and build it with [Config.Apply].
//
// A U-Net with L levels has L-1 encoder blocks (at resolutions 1, 1/2, ... 1/2^(L-2)), each followed by a 2×2
// max-pool, a bottleneck block at 1/2^(L-1), and L-1 decoder blocks that up-sample (nearest), concatenate the
// encoder feature of the same resolution and convolve. Every block is twice conv 3×3 → normalisation → ReLU.
// A final 1×1 convolution produces the logits. The width at level i is baseWidth·widthMultiplier^i (rounded).
// An optional stem ([Config.Stem]) runs all of it at a fraction of the input's resolution.
type Config struct {
	levels          int
	baseWidth       int
	widthMultiplier float64
	norm            NormKind
	groups          int
	convKind        ConvKind
	inputChannels   int
	classes         int
	stem            int
	impl            ConvImpl
}

// NewConfig returns a U-Net with 4 levels, base width 16 doubling per level, group normalisation (4 groups),
// standard convolutions, 1 input channel and 2 classes.
func NewConfig() *Config {
	return &Config{levels: 4, baseWidth: 16, widthMultiplier: 2, norm: NormGroup, groups: 4,
		convKind: ConvStandard, inputChannels: 1, classes: 2, stem: 1}
}

// Teacher returns the default teacher: 4 levels, widths 16/32/64/128, standard convolutions, group norm.
// About 0.47 M parameters; trainable on 2 CPU cores on 64² slices in minutes.
func Teacher() *Config { return NewConfig() }

// Student returns the default student: 4 levels, widths 8/16/32/64, depthwise-separable convolutions, group norm,
// and a space-to-depth stem of 2 ([Config.Stem]). It has the teacher's feature names at half its spatial sizes,
// ≥ 10× fewer parameters and ≥ 5× fewer FLOPs; the stem is what makes it several times faster on CPU, where
// moving activations costs more than the arithmetic.
func Student() *Config { return NewConfig().BaseWidth(8).Conv(ConvSeparable).Stem(2) }

// Levels sets the number of resolutions (≥ 1); input height and width must be divisible by stem·2^(levels-1)
// ([Config.SizeDivisor]).
func (c *Config) Levels(levels int) *Config { c.levels = levels; return c }

// BaseWidth sets the number of channels at full resolution.
func (c *Config) BaseWidth(width int) *Config { c.baseWidth = width; return c }

// WidthMultiplier sets the channel growth per level (2 doubles the width at each down-sampling).
func (c *Config) WidthMultiplier(multiplier float64) *Config {
	c.widthMultiplier = multiplier
	return c
}

// Norm sets the normalisation kind; groups is used by NormGroup (reduced to a divisor of each width).
func (c *Config) Norm(kind NormKind, groups int) *Config { c.norm, c.groups = kind, groups; return c }

// Stem sets the space-to-depth factor at the input (default 1: none). With factor f > 1 each f×f block of input
// pixels is folded into channels ([SpaceToDepth]) before the first block, the whole U-Net runs at 1/f of the
// input's height and width, and the head predicts f² sub-pixel logits per position that [DepthToSpace] lays back
// out at full resolution (ESPCN's sub-pixel output). Every value of the input still reaches the network, but the
// activations are f² times smaller: on CPU, where a small network's time goes into moving activations, this is
// what makes a student several times faster than its teacher, not its parameter count.
func (c *Config) Stem(factor int) *Config { c.stem = factor; return c }

// Conv sets the convolution kind of the blocks.
func (c *Config) Conv(kind ConvKind) *Config { c.convKind = kind; return c }

// InputChannels sets the number of input channels (1, or 2k+1 adjacent slices for 2.5D input).
func (c *Config) InputChannels(channels int) *Config { c.inputChannels = channels; return c }

// Classes sets the number of output classes (logit channels).
func (c *Config) Classes(classes int) *Config { c.classes = classes; return c }

// ConvImpl sets how convolutions are computed (default ConvAuto: fast formulation on the Go backend).
func (c *Config) ConvImpl(impl ConvImpl) *Config { c.impl = impl; return c }

// NumInputChannels returns the number of input channels the network expects.
func (c *Config) NumInputChannels() int { return c.inputChannels }

// NumClasses returns the number of logit channels.
func (c *Config) NumClasses() int { return c.classes }

// StemFactor returns the space-to-depth factor of the input stem (1: none).
func (c *Config) StemFactor() int { return c.stem }

// NumLevels returns the number of resolutions.
func (c *Config) NumLevels() int { return c.levels }

// Widths returns the number of channels at each level, from full resolution down to the bottleneck.
func (c *Config) Widths() []int {
	widths := make([]int, c.levels)
	for i := range widths {
		widths[i] = max(1, int(math.Round(float64(c.baseWidth)*math.Pow(c.widthMultiplier, float64(i)))))
	}
	return widths
}

// SizeDivisor returns the number that input height and width must be multiples of.
func (c *Config) SizeDivisor() int { return c.stem << (c.levels - 1) }

// String describes the configuration in one line.
func (c *Config) String() string {
	stem := ""
	if c.stem != 1 {
		stem = fmt.Sprintf(", stem=%d", c.stem)
	}
	return fmt.Sprintf("U-Net(levels=%d, widths=%v, conv=%s, norm=%s, in=%d, classes=%d%s)",
		c.levels, c.Widths(), c.convKind, c.norm, c.inputChannels, c.classes, stem)
}

// Validate reports a configuration that cannot be built.
func (c *Config) Validate() error {
	switch {
	case c.levels < 1 || c.levels > 8:
		return fmt.Errorf("nets: %d U-Net levels, want 1 to 8", c.levels)
	case c.baseWidth < 1:
		return fmt.Errorf("nets: U-Net base width %d, want ≥ 1", c.baseWidth)
	case c.widthMultiplier <= 0:
		return fmt.Errorf("nets: U-Net width multiplier %g, want > 0", c.widthMultiplier)
	case c.norm < NormNone || c.norm > NormBatch:
		return fmt.Errorf("nets: unknown normalisation %s", c.norm)
	case c.norm == NormGroup && c.groups < 1:
		return fmt.Errorf("nets: %d normalisation groups, want ≥ 1", c.groups)
	case c.convKind != ConvStandard && c.convKind != ConvSeparable:
		return fmt.Errorf("nets: unknown convolution kind %s", c.convKind)
	case c.inputChannels < 1:
		return fmt.Errorf("nets: %d input channels, want ≥ 1", c.inputChannels)
	case c.classes < 1:
		return fmt.Errorf("nets: %d classes, want ≥ 1", c.classes)
	case c.stem < 1 || c.stem > 8:
		return fmt.Errorf("nets: stem factor %d, want 1 to 8", c.stem)
	}
	return nil
}

// FeatureNames returns the names of [Output.Features] in network order: encoder stages (full resolution first),
// bottleneck, decoder stages (lowest resolution first). They depend only on the number of levels.
func (c *Config) FeatureNames() []string {
	names := make([]string, 0, 2*c.levels-1)
	for level := 0; level < c.levels-1; level++ {
		names = append(names, EncoderFeature(level))
	}
	names = append(names, BottleneckFeature)
	for level := c.levels - 2; level >= 0; level-- {
		names = append(names, DecoderFeature(level))
	}
	return names
}

// Output is what [Config.Apply] returns.
type Output struct {
	// Logits are the per-pixel class scores, [batch, height, width, classes].
	Logits *Node
	// Features maps each name of [Config.FeatureNames] to that block's output, channels-last
	// [batch, height/(stem·2^level), width/(stem·2^level), Widths()[level]] (stem is [Config.StemFactor]).
	Features map[string]*Node
}

// checkInput reports images that the network cannot take.
func (c *Config) checkInput(images *Node) error {
	if images.Rank() != 4 {
		return fmt.Errorf("nets: U-Net input shape %s, want [batch, height, width, %d]", images.Shape(), c.inputChannels)
	}
	dims := images.Shape().Dimensions
	if dims[3] != c.inputChannels {
		return fmt.Errorf("nets: U-Net input shape %s has %d channels, want %d", images.Shape(), dims[3], c.inputChannels)
	}
	if div := c.SizeDivisor(); dims[1]%div != 0 || dims[2]%div != 0 {
		return fmt.Errorf("nets: U-Net input shape %s: height and width must be multiples of %d for %d levels "+
			"and stem %d", images.Shape(), div, c.levels, c.stem)
	}
	if !images.DType().IsFloat() {
		return fmt.Errorf("nets: U-Net input dtype %s, want a float dtype", images.DType())
	}
	return nil
}

// Apply builds the U-Net on images [batch, height, width, inputChannels] with its variables under scope, and
// returns the logits and the named features. It returns an error for an invalid configuration or input shape.
func (c *Config) Apply(scope *model.Scope, images *Node) (*Output, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := c.checkInput(images); err != nil {
		return nil, err
	}
	widths := c.Widths()
	out := &Output{Features: make(map[string]*Node, 2*c.levels-1)}
	x := images
	if c.stem > 1 {
		x = SpaceToDepth(x, c.stem)
	}
	skips := make([]*Node, c.levels-1)
	for level := 0; level < c.levels-1; level++ {
		name := EncoderFeature(level)
		x = c.block(scope.In("%s", name), x, widths[level])
		out.Features[name], skips[level] = x, x
		x = MaxPool2x2(x)
	}
	x = c.block(scope.In(BottleneckFeature), x, widths[c.levels-1])
	out.Features[BottleneckFeature] = x
	for level := c.levels - 2; level >= 0; level-- {
		name := DecoderFeature(level)
		x = Concatenate([]*Node{UpsampleNearest2x(x), skips[level]}, -1)
		x = c.block(scope.In("%s", name), x, widths[level])
		out.Features[name] = x
	}
	out.Logits = Conv2D(scope.In("head"), x, c.stem*c.stem*c.classes).KernelSize(1).Impl(c.impl).Done()
	if c.stem > 1 {
		out.Logits = DepthToSpace(out.Logits, c.stem)
	}
	return out, nil
}

// Logits builds the network and returns only its logits; it has the model-function signature expected by
// train.NewTrainer and model.NewExec, and reports errors by panicking, which those convert to returned errors.
func (c *Config) Logits(scope *model.Scope, images *Node) *Node {
	out, err := c.Apply(scope, images)
	if err != nil {
		exceptions.Panicf("%v", err)
	}
	return out.Logits
}

// block is twice convolution → normalisation → ReLU, with width output channels.
func (c *Config) block(scope *model.Scope, x *Node, width int) *Node {
	for i := 1; i <= 2; i++ {
		x = c.conv(scope.In("conv%d", i), x, width)
		x = Normalize(scope.In("norm%d", i), x, c.norm, c.groups)
		x = activation.Relu(x)
	}
	return x
}

// conv is the block's 3×3 convolution; it carries a bias only when no normalisation follows (which would cancel it).
func (c *Config) conv(scope *model.Scope, x *Node, width int) *Node {
	useBias := c.norm == NormNone
	if c.convKind == ConvSeparable {
		return SeparableConv2D(scope, x, width).UseBias(useBias).Impl(c.impl).Done()
	}
	return Conv2D(scope, x, width).UseBias(useBias).Impl(c.impl).Done()
}
