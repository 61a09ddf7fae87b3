// Package notebooks holds GoKD's notebooks (the .ipynb files in this folder) and the tests that execute them.
//
// The tests execute every notebook headless on the GoNB kernel, in file-name order (later notebooks reuse the
// models earlier ones trained, through a shared cache), fail on any failed cell — the notebooks' last cells check
// their own results — and check what is committed: no error outputs, a size budget, the set-up cell and a saved
// GOKD_RESULT line.
package notebooks
