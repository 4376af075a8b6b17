/**
 * model.py for Inception-v3 against the reference implementation, torchvision's
 * `inception_v3(weights=None, init_weights=True, aux_logits=False, transform_input=False)` (Debian's
 * python3-torchvision in the system python3: pip's torchvision cannot import next to the CPU torch here,
 * shared/notes/TOOLCHAIN.md):
 * - with batch-norm gammas (std/rules bn_gamma: torchvision's BasicConv2d has affine batch norm) the
 *   trainable parameter count is torchvision's, 23,834,568; without them, Keras's 23,817,352 (FACTS.md);
 * - torchvision's weights copied across by the documented name mapping
 *   (scripts/torchvision_inception_v3.py) give torchvision's logits as shipped to 1e-4 (glorot-uniform kernels
 *   and random batch-norm statistics drawn for the comparison, after torchvision's own init) with
 *   `--set count_include_pad=true`: torchvision's branch_pool average pools count the zero padding
 *   (F.avg_pool2d's count_include_pad=True); without it (Keras's pools, the default) they differ.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incc, repoRoot } from './helpers/cli.js';
import { runPython, testWith, torchvisionPython } from './helpers/python.js';

const tvTest = testWith(torchvisionPython, "torchvision (Debian's python3-torchvision in /usr/bin/python3)");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-pt-tv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = (withGamma: string, kerasPools: string, keras: string): string => `
import json, sys, importlib.util
import torch
from torchvision.models import inception_v3

def load(folder, name):
    spec = importlib.util.spec_from_file_location(name, folder + "/model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Model()

sys.path.insert(0, ${JSON.stringify(join(repoRoot, 'scripts'))})
from torchvision_inception_v3 import incc_key

torch.manual_seed(0)
tv = inception_v3(weights=None, init_weights=True, aux_logits=False, transform_input=False)
ours = load(${JSON.stringify(withGamma)}, "with_gamma")
ours_keras_pools = load(${JSON.stringify(kerasPools)}, "keras_pools")
keras = load(${JSON.stringify(keras)}, "keras")
trainable = lambda m: sum(p.numel() for p in m.parameters() if p.requires_grad)

# Values of a sane scale for the comparison: torchvision's init (truncated normal, std 0.1) makes
# activations grow to ~1e19 over 94 layers; glorot-uniform kernels keep them near 1. And random
# batch-norm statistics, so that the copy of every buffer matters.
count = trainable(tv)
for m in tv.modules():
    if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
        torch.nn.init.xavier_uniform_(m.weight)
g = torch.Generator().manual_seed(1)
for m in tv.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=g) * 0.2 - 0.1)
        m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 0.4 + 0.3)
        m.weight.data.copy_(torch.rand(m.weight.shape, generator=g) * 0.6 + 0.7)
        m.bias.data.copy_(torch.rand(m.bias.shape, generator=g) * 0.2 - 0.1)
mapped = {incc_key(k): v for k, v in tv.state_dict().items()}

ours.load_state_dict(mapped, strict=True)
ours_keras_pools.load_state_dict(mapped, strict=True)
tv.eval()
ours.eval()
ours_keras_pools.eval()
x = torch.rand(2, 3, 299, 299, generator=g) * 2 - 1
with torch.no_grad():
    a = tv(x)
    b = ours(x, logits=True)
    p = ours(x)
    k = ours_keras_pools(x, logits=True)
print(json.dumps({
    "tv": count, "ours": trainable(ours), "keras": trainable(keras),
    "keys": len(mapped), "logits": (a - b).abs().max().item(),
    "probs": (torch.softmax(a, 1) - p).abs().max().item(), "scale": a.abs().max().item(),
    "keras_pools": (a - k).abs().max().item(),
}))
`;

describe("model.py for inception_v3 against torchvision's inception_v3", () => {
  tvTest(
    'parameter counts 23,834,568 (bn_gamma) and 23,817,352 (Keras), and the same logits to 1e-4 with copied weights',
    () => {
      const withGamma = join(dir, 'tv');
      const kerasPools = join(dir, 'tv-keras-pools');
      const keras = join(dir, 'keras');
      const v3 = ['compile', 'stdlib/inception_v3.incp', '--rules', 'bn_gamma', '--target', 'pytorch'];
      expect(incc([...v3, '--set', 'count_include_pad=true', '--out', withGamma]).status).toBe(0);
      expect(incc([...v3, '--out', kerasPools]).status).toBe(0);
      expect(incc(['compile', 'stdlib/inception_v3.incp', '--target', 'pytorch', '--out', keras]).status).toBe(0);
      const r = runPython(torchvisionPython!, ['-c', SCRIPT(withGamma, kerasPools, keras)], {
        env: { OMP_NUM_THREADS: '2' },
      });
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
      process.stdout.write(`${JSON.stringify(out)}\n`);
      expect(out['tv']).toBe(23_834_568);
      expect(out['ours']).toBe(23_834_568);
      expect(out['keras']).toBe(23_817_352);
      expect(out['logits']).toBeLessThan(1e-4);
      expect(out['probs']).toBeLessThan(1e-4);
      // The logits are not all near zero (a comparison that could fail).
      expect(out['scale']).toBeGreaterThan(0.01);
      // Without count_include_pad=true the branch pools leave the padding out: the logits differ (spec/pytorch.md).
      expect(out['keras_pools']).toBeGreaterThan(1e-3);
    },
    600_000,
  );
});
