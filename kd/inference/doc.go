// Package inference holds a trained network and runs it: [Model] (an architecture and its variables, saved and
// loaded with package ckpt), [LoadModel], and [Predictor], which turns slices into logits or class maps and times
// them. It knows nothing of training: package kd/train trains Models, and kd/deploy and `gokd segment` run them
// without linking the trainer.
package inference
