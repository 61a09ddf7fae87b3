package deploy

import "github.com/gokd/gokd/kd/nets"

// MaxBatchMemory bounds the memory one batch of inference may take, by the estimate of [ActivationBytes]:
// whatever batch size is asked for, a segmenter holds about this much in activations at most ([BatchLimit]).
const MaxBatchMemory = 1 << 30

// liveActivations is how many activation maps of each level's width and resolution inference holds at once,
// per slice: `gokd segment -batch 1000` on a 64-slice volume (padded to 1000 slices) peaked at 5.6 GB with
// nets.Student at 128², about 18 such sets of 4-byte maps per slice; 24 leaves a margin.
const liveActivations = 24

// ActivationBytes estimates the bytes of activations that one size×size slice with the given input channels
// takes in inference through a network of architecture a: liveActivations float32 maps of each level's width at
// that level's resolution (the size divided by the stem, halved at each level), and the input. It is a float64
// so that any size, however absurd, has an estimate.
func ActivationBytes(a nets.Architecture, size float64, channels int) float64 {
	side := size / float64(max(a.Stem, 1))
	floats := size * size * float64(max(channels, a.InputChannels, 1))
	for _, width := range a.Widths {
		floats += float64(width) * side * side
		side = max(side/2, 1)
	}
	return 4 * liveActivations * floats
}

// BatchLimit is the largest batch of the model d describes whose estimated activations ([ActivationBytes]) fit
// in [MaxBatchMemory]; at least 1.
func BatchLimit(d Description) int {
	perSlice := ActivationBytes(d.Architecture, float64(d.Preprocessing.Size), d.Preprocessing.Channels)
	return int(max(1, min(MaxBatchMemory/max(perSlice, 1), MaxBatchMemory)))
}
