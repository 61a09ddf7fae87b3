// Package stats holds the statistics of GoKD's comparisons: the paired Wilcoxon signed-rank test
// ([SignedRank]), Holm's correction for several tests ([Holm]), a seeded bootstrap confidence interval of a
// mean paired gap ([BootstrapMeanCI]), its hierarchical version that resamples training seeds and cases together
// ([HierarchicalBootstrapCI]) and the reproduction verdict computed from them ([Decide]).
//
// They compare models per test case: each case's Dice (averaged over the training seeds) under one method is
// paired with the same case's Dice under another. The Wilcoxon test follows scipy.stats.wilcoxon's defaults
// (zeros dropped, two-sided, no continuity correction, method "auto"); testdata/generate_wilcoxon.py writes
// the reference values the tests check.
package stats
