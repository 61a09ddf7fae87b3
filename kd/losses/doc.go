// Package losses holds GoKD's training objectives for segmentation distillation, as GoMLX graph functions: soft
// Dice, Lovász-softmax and Lovász hinge, temperature-scaled KL distillation, feature distillation (FitNets hints
// and attention transfer), multi-teacher distillation targets and the combined [Objective].
//
// Conventions: tensors are channels-last. Logits are [B, H, W, C] floats (float32 or float64); labels are
// [B, H, W] (or [B, H, W, 1]) integer class ids in [0, C). Every loss is a pure graph computation (no host
// round-trip), so it trains on the Go backend and compiles unchanged on XLA. Shape or dtype mistakes are
// reported while the graph is built, with a GoMLX exception naming the loss and the shapes; graph.Exec and
// model.Exec return it as an error.
//
// Edge cases, all tested:
//   - a class absent from the labels still counts in the Dice mean (its score is ≈0 when the model predicts it
//     nowhere, ≈1 when it does: the MONAI smoothing terms), but is skipped by Lovász-softmax (classes='present');
//   - all-background labels: Dice and Lovász are computed over the background class and the absent ones as above;
//   - a single pixel works for every loss;
//   - label ids outside [0, C) belong to no class; if no class is present at all, Lovász-softmax returns 0;
//   - partial labels ([Objective.PartialLabels], [DiceConfig.PartialLabels], [LovaszSoftmaxConfig.PartialLabels]):
//     pixels of class datasets.Unlabelled (−1) take no part in the label terms, which equal those of the labelled
//     pixels alone (0 for a batch without any); the distillation and feature terms use every pixel;
//   - NaN logits give a NaN loss (never silently masked), so a diverging run is visible in the logs.
//
// Multi-teacher targets: [MeanTeacherProbs] (a), [EntropyWeightedTeacherProbs] (b) and [AdaptiveTeacherProbs] (c)
// turn K teachers' logits into one softened target for [KLDistillationFromProbs]. The flagship default is (c),
// the "adaptive" student: K learnable weight logits, initialised to zero so training starts from the plain mean
// (a), and trained by [TargetSupervisionLoss] (how well the mixed target explains the labels of the batch). Each
// teacher was trained on one hospital site, so on a batch from a site the weights move towards the teachers that
// are right there; the KL term itself does not move the weights (the target is constant for it), which keeps the
// mixture from collapsing onto whichever teacher already agrees with the student. [Objective] weights each
// teacher's feature pairs (hints and attention) by the same mixture, again without moving the weights.
package losses
