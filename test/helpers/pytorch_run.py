"""Runs model.py folders written by incc's PyTorch backend, for the tests (test/pytorch-*.test.ts).

    python pytorch_run.py JOBS.json

JOBS.json is a list of {"dir", "input", "shape", "outputs": [...], "probe", "aux"}: load DIR/model.py
and DIR/weights.safetensors (strict keys), run the float32 NCHW batch in "input" (raw little-endian)
in eval mode and write the main output to outputs[0]; with "probe", the output of that attribute's
module to outputs[1]; with "aux", run in training mode with every batch norm and dropout in eval
mode and write the aux heads' outputs after it.
"""

import importlib.util
import json
import sys

import numpy as np
import torch
from safetensors.torch import load_file


def load_model(folder, index):
    spec = importlib.util.spec_from_file_location(f"incc_model_{index}", f"{folder}/model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.Model()
    model.load_state_dict(load_file(f"{folder}/weights.safetensors"), strict=True)
    return model


def main():
    torch.set_num_threads(2)
    jobs = json.load(open(sys.argv[1]))
    for i, job in enumerate(jobs):
        model = load_model(job["dir"], i)
        x = torch.from_numpy(np.fromfile(job["input"], dtype="<f4").reshape(job["shape"]))
        outs = []
        if job.get("probe"):
            module = getattr(model, job["probe"])
            module.register_forward_hook(lambda m, inp, out: outs.append(out))
        with torch.no_grad():
            if job.get("aux"):
                model.train()
                for m in model.modules():
                    if isinstance(m, (torch.nn.modules.batchnorm._BatchNorm, torch.nn.Dropout)):
                        m.eval()
                result = model(x)
                main_out, aux = result[0], list(result[1:])
            else:
                model.eval()
                main_out, aux = model(x), []
        tensors = [main_out, *outs[:1], *aux]
        for path, t in zip(job["outputs"], tensors):
            t.detach().numpy().astype("<f4").tofile(path)
        print(f"ran {job['dir']}", flush=True)


if __name__ == "__main__":
    main()
