package nets

// convSpec is one convolution of the network, as planned from the configuration.
type convSpec struct {
	inChannels, outChannels int
	kernelSize              int  // 1 or 3.
	depthwise               bool // If set, outChannels == inChannels and each channel has its own kernel.
	bias                    bool
	normalized              bool // Followed by a normalisation with a scale and an offset per output channel.
	level                   int  // Resolution 1/2^level of the stem's output.
}

// params returns the number of trainable parameters of the convolution and of the normalisation after it.
func (s convSpec) params() int {
	kernelIn := s.inChannels
	if s.depthwise {
		kernelIn = 1
	}
	n := s.kernelSize * s.kernelSize * kernelIn * s.outChannels
	if s.bias {
		n += s.outChannels
	}
	if s.normalized {
		n += 2 * s.outChannels
	}
	return n
}

// multiplyAdds returns the convolution's multiply-adds per output pixel.
func (s convSpec) multiplyAdds() int {
	kernelIn := s.inChannels
	if s.depthwise {
		kernelIn = 1
	}
	return s.kernelSize * s.kernelSize * kernelIn * s.outChannels
}

// plan lists every convolution of the network, in the order Apply builds them. It mirrors Apply and block.
func (c *Config) plan() []convSpec {
	widths := c.Widths()
	normalized := c.norm != NormNone
	var specs []convSpec
	addBlock := func(level, in, width int) {
		for range 2 {
			if c.convKind == ConvSeparable {
				specs = append(specs,
					convSpec{inChannels: in, outChannels: in, kernelSize: 3, depthwise: true, level: level},
					convSpec{inChannels: in, outChannels: width, kernelSize: 1, bias: !normalized,
						normalized: normalized, level: level})
			} else {
				specs = append(specs, convSpec{inChannels: in, outChannels: width, kernelSize: 3, bias: !normalized,
					normalized: normalized, level: level})
			}
			in = width
		}
	}
	in := c.stem * c.stem * c.inputChannels
	for level := 0; level < c.levels-1; level++ {
		addBlock(level, in, widths[level])
		in = widths[level]
	}
	addBlock(c.levels-1, in, widths[c.levels-1])
	for level := c.levels - 2; level >= 0; level-- {
		addBlock(level, widths[level+1]+widths[level], widths[level])
	}
	return append(specs, convSpec{inChannels: widths[0], outChannels: c.stem * c.stem * c.classes, kernelSize: 1,
		bias: true})
}

// ParamCount returns the number of trainable parameters (kernels, biases, normalisation scales and offsets).
// NormBatch's moving averages are variables too, but not trainable, and are not counted.
func (c *Config) ParamCount() int {
	total := 0
	for _, spec := range c.plan() {
		total += spec.params()
	}
	return total
}

// FLOPsPerSlice estimates the inference cost of one size×size slice: 2 × the multiply-adds of all convolutions.
// Normalisations, activations, pooling and up-sampling (linear in the activations' size) are not counted.
func (c *Config) FLOPsPerSlice(size int) int64 {
	var total int64
	for _, spec := range c.plan() {
		side := int64(size / c.stem >> spec.level)
		total += 2 * int64(spec.multiplyAdds()) * side * side
	}
	return total
}
