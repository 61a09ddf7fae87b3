// Package experiment runs the paper's experiments from one plain configuration: it loads the data, trains (or
// reloads from the cache) the teachers, the limit-trained per-site teachers and the students — distilled from
// one teacher, from the averaged and from the adaptively fused per-site teachers, and the baselines trained from
// scratch — evaluates them on held-out cases and returns the results as tables that package viz renders.
//
// Everything is deterministic given the configuration's seeds and the backend, and every trained model is cached
// on disk by its configuration: notebooks (where each cell is a fresh process) reload instead of retraining.
package experiment
