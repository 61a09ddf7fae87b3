#!/usr/bin/env bash
# GoKD device check, run from the repository root on the accelerator machine (no Go toolchain, no network needed):
#
#   make devicecheck-build                 # on a machine with Go: builds .devicecheck/
#   bash cmd/gokd-devicecheck/run.sh      # on the GPU machine, with .devicecheck/ and the source tree copied over
#
# Phases, each under its own timeout (seconds, overridable) so that one hang cannot eat the budget; the limits add
# up to under 8 minutes:
#   devices  (T_DEVICES=45)  list the devices of $GOMLX_BACKEND (default xla:cuda); stops here without a plugin
#   losses   (T_LOSSES=60)   the loss cross-checks against PyTorch's values (kd/losses/testdata) on that backend
#   nets     (T_NETS=90)     the network tests (kd/nets) on that backend
#   train    (T_TRAIN=150)   teacher + distilled student on phantom data: Dice, ms/step; a few steps on the Go backend
#   bench    (T_BENCH=120)   the `make bench` workloads, GoKD on the backend vs PyTorch on $BENCH_DEVICE (cuda)
# Variables: GOMLX_BACKEND, GOKD_PYTHON (python3 with torch; default: python3 on PATH), BENCH_DEVICE (cuda|cpu),
# DEVICECHECK_DIR (.devicecheck), TRAIN_STEPS (40).
# Exit status: 0 when every phase passed, 3 when the PJRT plugin is missing, 1 otherwise.
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
bin=${DEVICECHECK_DIR:-.devicecheck}
[[ $bin = /* ]] || bin="$root/$bin"
export GOMLX_BACKEND=${GOMLX_BACKEND:-xla:cuda}
export GOMLX_NO_AUTO_INSTALL=1
python=${GOKD_PYTHON:-$(command -v python3 || true)}
bench_device=${BENCH_DEVICE:-cuda}
logs=$(mktemp -d /tmp/gokd-devicecheck.XXXXXX)

for f in devicecheck bench losses.test nets.test; do
  [[ -x $bin/$f ]] || { echo "missing $bin/$f: run 'make devicecheck-build' on a machine with Go first" >&2; exit 1; }
done

# jax-cuda*-pjrt keeps its CUDA tools (ptxas, libdevice) in site-packages/nvidia/cuda_nvcc, where XLA may not look.
if [[ -n $python && ${XLA_FLAGS:-} != *xla_gpu_cuda_data_dir* ]]; then
  nvcc_dir=$("$python" -c 'import nvidia.cuda_nvcc, os; print(os.path.dirname(nvidia.cuda_nvcc.__file__))' 2>/dev/null ||
    "$python" -c 'import nvidia, os; print(os.path.join(list(nvidia.__path__)[0], "cuda_nvcc"))' 2>/dev/null || true)
  [[ -d $nvcc_dir ]] && export XLA_FLAGS="${XLA_FLAGS:-} --xla_gpu_cuda_data_dir=$nvcc_dir"
fi

summary=()
failed=0
# phase NAME LIMIT DIR COMMAND...: runs COMMAND in DIR under LIMIT seconds, shows and logs its output.
phase() {
  local name=$1 limit=$2 dir=$3
  shift 3
  echo "=== $name (limit ${limit}s): $*"
  local start=$SECONDS
  (cd "$dir" && timeout -k 10 "$limit" "$@") 2>&1 | tee "$logs/$name.log"
  local rc=${PIPESTATUS[0]} status=ok
  case $rc in
    0) ;;
    124 | 137) status="TIMEOUT" ;;
    *) status="FAILED (exit $rc)" ;;
  esac
  [[ $rc -eq 0 ]] || failed=1
  summary+=("$(printf '%-8s %-18s %5ds' "$name" "$status" $((SECONDS - start)))")
  return "$rc"
}

echo "GoKD device check: backend $GOMLX_BACKEND, python ${python:-none}, logs in $logs"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
phase devices "${T_DEVICES:-45}" "$root" "$bin/devicecheck" -phase devices
rc=$?
if [[ $rc -eq 3 ]]; then
  echo "The PJRT plugin is missing (message above): nothing else can run on $GOMLX_BACKEND." >&2
  exit 3
fi
# The test binaries and the benchmark get the plugin's absolute path (jax's file name is not go-xla's).
resolved=$("$bin/devicecheck" -phase resolve) || resolved=$GOMLX_BACKEND
echo "resolved backend: $resolved"

GOMLX_BACKEND=$resolved phase losses "${T_LOSSES:-60}" "$root/kd/losses" "$bin/losses.test" \
  -test.run 'MatchesPyTorch|KnownValues|TrailingUnitAxis' -test.v
GOMLX_BACKEND=$resolved phase nets "${T_NETS:-90}" "$root/kd/nets" "$bin/nets.test" -test.v
phase train "${T_TRAIN:-150}" "$root" "$bin/devicecheck" -phase train -steps "${TRAIN_STEPS:-40}"
GOMLX_BACKEND=$resolved phase bench "${T_BENCH:-120}" "$root" "$bin/bench" -backend "$resolved" \
  -python "$python" -device "$bench_device" -size 128 -rounds 5 -threads "$(nproc)"

echo
echo "=== summary (backend $GOMLX_BACKEND)"
printf '%s\n' "${summary[@]}"
echo "--- training (from the train phase)"
sed -n '/backend .*net .*devices/,$p' "$logs/train.log"
echo "--- bench ratios (gokd/pytorch, below 1: GoKD faster)"
grep '^ratio' "$logs/bench.log" || echo "(none)"
exit "$failed"
