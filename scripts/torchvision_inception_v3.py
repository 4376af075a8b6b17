"""torchvision's Inception-v3 weights for incc's (spec/pytorch.md).

incc's std/inception_v3 with the bn_gamma rule is torchvision's
inception_v3(aux_logits=False) layer for layer: compile it with

    incc compile std/inception_v3.incp --rules bn_gamma --target pytorch --out DIR

and this maps torchvision's state_dict keys onto DIR/model.py's:

    python scripts/torchvision_inception_v3.py TORCHVISION.pth OUT.safetensors

(needs torch and safetensors, not torchvision). OUT.safetensors then loads into
model.py with strict keys, and
`incc compile ... --rules bn_gamma --target onnx --weights OUT.safetensors` (or tfjs)
takes it into incc's other backends. torchvision's weights expect its own input
normalization (transform_input=False here: normalize with ImageNet's mean and std).
"""

import re
import sys

# torchvision's stages -> incc's qualified names (std/inception_v3.incp).
STAGES = {
    "Conv2d_1a_3x3": "conv1",
    "Conv2d_2a_3x3": "conv2",
    "Conv2d_2b_3x3": "conv3",
    "Conv2d_3b_1x1": "conv4",
    "Conv2d_4a_3x3": "conv5",
    "Mixed_5b": "mixed0",
    "Mixed_5c": "mixed1",
    "Mixed_5d": "mixed2",
    "Mixed_6a": "mixed3",
    "Mixed_6b": "mixed4",
    "Mixed_6c": "mixed5",
    "Mixed_6d": "mixed6",
    "Mixed_6e": "mixed7",
    "Mixed_7a": "mixed8",
    "Mixed_7b": "mixed9",
    "Mixed_7c": "mixed10",
    "fc": "predictions",
}

# Within a module: torchvision's branch_N is incc's branch/convN, except in Mixed_7b/7c,
# where 3x3_2a, 3x3_2b are conv2, conv3 and 3x3dbl_3a, 3x3dbl_3b are conv3, conv4.
SPLIT = {"2a": 2, "2b": 3, "3a": 3, "3b": 4}


def branch_name(branch):
    """`branch5x5_1` -> `branch5x5_conv1`; `branch_pool` -> `branch_pool_conv1`."""
    if branch == "branch_pool":
        return "branch_pool_conv1"
    m = re.fullmatch(r"(branch\w+?)_(\d|\d[ab])", branch)
    if not m:
        return branch  # branch1x1, and Mixed_6a's branch3x3: one conv
    k = SPLIT.get(m.group(2), None) or int(m.group(2))
    return f"{m.group(1)}_conv{k}"


def incc_key(key):
    """A torchvision state_dict key -> model.py's (attribute names: '/' written '_')."""
    stage, rest = key.split(".", 1)
    if stage == "fc":
        return f"predictions.{rest}"
    name = STAGES[stage]
    if stage.startswith("Mixed"):
        branch, rest = rest.split(".", 1)
        name = f"{name}_{branch_name(branch)}"
    return f"{name}.{rest}"


def main():
    import torch
    from safetensors.torch import save_file

    source, target = sys.argv[1:3]
    state = torch.load(source, map_location="cpu")
    out = {
        incc_key(k): v.contiguous()
        for k, v in state.items()
        if not k.startswith("AuxLogits")
    }
    save_file(out, target)
    print(f"wrote {target}: {len(out)} tensors")


if __name__ == "__main__":
    main()
