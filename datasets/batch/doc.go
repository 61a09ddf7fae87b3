// Package batch feeds [datasets.Sample]s to GoMLX training as mini-batches: it implements GoMLX's
// train.Dataset with seeded shuffling and augmentation, epoch or infinite iteration and a bounded, parallel
// prefetch pipeline.
//
// Each batch has one input, the images as a float32 tensor [B, S, S, Channels], and one label, the masks as an
// int32 tensor [B, S, S]. Samples are packed once into contiguous memory when the dataset is built (the in-memory
// cache), so batches are assembled with plain copies; a batch's tensors are new every time, since train.Batch
// hands their ownership to the trainer.
//
// Usage:
//
//	train, err := batch.New("train", samples).BatchSize(16).Shuffle(true).Augment(batch.DefaultAugmentation).
//		Infinite(true).Seed(1).Done()
//	eval, err := batch.New("test", testSamples).BatchSize(32).Done() // In order, not augmented, partial batch kept.
package batch
