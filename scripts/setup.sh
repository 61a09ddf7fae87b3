#!/usr/bin/env bash
# GoKD set-up: installs what is missing, and only that, so running it again is quick and changes nothing.
#
#   setup.sh          JupyterLab, nbclient and nbconvert (pinned, from PyPI, into .venv/), goimports, gopls, the
#                     GoNB kernel.
#   setup.sh test     also what the test suite reads: real MRI volumes (mricron-data, nibabel's test data,
#                     ITK's MetaImage samples), Chromium, Node.js and Playwright (npm, pinned, into
#                     notebooks/testdata/browser/node_modules/) for the browser tests, and Slurm (slurmctld,
#                     slurmd, slurm-client, munge: Debian's, unpinned) for the test of `gokd slurm` on a one-node
#                     cluster that the test starts and stops itself.
#   setup.sh bench    also PyTorch (Debian's python3-torch), the reference the benchmark compares against.
#
# Works as root on a fresh Debian 12 machine that has only Go; as another user it uses sudo for apt-get.
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # GoMLX v0.28.16 needs Go 1.27 (the go command fetches it from the module proxy)
cd "$(dirname "$0")/.."   # the repository root: gonb is installed from this module, where go.mod pins it

say() { printf '[gokd setup] %s\n' "$*"; }

GOBIN="$(go env GOBIN)"; GOBIN="${GOBIN:-$(go env GOPATH)/bin}"
export PATH="$GOBIN:$PATH"

# --- Debian packages -----------------------------------------------------------------------------------------
packages=(python3-venv)
case "${1:-}" in
  test)  packages+=(mricron-data python3-nibabel insighttoolkit5-examples chromium slurmctld slurmd slurm-client munge)
         # Node.js from Debian (18 on Debian 12) unless a node is already installed; npm comes with some builds.
         command -v node >/dev/null || packages+=(nodejs)
         command -v npm >/dev/null || packages+=(npm) ;;
  bench) packages+=(python3-torch) ;;
  "") ;;
  *) echo "usage: $0 [test|bench]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages present: ${packages[*]}"
fi

# --- JupyterLab, nbclient, nbconvert (PyPI, pinned, into .venv/) -----------------------------------------------
# Every package pinned by scripts/requirements-lab.txt; a stamp records which file was installed, so a
# changed pin reinstalls and an unchanged one costs nothing. Debian's Python builds the environment (python3 on PATH
# may be another one, e.g. pyenv's). `make lab`, `make demo`, `make verify` and the tests use .venv/bin/jupyter.
lab_requirements=scripts/requirements-lab.txt
lab_sha256=$(sha256sum "$lab_requirements" | cut -d' ' -f1)
lab_stamp=.venv/gokd-requirements.sha256
if [ -x .venv/bin/jupyter-lab ] && [ "$(cat "$lab_stamp" 2>/dev/null)" = "$lab_sha256" ]; then
  say "JupyterLab present: .venv/ ($(grep -E '^jupyterlab==' "$lab_requirements"))"
else
  say "installing JupyterLab, nbclient and nbconvert from PyPI into .venv/ ($lab_requirements)"
  [ -x .venv/bin/python ] || /usr/bin/python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$lab_requirements"
  echo "$lab_sha256" > "$lab_stamp.tmp" && mv "$lab_stamp.tmp" "$lab_stamp"
  say "JupyterLab installed: .venv/bin/jupyter-lab"
fi

# --- XLA's CPU compiler (PJRT plugin) -------------------------------------------------------------------------
# GoKD's fast CPU backend. The plugin comes from PyPI's xla-cpu-pjrt wheel (OpenXLA's PJRT C API 0.81), pinned by
# version and sha256, and is unpacked into .pjrt/ (ignored by git), where package backend finds it. Nothing is ever
# downloaded at run time; without the plugin GoKD runs on the pure-Go backend. GOKD_NO_XLA=1 skips this step.
xla_version=0.0.1
case "$(uname -m)" in
  x86_64)  xla_wheel="xla_cpu_pjrt-$xla_version-py3-none-manylinux_2_27_x86_64.whl"
           xla_sha256=55837b6b7b47daa717f2d9a5a03563ea0ceaa338d06a81a1e2d3f060d960decc; xla_platform=manylinux_2_27_x86_64 ;;
  aarch64) xla_wheel="xla_cpu_pjrt-$xla_version-py3-none-manylinux_2_27_aarch64.whl"
           xla_sha256=8f613be6e891858f40d64f9799319502fff42689661944fc18a6ffd8210b30c9; xla_platform=manylinux_2_27_aarch64 ;;
  *)       xla_wheel="" ;;
esac
xla_stamp=".pjrt/xla-cpu-pjrt.sha256"
if [ -n "${GOKD_NO_XLA:-}" ] || [ -z "$xla_wheel" ]; then
  say "XLA's CPU plugin skipped (GOKD_NO_XLA set, or no wheel for $(uname -m)): GoKD runs on the pure-Go backend"
elif [ -f .pjrt/pjrt_c_api_cpu_plugin.so ] && [ "$(cat "$xla_stamp" 2>/dev/null)" = "$xla_sha256" ]; then
  say "XLA's CPU plugin present: .pjrt/pjrt_c_api_cpu_plugin.so (xla-cpu-pjrt $xla_version)"
else
  say "installing XLA's CPU plugin: xla-cpu-pjrt $xla_version from PyPI into .pjrt/"
  pip_python=""
  for candidate in python3 /usr/bin/python3; do
    if "$candidate" -m pip --version >/dev/null 2>&1; then pip_python=$candidate; break; fi
  done
  if [ -z "$pip_python" ]; then
    say "no pip found (python3 -m pip): GoKD will run on the pure-Go backend"
  else
    tmp=$(mktemp -d)
    "$pip_python" -m pip download -q --no-deps --only-binary=:all: --platform "$xla_platform" \
      -d "$tmp" "xla-cpu-pjrt==$xla_version"
    got=$(sha256sum "$tmp/$xla_wheel" | cut -d' ' -f1)
    if [ "$got" != "$xla_sha256" ]; then
      echo "xla-cpu-pjrt wheel has sha256 $got, want $xla_sha256: not installed" >&2; rm -rf "$tmp"; exit 1
    fi
    mkdir -p .pjrt
    "$pip_python" - "$tmp/$xla_wheel" .pjrt/pjrt_c_api_cpu_plugin.so <<'PY'
import os, shutil, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z, z.open("xla_plugins/xla_cpu_pjrt/xla_cpu_pjrt.so") as src, open(dest + ".tmp", "wb") as out:
    shutil.copyfileobj(src, out)
os.replace(dest + ".tmp", dest)
PY
    echo "$xla_sha256" > "$xla_stamp"
    rm -rf "$tmp"
    say "XLA's CPU plugin installed: .pjrt/pjrt_c_api_cpu_plugin.so"
  fi
fi

# --- Go tools for the GoNB kernel ----------------------------------------------------------------------------
# Exact versions: the module proxy refuses version lists. gopls v0.23.0 is the newest that builds with Go 1.26.
install_go_tool() { # name, install command...
  local name=$1; shift
  if [ -x "$GOBIN/$name" ]; then say "$name present in $GOBIN"; return; fi
  say "installing $name into $GOBIN"
  "$@"
}
install_go_tool goimports go install golang.org/x/tools/cmd/goimports@v0.44.0
install_go_tool gopls go install golang.org/x/tools/gopls@v0.23.0
# `go install github.com/janpfeifer/gonb@v0.11.3` fails (the proxy refuses gonb's version list): install it as a
# tool of this module instead, at the version go.mod pins.
want_gonb="$(go list -m -f '{{.Version}}' github.com/janpfeifer/gonb)"
if [ -x "$GOBIN/gonb" ] && go version -m "$GOBIN/gonb" | grep -q "mod[[:space:]]*github.com/janpfeifer/gonb[[:space:]]*$want_gonb"; then
  say "gonb $want_gonb present in $GOBIN"
else
  say "installing gonb $want_gonb into $GOBIN"
  go install github.com/janpfeifer/gonb
fi

# --- The GoNB Jupyter kernel ---------------------------------------------------------------------------------
# Jupyter starts kernels with its own environment, which may lack Go's folders: the kernel's spec carries PATH,
# GOMLX_NO_AUTO_INSTALL so that no cell ever downloads an XLA plugin, and an empty GOEXPERIMENT: the Go backend's
# SIMD kernels (GOEXPERIMENT=simd) can crash on Go 1.27.3 (see the Makefile), so cells are built without them.
# GOKD_ROOT names this checkout, for notebooks outside it (their set-up cell falls back on it).
kernel_json="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels/gonb/kernel.json"
gopath_dir="$(dirname "$(command -v go)")"
kernel_path="$GOBIN:$gopath_dir:/usr/local/bin:/usr/bin:/bin"
if [ -f "$kernel_json" ] && grep -q "\"$GOBIN/gonb\"" "$kernel_json" && grep -q GOMLX_NO_AUTO_INSTALL "$kernel_json" \
   && grep -qF "\"PATH\": \"$kernel_path\"" "$kernel_json" && grep -q '"GOEXPERIMENT": ""' "$kernel_json" \
   && grep -q "\"GOTOOLCHAIN\": \"$GOTOOLCHAIN\"" "$kernel_json" && grep -qF "\"GOKD_ROOT\": \"$PWD\"" "$kernel_json"; then
  say "GoNB kernel registered: $kernel_json"
else
  say "registering the GoNB kernel with Jupyter"
  "$GOBIN/gonb" --install >/dev/null 2>&1 || "$GOBIN/gonb" --install
  /usr/bin/python3 - "$kernel_json" "$kernel_path" "$GOTOOLCHAIN" "$PWD" <<'PY'
import json, sys
path, kernel_path, toolchain, root = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
spec = json.load(open(path))
spec.setdefault("env", {}).update({"PATH": kernel_path, "GOMLX_NO_AUTO_INSTALL": "1", "GOEXPERIMENT": "",
                                   "GOTOOLCHAIN": toolchain, "GOKD_ROOT": root})
json.dump(spec, open(path, "w"), indent=1)
PY
  say "kernel spec: $kernel_json"
fi
if ! .venv/bin/jupyter kernelspec list 2>/dev/null | grep -q '^ *gonb '; then
  echo "JupyterLab in .venv/ does not see the GoNB kernel ($kernel_json): check JUPYTER_DATA_DIR" >&2; exit 1
fi

# --- Playwright, for the browser tests (setup.sh test) ----------------------------------------------------------
# playwright-core only (no browser download: it drives Debian's chromium), pinned with its lock file. 1.61.1 is the
# newest that runs on Debian 12's Node.js 18.
if [ "${1:-}" = test ]; then
  browser_dir=notebooks/testdata/browser
  want_pw=$(grep -o '"playwright-core": "[0-9.]*"' "$browser_dir/package.json" | grep -o '[0-9][0-9.]*')
  if grep -qs "\"version\": \"$want_pw\"" "$browser_dir/node_modules/playwright-core/package.json"; then
    say "Playwright present: playwright-core $want_pw in $browser_dir/node_modules"
  else
    say "installing Playwright (npm, pinned) into $browser_dir/node_modules"
    (cd "$browser_dir" && npm ci --silent --no-audit --no-fund)
  fi
fi

say "ready: $(go version | cut -d' ' -f3), gonb $want_gonb, $(.venv/bin/jupyter lab --version | sed 's/^/JupyterLab /'), $(.venv/bin/jupyter nbconvert --version | sed 's/^/nbconvert /')"
