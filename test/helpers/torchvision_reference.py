"""torchvision's Inception-v3 as a reference for `incc weights import` (test/heavy/weights-import.test.ts).

    python3 test/helpers/torchvision_reference.py OUT_DIR

Runs in Debian's python3 (torch 1.13, torchvision 0.14, numpy; no safetensors or onnx package there) and
writes into OUT_DIR:

- inception_v3.safetensors: the state dict of inception_v3(init_weights=True, aux_logits=True,
  transform_input=False) with randomised weights AND batch norm statistics, written with the safetensors
  layout (a JSON header, then the tensors: the format is small enough to write here; the keys sorted, as
  the safetensors library writes them);
- inception_v3.onnx: torchvision's own ONNX export of the same model (eval mode, opset 13);
- resnet_like.safetensors: a ResNet-style state dict (7x7 stem, layer1.0.conv1 ...), the wrong network;
- v3_changed.safetensors: the same v3 with one layer changed (Mixed_6b.branch7x7_2, a 1x7 conv, made 1x5);
- input.bin: a float32 NCHW batch in [-1, 1];
- reference.json: torchvision's outputs on it, as shipped: logits and aux logits (its branch_pool average
  pools count the zero padding, as std/inception_v3 does with --set count_include_pad=true).
"""

import json
import struct
import sys

import numpy as np
import torch
from torchvision.models import inception_v3


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        a = tensors[name].detach().contiguous().numpy()
        dtype = {np.float32: "F32", np.int64: "I64"}[a.dtype.type]
        b = a.tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def randomise(model, seed):
    """Glorot-uniform kernels (torchvision's truncated normal, std 0.1, blows activations up to ~1e19 over 94
    layers) and random batch norm gammas, betas and statistics, so that every tensor matters."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                fan_out, fan_in = m.weight.shape[0], m.weight[0].numel()
                receptive = m.weight[0, 0].numel()
                limit = (6 / (fan_in + fan_out * receptive)) ** 0.5
                m.weight.copy_((torch.rand(m.weight.shape, generator=g) * 2 - 1) * limit)
                if m.bias is not None:
                    m.bias.copy_(torch.rand(m.bias.shape, generator=g) * 0.2 - 0.1)
            elif isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=g) * 0.2 - 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 0.4 + 0.3)
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) * 0.6 + 0.7)
                m.bias.copy_(torch.rand(m.bias.shape, generator=g) * 0.2 - 0.1)
                m.num_batches_tracked.fill_(1000)


def outputs(model, x):
    """Main and aux logits in eval mode (torchvision runs its aux head only in training mode)."""
    seen = {}
    hook = model.Mixed_6e.register_forward_hook(lambda m, i, o: seen.__setitem__("mixed7", o))
    with torch.no_grad():
        main = model(x)
        aux = model.AuxLogits(seen["mixed7"])
    hook.remove()
    return main, aux


def resnet_like():
    """The first layers of a ResNet-18 state dict: enough to be the wrong network."""
    g = torch.Generator().manual_seed(3)
    out = {}
    def conv(name, o, i, k):
        out[f"{name}.weight"] = torch.rand(o, i, k, k, generator=g) - 0.5
    def bn(name, c):
        out[f"{name}.weight"] = torch.ones(c)
        out[f"{name}.bias"] = torch.zeros(c)
        out[f"{name}.running_mean"] = torch.zeros(c)
        out[f"{name}.running_var"] = torch.ones(c)
        out[f"{name}.num_batches_tracked"] = torch.zeros((), dtype=torch.int64)
    conv("conv1", 64, 3, 7)
    bn("bn1", 64)
    for b in range(2):
        conv(f"layer1.{b}.conv1", 64, 64, 3)
        bn(f"layer1.{b}.bn1", 64)
        conv(f"layer1.{b}.conv2", 64, 64, 3)
        bn(f"layer1.{b}.bn2", 64)
    out["fc.weight"] = torch.rand(1000, 512, generator=g) - 0.5
    out["fc.bias"] = torch.zeros(1000)
    return out


def main():
    out = sys.argv[1]
    torch.manual_seed(0)
    model = inception_v3(weights=None, init_weights=True, aux_logits=True, transform_input=False)
    randomise(model, 1)
    model.eval()
    x = torch.rand(2, 3, 299, 299, generator=torch.Generator().manual_seed(2)) * 2 - 1
    x.numpy().astype("<f4").tofile(f"{out}/input.bin")

    main, aux = outputs(model, x)

    save_safetensors(f"{out}/inception_v3.safetensors", model.state_dict())
    save_safetensors(f"{out}/resnet_like.safetensors", resnet_like())
    changed = dict(model.state_dict())
    changed["Mixed_6b.branch7x7_2.conv.weight"] = changed["Mixed_6b.branch7x7_2.conv.weight"][:, :, :, 1:6]
    save_safetensors(f"{out}/v3_changed.safetensors", changed)
    torch.onnx.export(
        model, x[:1], f"{out}/inception_v3.onnx", opset_version=13, do_constant_folding=True,
        input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
    )
    lst = lambda t: t.flatten().tolist()
    with open(f"{out}/reference.json", "w") as f:
        json.dump({
            "shape": list(x.shape), "torch": torch.__version__,
            "main": lst(main), "aux": lst(aux),
        }, f)


if __name__ == "__main__":
    main()
