// Package kd is GoKD's knowledge distillation toolkit for medical image segmentation, built on GoMLX.
//
// It reproduces arXiv 2303.09494 ("Knowledge Distillation for Adaptive MRI Prostate Segmentation Based on
// Limit-Trained Multi-Teacher Models"). The work is split by job, MONAI-style:
//
//   - kd/losses: Dice, Lovász, temperature KL, feature distillation, multi-teacher targets and the combined
//     objective ([losses.Objective], in objective.go: the one place where the terms are weighted and summed);
//   - kd/nets: the teacher and student U-Nets and the convolution block that is fast on the Go backend;
//   - kd/metrics: evaluation (Dice per case and site, IoU, HD95, sensitivity, specificity, latency);
//   - kd/stats: the statistics of the comparisons (paired Wilcoxon signed-rank test, Holm's correction,
//     bootstrap confidence intervals) and the reproduction verdict;
//   - kd/train: the training loop (train.Run in run.go: teacher training, single- and multi-teacher
//     distillation, precomputed teacher outputs);
//   - kd/inference: trained models (inference.Model, saved and loaded) and their inference (inference.Predictor),
//     without the trainer: kd/deploy and `gokd segment` use it;
//   - kd/ckpt: atomic checkpoints that refuse another architecture with a clear error;
//   - kd/runcache: results and trained models kept on disk by configuration and seed;
//   - kd/experiment: the experiment runner (experiment.Runner in runner.go) used by the notebooks and by
//     `gokd experiment`; the reproduction protocol (experiment.Protocol, tune.go, compare.go); Runner.Export
//     writes a trained model into a model file (`gokd export`);
//   - kd/deploy: self-describing model files and the segmentation of whole volumes on their own grids
//     (`gokd info`, `gokd segment`).
//
// Nothing in kd knows about notebooks: it depends on GoMLX, on package datasets and on package backend only
// (layering_test.go checks it).
package kd

// Version is GoKD's version, shown on the notebooks' environment card.
const Version = "0.1.0"
