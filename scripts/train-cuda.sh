#!/usr/bin/env bash
# The PyTorch backend's training on a CUDA machine: NCCL between the GPUs and bf16 autocast (train.py turns
# both on when CUDA is there). Not run in CI (no GPU there): a prepared script for whenever one is at hand.
#
#   scripts/train-cuda.sh [NET.incp] [GPUS]      default: examples/train/mini.incp on every visible GPU
#
# Compiles NET with incc, makes a venv with the generated requirements (pip's CUDA build of torch), trains a
# few hundred steps on generated images with torchrun, and checks the run: the loss fell, both the checkpoint
# and the ONNX export exist. Real data: pass DATA=/path/to/imagefolder.
set -euo pipefail
cd "$(dirname "$0")/.."
NET="${1:-examples/train/mini.incp}"
GPUS="${2:-$(nvidia-smi -L 2>/dev/null | wc -l)}"
OUT="${OUT:-build/cuda-run}"
[ "$GPUS" -ge 1 ] || { echo "train-cuda.sh: no GPU visible (nvidia-smi -L lists none)" >&2; exit 1; }
npm run build >/dev/null
rm -rf "$OUT" && node dist/bin/incc.js compile "$NET" --target pytorch --out "$OUT/model"
if [ ! -x "$OUT/venv/bin/python" ]; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install -q -r "$OUT/model/requirements.txt"
fi
"$OUT/venv/bin/python" -c 'import torch; assert torch.cuda.is_available(), "torch has no CUDA here"; print(torch.cuda.get_device_name(0), "NCCL", torch.cuda.nccl.version())'
if [ -n "${DATA:-}" ]; then data=(--data "$DATA"); else data=(--synthetic 4096); fi
"$OUT/venv/bin/torchrun" --standalone --nproc_per_node="$GPUS" "$OUT/model/train.py" "${data[@]}" \
  --out "$OUT/run" --max-steps "${STEPS:-300}" --batch-size "${BATCH:-32}" --log-every 20
"$OUT/venv/bin/python" - "$OUT/run" <<'PY'
import json, sys
m = [json.loads(l) for l in open(sys.argv[1] + "/metrics.jsonl")]
first = sum(x["loss"] for x in m[:10]) / 10
last = sum(x["loss"] for x in m[-10:]) / 10
print(f"loss {first:.3f} -> {last:.3f} over {len(m)} steps")
assert last < first, "the loss did not fall"
PY
ls -la "$OUT/run/checkpoint.pt" "$OUT/run/model.onnx" "$OUT/run/weights.safetensors"
echo "train-cuda.sh: NCCL + bf16 run done ($GPUS GPU(s))"
