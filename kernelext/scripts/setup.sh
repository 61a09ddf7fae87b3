#!/usr/bin/env bash
# GoKD set-up: installs what is missing, and only that, so running it again is quick and changes nothing.
#
#   setup.sh          Jupyter (Debian packages), goimports, gopls, the GoNB kernel.
#   setup.sh test     also what the test suite reads: real MRI volumes (mricron-data, nibabel's test data,
#                     ITK's MetaImage samples) and Chromium for the viewer's browser test.
#   setup.sh bench    also PyTorch (Debian's python3-torch), the reference the benchmark compares against.
#
# Works as root on a fresh Debian 12 machine that has only Go; as another user it uses sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/../.."   # the repository root: gonb is installed from this module, where go.mod pins it

say() { printf '[gokd setup] %s\n' "$*"; }

GOBIN="$(go env GOBIN)"; GOBIN="${GOBIN:-$(go env GOPATH)/bin}"
export PATH="$GOBIN:$PATH"

# --- Debian packages -----------------------------------------------------------------------------------------
packages=(jupyter-notebook jupyter-nbconvert python3-ipykernel)
case "${1:-}" in
  test)  packages+=(mricron-data python3-nibabel insighttoolkit5-examples chromium) ;;
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
# GOMLX_NO_AUTO_INSTALL so that no cell ever downloads an XLA plugin, and GOEXPERIMENT=simd so that cells are
# built with the Go backend's SIMD kernels (remove it from the kernel spec to build without them).
kernel_json="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels/gonb/kernel.json"
gopath_dir="$(dirname "$(command -v go)")"
kernel_path="$GOBIN:$gopath_dir:/usr/local/bin:/usr/bin:/bin"
if [ -f "$kernel_json" ] && grep -q "\"$GOBIN/gonb\"" "$kernel_json" && grep -q GOMLX_NO_AUTO_INSTALL "$kernel_json" \
   && grep -qF "\"PATH\": \"$kernel_path\"" "$kernel_json" && grep -q '"GOEXPERIMENT": "simd"' "$kernel_json"; then
  say "GoNB kernel registered: $kernel_json"
else
  say "registering the GoNB kernel with Jupyter"
  "$GOBIN/gonb" --install >/dev/null 2>&1 || "$GOBIN/gonb" --install
  /usr/bin/python3 - "$kernel_json" "$kernel_path" <<'PY'
import json, sys
path, kernel_path = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
spec.setdefault("env", {}).update({"PATH": kernel_path, "GOMLX_NO_AUTO_INSTALL": "1", "GOEXPERIMENT": "simd"})
json.dump(spec, open(path, "w"), indent=1)
PY
  say "kernel spec: $kernel_json"
fi
say "ready: $(go version | cut -d' ' -f3), gonb $want_gonb, $(/usr/bin/jupyter nbconvert --version 2>/dev/null | sed 's/^/nbconvert /')"
