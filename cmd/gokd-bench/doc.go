// Command gokd-bench compares the speed of GoKD's default networks on GoMLX's pure-Go backend with the same networks in
// PyTorch (`make bench`: `go run ./cmd/gokd-bench`).
//
// For the teacher and the student it times a training step (forward, backward, Adam; softmax cross-entropy) and
// inference at batch 1 and 8, alternating GoKD and PyTorch round by round so that both see the same machine load.
// PyTorch runs in a child process (the embedded reference.py, with -python: $GOKD_PYTHON, else Debian's
// /usr/bin/python3 with python3-torch); without it only GoKD's numbers are printed.
//
// GoKD runs on -backend ($GOMLX_BACKEND, else the Go backend), PyTorch on -device: on a GPU machine,
// `bench -backend xla:cuda -device cuda` compares both on the GPU (peak memory is then PyTorch's CUDA allocation
// against GoKD's host memory, so no memory ratio is printed). Output: a table (median ms, achieved GFLOP/s, peak memory) and one
// line per comparison, "ratio <what> <net> gokd/pytorch: <number>", below 1 when GoKD is faster or smaller.
package main
