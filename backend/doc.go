// Package backend chooses the GoMLX compute backend for GoKD: XLA's CPU compiler when its PJRT plugin is installed
// (`make setup` puts it in the repository's .pjrt folder), else GoMLX's pure-Go backend, or whichever backend
// $GOMLX_BACKEND names (an XLA PJRT plugin for CUDA or TPU that is already installed).
//
// It never downloads anything: XLA's auto-install is turned off before any backend is created, and a missing
// plugin is reported with what to install and which variable to set ([PluginMissingError]). Binaries built without
// cgo (the static `gokd` program) have only the pure-Go backend.
//
// It knows nothing of notebooks: package kernelext builds the notebook set-up on top of it, and the kd packages and
// every program under cmd/ import it directly.
package backend
