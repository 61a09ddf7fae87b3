// Command gokd-nb executes GoKD notebooks headless and checks them.
//
//	gokd-nb run [-out DIR] [-html] NOTEBOOK...     execute; write the executed notebooks (and HTML) under DIR
//	gokd-nb verify [-out DIR] NOTEBOOK...          the reviewer's check: re-execute the committed notebooks (with
//	                                               a fresh model cache unless GOKD_CACHE is set) and compare each
//	                                               key number (GOKD_RESULT) saved in the notebook with the fresh
//	                                               one; exit 1 when any disagrees
//
// `make demo` and `make verify` call it.
package main
