// Command gokd-devicecheck checks GoKD on an accelerator machine: it lists the devices of a backend (default
// $GOMLX_BACKEND, else xla:cuda), and trains the default teacher and a student distilled from it on phantom data
// for a few dozen steps, reporting Dice and milliseconds per step there and, for comparison, on GoMLX's Go backend.
//
// It is one part of the device check: `make devicecheck-build` builds it, with the test binaries and the
// benchmark, into .devicecheck/ on a machine with Go; `bash cmd/gokd-devicecheck/run.sh` runs them all on the
// machine with the accelerator, which needs no Go toolchain and no network.
//
// Usage:
//
//	devicecheck [-backend xla:cuda] [-phase all|devices|train|resolve] [-steps 40] [-size 64] [-batch 8]
//	devicecheck -dry-run    # the same phases on the Go backend with tiny sizes (seconds, on any CPU)
//
// Phase "resolve" prints the backend configuration with the plugin's absolute path (see backend.Resolve), for
// $GOMLX_BACKEND of other GoMLX programs. Exit status: 0 on success, 1 on failure, 2 for bad flags, 3 when the
// backend's PJRT plugin is not installed (the message says what to install).
package main
