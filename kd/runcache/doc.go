// Package runcache keeps the results of expensive steps — trained models, evaluation tables — on disk, keyed by
// the configuration (seed included) that produced them. Asking again for the same configuration reloads; a
// changed configuration builds anew. Entries are published atomically: a crash mid-build leaves no entry.
//
// Notebooks need it because GoNB runs every cell as a fresh process, so nothing trained in one cell is in memory
// in the next.
package runcache
