// Package compose lays rendered slices out into labelled figures: a generic titled grid, a montage of slices
// across a volume, and the GT / teacher / student / error comparison grid with the Dice of each panel.
package compose
