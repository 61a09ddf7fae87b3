// Package nets builds the segmentation networks of GoKD: the teacher and student U-Nets, and the layers they are
// made of (convolutions, pooling, up-sampling, normalisation) in formulations that train fast on GoMLX's pure-Go
// backend and use the native ops on XLA.
//
// A network is described by a [Config] (see [Teacher] and [Student] for the defaults) and built inside a
// [model.Scope] with [Config.Apply], which returns the logits and the named intermediate features used for
// feature distillation. Teacher and student expose features with the same names, so hint losses can pair them;
// their channel counts differ, and so do their spatial sizes when the student has a stem (the losses resize).
//
// # Convolutions on the Go backend
//
// The Go backend's native ConvGeneral is slow to train, and a naive "9 shifted slices + Einsum" rewrite spends
// most of its time in generic Slice and Transpose ops. [Conv2D] instead lays the zero-padded image out as one flat
// row-major grid (one zero column per image row, a few zero rows between images): every 3×3 tap is then a single
// contiguous row range of that grid, so the nine taps are nine contiguous copies, and the convolution is one
// DotGeneral whose operand layouts match the Go backend's transpose-free matmul kernels, for the forward pass and
// for both gradients. Both formulations use the same variables, so checkpoints are interchangeable.
package nets
