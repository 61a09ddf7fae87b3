// Command gokd-bench compares the speed and memory of GoKD's default networks on each GoMLX backend present with the
// same networks in PyTorch (`make bench`: `go run ./cmd/gokd-bench`).
//
// For the teacher and the student it times a training step (forward, backward, Adam; softmax cross-entropy) and
// inference at batch 1 and 8. Every contender (each GoKD backend of -backends — by default go, xla:cpu and xla:cuda
// where their plugins are installed — and PyTorch) runs in a child process of its own, one per workload, so that its
// peak memory is its own; rounds alternate the contenders so that all see the same machine load. GoKD's children are
// this program in its internal -serve mode; the references are embedded scripts: reference.py, the networks in
// PyTorch (-python: $GOKD_PYTHON, else Debian's /usr/bin/python3 with python3-torch), and reference_jax.py, the same
// in JAX on XLA's CPU compiler (-jax: $GOKD_JAX_PYTHON, else .venv-bench/bin/python, which setup-jax.sh installs).
// A reference that cannot start is left out with a message.
//
// PyTorch runs on -device: on a GPU machine `gokd-bench -backends xla:cuda -device cuda` compares both on the GPU
// (peak memory is then PyTorch's CUDA allocation against GoKD's host memory, so no memory ratio is printed). Output: a
// table (median ms, achieved GFLOP/s, peak resident memory) and one line per comparison,
// "ratio <workload> <net> gokd-<backend>/<pytorch|jax>: <number>", below 1 when GoKD is faster or smaller.
package main
