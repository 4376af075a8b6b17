"""One side of bench/train-v3.mjs: torchvision's Inception-v3 (10 classes, no aux head) training steps on
the CPU with the paper's recipe (RMSProp lr 0.045 alpha 0.9 eps 1.0 momentum 0.9, label smoothing 0.1,
clipping by global norm 2.0). `python bench/train_v3_torch.py BATCH STEPS`: one warm-up step, then STEPS
timed ones; prints JSON {imagesPerSecond, peakRssKb}.

torchvision's model code is used without torchvision's package __init__ when torchvision does not import
(pip's torchvision next to the CPU torch is a CUDA build, shared/notes/TOOLCHAIN.md): then the file
torchvision/models/inception.py of TORCHVISION_DIR (default: Debian's python3-torchvision) is imported alone.
"""
import importlib
import json
import os
import resource
import sys
import time
import types

import torch


def inception3():
    try:
        from torchvision.models.inception import Inception3
        return Inception3
    except Exception:
        pass
    for k in [k for k in sys.modules if k == 'torchvision' or k.startswith('torchvision.')]:
        del sys.modules[k]
    d = os.environ.get('TORCHVISION_DIR', '/usr/lib/python3/dist-packages/torchvision')
    for name, sub in [('torchvision', ''), ('torchvision.models', 'models'), ('torchvision.transforms', 'transforms')]:
        m = types.ModuleType(name)
        m.__path__ = [os.path.join(d, sub)]
        sys.modules[name] = m
    utils = types.ModuleType('torchvision.utils')
    utils._log_api_usage_once = lambda *a, **k: None
    sys.modules['torchvision.utils'] = utils
    presets = types.ModuleType('torchvision.transforms._presets')
    presets.ImageClassification = object
    sys.modules['torchvision.transforms._presets'] = presets
    return importlib.import_module('torchvision.models.inception').Inception3


batch, steps = int(sys.argv[1]), int(sys.argv[2])
torch.manual_seed(1)
model = inception3()(num_classes=10, aux_logits=False, init_weights=True)
if os.environ.get('CHANNELS_LAST') == '1':
    model = model.to(memory_format=torch.channels_last)
model.train()
opt = torch.optim.RMSprop(model.parameters(), lr=0.045, alpha=0.9, eps=1.0, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
x = torch.rand(batch, 3, 299, 299) * 2 - 1
if os.environ.get('CHANNELS_LAST') == '1':
    x = x.to(memory_format=torch.channels_last)
y = torch.arange(batch) % 10


def step():
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(model(x), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
    opt.step()
    return loss.item()


step()
t0 = time.perf_counter()
for _ in range(steps):
    step()
seconds = time.perf_counter() - t0
peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({'imagesPerSecond': batch * steps / seconds, 'peakRssKb': peak_rss_kb}))
