// Package golden compares rendered images with committed reference PNGs under a test's testdata directory,
// within a tolerance, and rewrites the references when tests run with -update.
package golden
