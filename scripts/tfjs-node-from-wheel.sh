#!/usr/bin/env bash
# Installs @tensorflow/tfjs-node (the native TensorFlow backend of `incc train`) without its libtensorflow
# download: the addon is built from source against the libtensorflow that the TensorFlow CPU wheel carries.
# For machines that cannot reach storage.googleapis.com (a proxy, an offline mirror) but can reach npm and
# the Python package index (or a mirror of them). Where the download works, `npm install
# @tensorflow/tfjs-node` is all it takes (README, "Training").
#
#   scripts/tfjs-node-from-wheel.sh [--wheel FILE] [--force]
#
# Run it in the project (or any folder whose node_modules should get tfjs-node). Idempotent: when
# tfjs-node is already installed and loads, it says so and does nothing (--force rebuilds). tfjs-node is
# installed with --no-save: it is never a dependency of the package, and `npm ci` / `npm install` remove
# it again (run this script after them).
#
# Needs: node + npm, python3 with pip (or --wheel FILE, a tensorflow_cpu wheel already downloaded), a C++
# compiler, make and python3 for node-gyp. Disk: about 850 MB. Environment: TFJS_NODE_VERSION (4.22.0),
# TENSORFLOW_CPU_VERSION (2.21.0), INCC_WHEEL_CACHE (where the wheel is kept; ~/.cache/incc/wheels),
# PYTHON (python3).
set -euo pipefail

TFJS_NODE_VERSION="${TFJS_NODE_VERSION:-4.22.0}"
TF_VERSION="${TENSORFLOW_CPU_VERSION:-2.21.0}"
PYTHON="${PYTHON:-python3}"
WHEEL_CACHE="${INCC_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/incc/wheels}"
WHEEL=""
FORCE=0

die() { echo "tfjs-node-from-wheel: error: $*" >&2; exit 1; }
say() { echo "tfjs-node-from-wheel: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --wheel) [ $# -ge 2 ] || die "--wheel needs a file"; WHEEL="$2"; shift 2 ;;
    --force) FORCE=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

command -v node >/dev/null || die "node is not on PATH"
command -v npm >/dev/null || die "npm is not on PATH"
[ -f package.json ] || die "run this in the project folder (no package.json in $(pwd))"
[ -d node_modules/@tensorflow/tfjs ] || die "node_modules has no @tensorflow/tfjs: run npm install (or npm ci) first"

PKG="node_modules/@tensorflow/tfjs-node"

# The check that the install works: load the addon, run one op on the tensorflow backend.
loads() {
  node --input-type=module -e "
    const tf = await import('@tensorflow/tfjs-node');
    const s = tf.add(tf.tensor1d([1, 2]), 1).dataSync();
    if (tf.getBackend() !== 'tensorflow' || s[1] !== 3) process.exit(3);
  " 2>"$1"
}

ERR_LOG="$(mktemp)"
trap 'rm -f "$ERR_LOG"' EXIT
if [ "$FORCE" = 0 ] && [ -f "$PKG/package.json" ] && loads "$ERR_LOG"; then
  say "@tensorflow/tfjs-node $(node -p "require('./$PKG/package.json').version") is installed and loads: nothing to do (--force rebuilds)"
  exit 0
fi

# 1. The package, without its install script (which would download libtensorflow).
installed="$( [ -f "$PKG/package.json" ] && node -p "require('./$PKG/package.json').version" || true)"
if [ "$installed" != "$TFJS_NODE_VERSION" ]; then
  say "installing @tensorflow/tfjs-node@$TFJS_NODE_VERSION (--ignore-scripts --no-save)"
  npm install "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" --ignore-scripts --no-save --no-audit --no-fund >&2 ||
    die "npm could not install @tensorflow/tfjs-node@$TFJS_NODE_VERSION (is the npm registry reachable?)"
fi
[ -f "$PKG/scripts/install.js" ] || die "$PKG/scripts/install.js is missing: the package did not install"

# 2. The TensorFlow CPU wheel (only its libraries and C headers are used).
if [ -z "$WHEEL" ]; then
  WHEEL="$(ls "$WHEEL_CACHE"/tensorflow_cpu-"$TF_VERSION"-*.whl 2>/dev/null | head -n1 || true)"
fi
if [ -z "$WHEEL" ]; then
  command -v "$PYTHON" >/dev/null || die "$PYTHON is not on PATH (set PYTHON, or pass --wheel FILE)"
  mkdir -p "$WHEEL_CACHE"
  say "downloading tensorflow-cpu==$TF_VERSION (the wheel only, no dependencies) into $WHEEL_CACHE"
  PIP_RETRIES="${PIP_RETRIES:-1}" "$PYTHON" -m pip download "tensorflow-cpu==$TF_VERSION" --no-deps \
    --only-binary=:all: -d "$WHEEL_CACHE" >&2 ||
    die "pip could not download tensorflow-cpu==$TF_VERSION (is the Python package index or a mirror reachable?)"
  WHEEL="$(ls "$WHEEL_CACHE"/tensorflow_cpu-"$TF_VERSION"-*.whl 2>/dev/null | head -n1 || true)"
  [ -n "$WHEEL" ] || die "pip finished but left no tensorflow_cpu-$TF_VERSION wheel in $WHEEL_CACHE"
fi
[ -f "$WHEEL" ] || die "no such wheel: $WHEEL"

# 3. libtensorflow and its C headers into the package's deps/, where its binding.gyp looks.
say "unpacking libtensorflow from $(basename "$WHEEL")"
rm -rf "$PKG/deps" "$PKG/lib/napi-v"*
mkdir -p "$PKG/deps/lib" "$PKG/deps/include"
"$PYTHON" - "$WHEEL" "$PKG/deps" <<'EOF' || die "could not unpack $WHEEL (is it a tensorflow_cpu wheel for this platform?)"
import os, shutil, sys, zipfile
wheel, deps = sys.argv[1], sys.argv[2]
libs = {'tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'}
headers = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/',
           'tensorflow/include/xla/', 'tensorflow/include/tsl/')
found = set()
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.endswith('/'):
            continue
        if name in libs:
            target = os.path.join(deps, 'lib', os.path.basename(name))
            found.add(name)
        elif name.startswith(headers):
            target = os.path.join(deps, 'include', name[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(name) as src, open(target, 'wb') as dst:
            shutil.copyfileobj(src, dst)
missing = libs - found
if missing:
    sys.exit('missing in the wheel: ' + ', '.join(sorted(missing)))
EOF
(
  cd "$PKG/deps/lib"
  ln -sf libtensorflow_cc.so.2 libtensorflow.so
  ln -sf libtensorflow_cc.so.2 libtensorflow.so.2
  ln -sf libtensorflow_cc.so.2 libtensorflow.so.2.9.1
  ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so
)

# 4. Build the addon from source: a custom-binary.json without an `addon` key makes install.js build
# instead of downloading one, and deps/lib/libtensorflow.so.2.9.1 makes it skip the libtensorflow download.
echo "{\"tf-lib\": \"file://$(cd "$PKG/deps/lib" && pwd)/libtensorflow.so\"}" >"$PKG/scripts/custom-binary.json"
say "building the addon (node-gyp; a few minutes)"
npm rebuild @tensorflow/tfjs-node --foreground-scripts >&2 ||
  die "building the addon failed (needs a C++ compiler, make and python3; the output is above)"

loads "$ERR_LOG" || die "the addon built but does not load: $(grep -v '^\s*$' "$ERR_LOG" | head -n 3 | tr '\n' ' ')"
say "@tensorflow/tfjs-node $TFJS_NODE_VERSION works (libtensorflow from tensorflow-cpu $TF_VERSION); incc train now uses it"
