// Package kernelext is GoKD's glue to Jupyter notebooks run by the GoNB kernel: the one set-up call at the top of
// a notebook (backend choice, environment card), the cache that carries trained models across cells, inline
// display of images, tables, charts and live training progress.
//
// It is the only GoKD package that talks to GoNB. Outside a notebook (tests, command-line programs) the same calls
// print text or write files instead of displaying inline.
package kernelext
