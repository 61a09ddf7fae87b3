// Package train trains GoKD's networks: a teacher (or any network) on labelled slices, a student distilled from
// one or several frozen teachers with the combined objective of package losses, and the evaluation-side
// inference of a trained network. Trained networks are saved and loaded as checkpoints (package ckpt).
//
// It is the layer the experiment runner (package experiment) and the notebooks build on; it knows nothing of
// notebooks: progress goes to a callback.
package train
