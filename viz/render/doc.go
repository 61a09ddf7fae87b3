// Package render turns one 2D slice and its masks into an image: window/level (given or from percentiles), zoom
// with nearest or bilinear scaling, translucent mask fills and contours, error maps, legends and text labels.
//
// Slices are displayed as stored in [datasets.Sample]: row 0 (anterior) at the top and column 0 (the patient's
// right) on the left, the radiological convention.
//
// [datasets.Sample]: https://pkg.go.dev/github.com/gokd/gokd/datasets#Sample
package render
