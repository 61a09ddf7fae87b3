// Package testimage makes small deterministic synthetic slices and masks for viz's tests: a body ellipse with a
// bright round "prostate", its ground-truth mask and two imperfect predictions standing for teacher and student.
package testimage
