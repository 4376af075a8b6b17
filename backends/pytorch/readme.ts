/**
 * The generated folder's README.md and requirements.txt.
 */
import type { IRGraph } from '../../compiler/ir/ir.js';
import type { Recipe } from '../../compiler/ir/recipe.js';

/** torchvision only for image folders (train.py imports it there); onnx for the export at the end. */
export const REQUIREMENTS = `torch>=2.2
safetensors>=0.4
onnx>=1.14
torchvision>=0.17
`;

export function emitReadme(graph: IRGraph, className: string, recipe: Recipe): string {
  const input = graph.nodes[graph.input]!.shape;
  const [h, w, c] = input as [number, number, number];
  const auxHeads = graph.aux.length === 0 ? 'none here' : graph.aux.map((a) => `\`${a.name}\``).join(', ');
  const clipping = recipe.clip.mode === 'none' ? 'none' : `${recipe.clip.mode} ${recipe.clip.value}`;
  return `# ${graph.network} in PyTorch

Compiled by incc from \`${graph.file}\` (\`incc compile --target pytorch\`).

- \`model.py\`: \`${className}\` (also \`Model\`), a \`torch.nn.Module\` taking float32 NCHW
  \`[N, ${c}, ${h}, ${w}]\`. In training mode it returns the main output and the auxiliary heads
  (${auxHeads}); \`model(x, logits=True)\` leaves out the final softmax.
- \`weights.safetensors\`: its weights, loaded with strict key matching:
  \`model.load_state_dict(safetensors.torch.load_file("weights.safetensors"))\`.
- \`train.py\`: the network's training recipe (optimizer ${recipe.optimizer.name}, lr ${recipe.optimizer.lr},
  label smoothing ${recipe.labelSmoothing}, clipping ${clipping},
  batch ${recipe.batchSize} per process, ${recipe.epochs} epochs), as incc resolved it.

## Setup

    python -m venv .venv && . .venv/bin/activate
    pip install -r requirements.txt

## Training

\`--data DIR\` is a folder with one subfolder of images per class (or \`train/\` and \`val/\`
folders of them). Checkpoints (\`checkpoint.pt\`), \`metrics.jsonl\`, the trained
\`weights.safetensors\` and \`model.onnx\` go to \`--out\` (default \`runs/\`).

One GPU (or the CPU):

    python train.py --data /data/imagenet

N GPUs on one machine (DistributedDataParallel, NCCL; gloo on CPUs; bf16 autocast on GPUs):

    torchrun --standalone --nproc_per_node=N train.py --data /data/imagenet

Several machines (run on each; node 0's address as the rendezvous endpoint):

    torchrun --nnodes=2 --nproc_per_node=8 --node_rank=0 \\
        --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 --rdzv_id=job1 \\
        train.py --data /data/imagenet

\`--batch-size\` is per process: the global batch is it times the number of processes.
Continue an interrupted run with \`--resume\` (same \`--out\`). A smoke test on generated
images: \`python train.py --synthetic 256 --epochs 1\`.

## Back to incc

\`incc compile NET.incp --target onnx --weights runs/weights.safetensors --out model.onnx\`
(or \`--target tfjs\`) takes the trained weights back.
`;
}
