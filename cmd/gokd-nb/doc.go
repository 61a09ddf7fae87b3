// Command gokd-nb executes GoKD notebooks headless and checks them.
//
//	gokd-nb run [-out DIR] [-html] NOTEBOOK...     execute; write the executed notebooks (and HTML) under DIR
//	gokd-nb verify [-out DIR] NOTEBOOK...          the reviewer's check: re-execute the committed notebooks (with
//	                                               a fresh model cache unless GOKD_CACHE is set) and compare each
//	                                               key value (GOKD_RESULT) saved in the notebook with the fresh
//	                                               one by nbexec.Compare's rule (exact; timings not compared;
//	                                               "data absent (skipped)" where a notebook's input data is
//	                                               missing); exit 1 when any disagrees
//
// Executed notebooks carry paths relative to the repository (nbexec.RelativePaths), never the machine's absolute
// ones, so `run -out notebooks` (`make notebooks`) writes outputs fit to commit.
// `make demo` and `make verify` call it.
package main
