#!/usr/bin/env bash
# Installs the benchmark's second reference, JAX on the CPU, into .venv-bench/ (ignored by git): pinned versions from
# PyPI, idempotent (quick when present). Run from the repository root by `make setup-bench`. GOKD_NO_JAX=1 skips it.
set -euo pipefail
say() { echo "[gokd setup-bench] $*"; }
[ "${GOKD_NO_JAX:-}" = 1 ] && { say "GOKD_NO_JAX=1: the JAX reference is not installed"; exit 0; }
venv=.venv-bench
pins=(jax==0.10.2 jaxlib==0.10.2 ml_dtypes==0.7.0 numpy==2.4.6 opt_einsum==3.4.0 scipy==1.17.1)
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import jax, sys; sys.exit(jax.__version__ != "0.10.2")' 2>/dev/null; then
  say "JAX 0.10.2 present in $venv"
  exit 0
fi
python=$(command -v python3)
say "installing JAX 0.10.2 (CPU) from PyPI into $venv with $python"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "${pins[@]}"
"$venv/bin/python" -c 'import jax; jax.numpy.ones(2).sum().block_until_ready()'
say "JAX ready: $("$venv/bin/python" -c 'import jax; print(jax.__version__, jax.devices())')"
