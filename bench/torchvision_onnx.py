"""torchvision's Inception-v3 as ONNX, the reference of bench/onnx-infer.mjs.

    python3 bench/torchvision_onnx.py OUT.onnx

torchvision.models.inception_v3(weights=None, init_weights=True) (no download; random weights, which do
not change the latency) in eval mode, exported by torch.onnx.export with constant folding (batch norm
folded into the convolutions), opset 13, input `input` [N, 3, 299, 299] with a dynamic batch. Needs torch
and torchvision that import together: on Debian, python3-torch and python3-torchvision in /usr/bin/python3
(pip's torchvision here is a CUDA build, shared/notes/TOOLCHAIN.md).
"""

import inspect
import sys
import warnings

import torch
from torchvision.models import inception_v3


def main(out):
    torch.manual_seed(0)
    model = inception_v3(weights=None, init_weights=True, aux_logits=True).eval()
    x = torch.randn(1, 3, 299, 299)
    options = {
        "opset_version": 13,
        "do_constant_folding": True,
        "input_names": ["input"],
        "output_names": ["logits"],
        "dynamic_axes": {"input": {0: "N"}, "logits": {0: "N"}},
    }
    # torch 2.x defaults to the dynamo exporter (it needs onnxscript); the TorchScript one is the reference.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        options["dynamo"] = False
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x, out, **options)
    print(
        f"torch {torch.__version__}, torchvision {__import__('torchvision').__version__}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
