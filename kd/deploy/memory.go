package deploy

// MaxBatchMemory bounds the memory one batch of inference may take, by the estimate of [BatchLimit]: whatever
// batch size is asked for, a segmenter holds about this much in activations at most.
const MaxBatchMemory = 1 << 30

// liveActivations is how many activation maps of each level's width and resolution inference holds at once,
// per slice: `gokd segment -batch 1000` on a 64-slice volume (padded to 1000 slices) peaked at 5.6 GB with
// nets.Student at 128², about 18 such sets of 4-byte maps per slice; 24 leaves a margin.
const liveActivations = 24

// SliceMemory estimates the bytes of activations one slice takes in inference with the model d describes:
// liveActivations float32 maps of each level's width at that level's resolution (the slice size, divided by the
// stem and halved at each level).
func SliceMemory(d Description) int {
	a := d.Architecture
	side := d.Preprocessing.Size / max(a.Stem, 1)
	floats := d.Preprocessing.Size * d.Preprocessing.Size * max(a.InputChannels, d.Preprocessing.Channels, 1)
	for _, width := range a.Widths {
		floats += width * side * side
		side = max(side/2, 1)
	}
	return 4 * liveActivations * floats
}

// BatchLimit is the largest batch whose estimated activations ([SliceMemory]) fit in [MaxBatchMemory]; at
// least 1.
func BatchLimit(d Description) int {
	return max(1, MaxBatchMemory/max(SliceMemory(d), 1))
}
