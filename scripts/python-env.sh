#!/usr/bin/env bash
# The project's Python environment for the PyTorch backend's tests and the Keras references (issues 13, 14), in
# .venv/ (git-ignored): plain `pip install` of the packages below, so that it resolves from the Python package
# index anywhere and from local wheel folders where pip is configured with them. Idempotent: a second run
# installs nothing.
#
#   scripts/python-env.sh            make or complete .venv/ (and, as root, Debian's torchvision reference)
#   INCC_VENV=DIR scripts/python-env.sh   another folder
#
# torchvision is NOT installed with pip: pip's torchvision is a CUDA build that cannot import next to the
# CPU torch (shared/notes/TOOLCHAIN.md). The torchvision reference tests use Debian's python3-torch and
# python3-torchvision in the system python3 (/usr/bin/python3), installed here with apt-get when running
# as root and missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${INCC_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
# One package a line; other backends add theirs here.
PACKAGES=(
  torch
  safetensors
  numpy
  onnx
  onnxruntime
  ruff
  tensorflow-cpu # Keras 3's backend: the Keras reference (weights import, --names keras)
  keras
  h5py
)
# Modules that must import afterwards (a package name is not always its module name).
MODULES=(torch safetensors numpy onnx onnxruntime tensorflow keras h5py)

# pip tries the public index first and retries for minutes where it cannot reach it.
export PIP_RETRIES="${PIP_RETRIES:-0}" PIP_TIMEOUT="${PIP_TIMEOUT:-2}" PIP_DISABLE_PIP_VERSION_CHECK=1

fail() {
  echo "scripts/python-env.sh: $*" >&2
  exit 1
}

command -v "$PYTHON" >/dev/null || fail "no $PYTHON on PATH (Python 3.9 or later is needed)"
if [ ! -x "$VENV/bin/python" ]; then
  echo "python-env: making $VENV with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv "$VENV" || fail "could not make a venv in $VENV (Debian: apt-get install python3-venv)"
fi
PY="$VENV/bin/python"

# The packages not installed yet (one interpreter start, not one pip run per package).
read -r -a missing <<<"$("$PY" - "${PACKAGES[@]}" <<'PYEOF'
import importlib.metadata as md, sys
def installed(name):
    try:
        md.version(name)
        return True
    except md.PackageNotFoundError:
        return False
print(" ".join(p for p in sys.argv[1:] if not installed(p)))
PYEOF
)"
if [ ${#missing[@]} -gt 0 ]; then
  echo "python-env: pip install ${missing[*]}"
  # torch as a CPU build where the index offers one; the local wheel folders hold only that build.
  "$PY" -m pip install -q "${missing[@]}" ||
    fail "pip install ${missing[*]} failed (see pip's message above; offline machines need local wheels)"
fi
# (TensorFlow's informational lines off for this check.)
export TF_CPP_MIN_LOG_LEVEL=3 TF_ENABLE_ONEDNN_OPTS=0
"$PY" - "${MODULES[@]}" <<'PYEOF' || fail "the packages installed but do not import (see above)"
import importlib, sys
for m in sys.argv[1:]:
    importlib.import_module(m)
PYEOF

# torchvision's reference inception_v3, in the system python3 (Debian's packages).
SYSPY=/usr/bin/python3
if [ -x "$SYSPY" ] && ! "$SYSPY" -c 'import torch, torchvision' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "python-env: apt-get install python3-torch python3-torchvision (the torchvision reference)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-torchvision >/dev/null) ||
      echo "python-env: could not install python3-torchvision; the torchvision reference test will fail in CI" >&2
  else
    echo "python-env: no torchvision in $SYSPY; as root: apt-get install python3-torch python3-torchvision" >&2
  fi
fi
echo "python-env: ready: $PY ($("$PY" -c 'import torch; print("torch", torch.__version__)'))"
