// Package chart draws GoKD's result charts with gonum/plot: training curves of several runs, Dice per site as
// grouped bars with whiskers, accuracy against model size or latency as labelled scatters, and forest plots of
// paired gaps with their confidence intervals, encoded to PNG (2× for high-DPI screens, see [Figure.HTML]) or
// SVG.
//
// The charts are built to read at a glance: legends go outside the data area (right, or below when wide),
// point labels never overlap one another, a marker or the plot's edge (they move aside with a leader line),
// spreads are drawn as whiskers and said in a caption, text is sans-serif at the notebooks' size, and every
// series can take a fixed [Style] (package kernelext gives each model kind its colour from package palette).
// [Figure.Layout] reports where everything went, in display pixels, so tests check all this in image space.
package chart
