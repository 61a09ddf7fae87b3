// Package kd is GoKD's knowledge distillation toolkit for medical image segmentation, built on GoMLX.
//
// It reproduces arXiv 2303.09494 ("Knowledge Distillation for Adaptive MRI Prostate Segmentation Based on
// Limit-Trained Multi-Teacher Models"). The work is split by job, MONAI-style:
//
//   - kd/losses: Dice, Lovász, temperature KL, feature distillation and the combined objective;
//   - kd/nets: the teacher and student U-Nets and the convolution block that is fast on the Go backend;
//   - kd/metrics: evaluation (Dice per case and site, IoU, HD95, sensitivity, specificity);
//   - kd/train: teacher training, single- and multi-teacher distillation, checkpoints;
//   - kd/experiment: the experiment runner used by the notebooks.
//
// Nothing in kd knows about notebooks: it depends on GoMLX and on package datasets only.
package kd

// Version is GoKD's version, shown on the notebooks' environment card.
const Version = "0.1.0"
