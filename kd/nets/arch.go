package nets

import (
	"fmt"
	"slices"
)

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

// FromArchitecture returns the network configuration that a.Architecture() describes: the inverse of
// [Config.Architecture], for a network rebuilt from its stored description (a deployed model file). The widths
// must follow one base width and a constant multiplier, as every Config's do; anything else, an unknown
// convolution or normalisation kind, or a configuration Validate refuses, is an error naming the field.
func FromArchitecture(a Architecture) (*Config, error) {
	if a.Levels < 1 || len(a.Widths) != a.Levels {
		return nil, fmt.Errorf("nets: architecture has %d levels but %d widths %v", a.Levels, len(a.Widths), a.Widths)
	}
	c := NewConfig().Levels(a.Levels).BaseWidth(a.Widths[0]).InputChannels(a.InputChannels).Classes(a.Classes).
		Stem(a.Stem)
	if a.Levels > 1 && a.Widths[0] > 0 {
		c = c.WidthMultiplier(float64(a.Widths[1]) / float64(a.Widths[0]))
	}
	switch a.Conv {
	case ConvStandard.String():
		c = c.Conv(ConvStandard)
	case ConvSeparable.String():
		c = c.Conv(ConvSeparable)
	default:
		return nil, fmt.Errorf("nets: architecture has unknown convolution kind %q", a.Conv)
	}
	found := false
	for _, kind := range []NormKind{NormNone, NormGroup, NormInstance, NormBatch} {
		if a.Norm == kind.String() {
			c, found = c.Norm(kind, a.Groups), true
		}
	}
	if !found {
		return nil, fmt.Errorf("nets: architecture has unknown normalisation %q", a.Norm)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if got := c.Widths(); !slices.Equal(got, a.Widths) {
		return nil, fmt.Errorf("nets: architecture widths %v do not follow one base width and multiplier (rebuilt: %v)",
			a.Widths, got)
	}
	return c, nil
}
