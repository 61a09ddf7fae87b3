// Package viz turns images, masks and results into pictures: slice rendering with window/level, mask overlays,
// comparison grids, a self-contained HTML slice viewer and charts. It returns images, SVG or HTML, and can write
// files; it knows nothing of notebooks (package kernelext puts its output inline).
package viz
