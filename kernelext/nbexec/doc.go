// Package nbexec executes Jupyter notebooks headless (jupyter nbconvert on the GoNB kernel) and reads what they
// produced: failed cells, with their source and error, and the key numbers a notebook reports on a GOKD_RESULT
// line. The notebook tests, `make demo` and the reviewer's `make verify` are built on it.
//
// GoNB reports a cell whose program exits with an error (a panic, a failed check) as a normal output ending in
// "exit status N", which nbconvert does not treat as a failure: this package does.
package nbexec
