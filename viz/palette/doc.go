// Package palette names the colours GoKD's pictures use: the colour-blind-safe Okabe–Ito palette (with a few
// darker colours and grey beyond it, and tints), and the role each colour plays in masks (ground truth, teacher,
// student, false positive, false negative), so that every picture and chart agrees on them. Package kernelext
// maps each model kind to one of these colours for every chart.
package palette
