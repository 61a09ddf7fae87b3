// Package viewer builds a self-contained HTML slice viewer: every slice of a volume pre-rendered as a data-URI
// image, mask layers as separate transparent images stacked with CSS and toggled by checkboxes, a range slider
// and arrow keys to move through the slices. Everything is inline (no external resources, no widgets), so the
// viewer works in live Jupyter, in a saved notebook reopened without a kernel and in an nbconvert HTML export.
// Where its script cannot run — an untrusted notebook in JupyterLab, whose sanitiser strips scripts and disables
// inputs — it shows every slice side by side in a strip that scrolls sideways, with the layers as first shown.
// Several viewers can share a page: each has its own element ids.
package viewer
