// Package chart draws GoKD's result charts with gonum/plot: training curves of several runs, Dice per site as
// grouped bars, and accuracy against model size or latency as labelled scatters, encoded to PNG or SVG bytes.
// Series take their colours from the Okabe–Ito palette.
package chart
