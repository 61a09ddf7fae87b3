package nets

// Architecture is a plain, serialisable description of a [Config]: everything needed to rebuild the same network
// in another framework (cmd/gokd-bench rebuilds it in PyTorch to compare speeds).
type Architecture struct {
	Levels        int    // Number of resolutions.
	Widths        []int  // Channels per level, full resolution first.
	Conv          string // ConvKind.String(): "standard" or "separable".
	Norm          string // NormKind.String(): "none", "group", "instance" or "batch".
	Groups        int    // Normalisation groups requested for "group" (each width uses its largest divisor ≤ Groups).
	InputChannels int    // Channels of the input images.
	Classes       int    // Logit channels.
	Stem          int    // Space-to-depth factor at the input, pixel shuffle of the logits (1: none).
}

// Architecture returns the plain description of the network c builds.
func (c *Config) Architecture() Architecture {
	return Architecture{Levels: c.levels, Widths: c.Widths(), Conv: c.convKind.String(), Norm: c.norm.String(),
		Groups: c.groups, InputChannels: c.inputChannels, Classes: c.classes, Stem: c.stem}
}
