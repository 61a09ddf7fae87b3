# GoKD — the two commands a new user needs are `make demo` and `make test` (README.md).
# Every target installs what it needs first (`make setup`, idempotent: quick when all is there).

SHELL := /bin/bash
# GoMLX v0.28.16 needs Go 1.27: the go command fetches this toolchain from the module proxy on first use (a machine's
# own Go 1.26 ignores go.mod's toolchain line when GOTOOLCHAIN=local, so it is set here, for every go command below).
export GOTOOLCHAIN := go1.27.3
GOBIN := $(shell go env GOBIN)
ifeq ($(GOBIN),)
GOBIN := $(shell go env GOPATH)/bin
endif
export PATH := $(GOBIN):$(PATH)
# Never let go-xla download a PJRT plugin.
export GOMLX_NO_AUTO_INSTALL := 1
# The Go backend's SIMD kernels (GOEXPERIMENT=simd) nearly halve its training time on amd64, but they are off by
# default: Go 1.27.3's experimental simd.LoadFloat32sPart reads a whole vector past the end of a short slice, so a
# tensor that ends within 64 bytes of an unmapped page crashes the process (SIGSEGV; it crashed `make test` once on
# an AVX-512 machine, and a 30-line program with a PROT_NONE page reproduces it at every vector width). Opt in with
# `make GOEXPERIMENT=simd …`. XLA's CPU backend, the default once `make setup` installed it, is not affected.
GOEXPERIMENT ?=
export GOEXPERIMENT

FLAGSHIP := notebooks/04_multi_teacher_adaptive_kd.ipynb
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# Until the flagship exists, the demo runs the first notebook.
DEMO_NOTEBOOK := $(if $(wildcard $(FLAGSHIP)),$(FLAGSHIP),$(firstword $(NOTEBOOKS)))

LAB_ARGS ?=

.PHONY: setup setup-test setup-bench lab demo test verify bench vet notebooks devicecheck-build

setup: ## JupyterLab (pinned, into .venv/), goimports, gopls and the GoNB kernel: installs only what is missing.
	@bash scripts/setup.sh

setup-test: ## setup, plus the real MRI files, Chromium and Playwright that the tests use.
	@bash scripts/setup.sh test

setup-bench: ## setup, plus the benchmark's references: PyTorch (Debian) and JAX (PyPI, into .venv-bench/).
	@bash scripts/setup.sh bench
	@bash cmd/gokd-bench/setup-jax.sh

lab: setup ## JupyterLab on the notebooks folder (pick the "Go (gonb)" kernel); extra options in LAB_ARGS; LAB_DIR=folder serves your own.
	GOKD_ROOT=$(CURDIR) .venv/bin/jupyter lab --ServerApp.root_dir=$(or $(LAB_DIR),notebooks) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

demo: setup ## Execute the flagship notebook headless (the default backend; the committed protocol run, reloaded) into out/, with an HTML export.
	go run ./cmd/gokd-nb run -out out -html $(DEMO_NOTEBOOK)

vet: ## go.mod and go.sum tidy, every file gofmt-formatted, go vet clean: each fails the target.
	go mod tidy -diff
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then \
	  echo "not gofmt-formatted (run gofmt -w):"; echo "$$unformatted"; exit 1; fi
	go vet ./...

# -count=1: the notebook tests run Jupyter in a subprocess, whose reads of GoKD's sources Go's test cache cannot see,
# so a cached "ok" could hide a notebook broken by a change elsewhere.
# The suite runs on the default backend (XLA's CPU compiler once `make setup` installed it); the packages whose
# numbers depend on the backend (losses, networks, training, checkpoints) run a second time on the pure-Go backend.
test: setup-test vet ## The whole suite, every notebook executed headless and checked included.
	go test -count=1 -timeout 80m ./...
	@if [ "$$(go run ./cmd/gokd backend)" != go ]; then \
	  echo "again on the pure-Go backend: kd/losses kd/nets kd/train kd/ckpt"; \
	  GOMLX_BACKEND=go go test -count=1 -timeout 20m ./kd/losses ./kd/nets ./kd/train ./kd/ckpt; fi

verify: setup ## The reviewer's re-run: re-execute the committed notebooks into out/ and compare their key numbers.
	go run ./cmd/gokd-nb verify -out out $(NOTEBOOKS)

notebooks: setup ## Re-execute every notebook in place, refreshing the outputs that are committed.
	go run ./cmd/gokd-nb run -out notebooks $(NOTEBOOKS)

bench: setup-bench ## Train step and inference of the default teacher and student: GoKD on every backend present vs PyTorch and JAX.
	go run ./cmd/gokd-bench

DEVICECHECK_DIR := .devicecheck

devicecheck-build: ## Build the GPU device check into .devicecheck/: copy the tree there, run `bash cmd/gokd-devicecheck/run.sh`.
	rm -rf $(DEVICECHECK_DIR) && mkdir -p $(DEVICECHECK_DIR)
	@# go-xla loads PJRT plugins with dlopen through cgo: the binaries link glibc dynamically (a static glibc
	@# binary cannot safely dlopen the plugin), so the target machine needs a glibc at least as new as below.
	CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o $(DEVICECHECK_DIR)/devicecheck ./cmd/gokd-devicecheck
	CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o $(DEVICECHECK_DIR)/bench ./cmd/gokd-bench
	@# gokd itself, for the GPU-scale protocol (configs/README.md): .devicecheck/gokd experiment -config configs/protocol_gpu.json …
	CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o $(DEVICECHECK_DIR)/gokd ./cmd/gokd
	CGO_ENABLED=1 go test -c -trimpath -ldflags="-s -w" -o $(DEVICECHECK_DIR)/losses.test ./kd/losses
	CGO_ENABLED=1 go test -c -trimpath -ldflags="-s -w" -o $(DEVICECHECK_DIR)/nets.test ./kd/nets
	$(DEVICECHECK_DIR)/devicecheck -dry-run -phase devices
	@echo "newest glibc symbol version needed: $$(objdump -T $(DEVICECHECK_DIR)/* 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
	@du -sh $(DEVICECHECK_DIR)
