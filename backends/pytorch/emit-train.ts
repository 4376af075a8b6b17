/**
 * train.py: the network's training recipe (resolved by the compiler from its `train` section over the
 * paper's defaults) as a torchrun-ready PyTorch script (spec/pytorch.md, "train.py"). The script is fixed
 * text; what depends on the network is the RECIPE literal at its top and model.py's constants.
 */
import type { Recipe } from '../../compiler/ir/recipe.js';
import { LINE, pyBool, pyFloat, pyString } from './python.js';

type Py = number | boolean | string | null | Py[] | { [key: string]: Py };

/** A float-valued recipe number keeps its decimal point in Python (`2.0`); counts stay integers. */
const FLOATS = new Set([
  'lr',
  'decay',
  'momentum',
  'epsilon',
  'initial_mean_square',
  'rate',
  'every',
  'value',
  'label_smoothing',
  'weight_decay',
  'beta1',
  'beta2',
  'aux_weights',
  'validation_split',
]);

function flat(v: Py, float: boolean): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return pyBool(v);
  if (typeof v === 'number') return float ? pyFloat(v) : String(v);
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `[${v.map((x) => flat(x, float)).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyString(k)}: ${flat(x, FLOATS.has(k))}`)
    .join(', ')}}`;
}

/** A dict literal as ruff formats it: on one line when it fits, else one key a line (recursively). */
function literal(prefix: string, v: Py, indent: number, suffix: string, float = false): string[] {
  const pad = ' '.repeat(indent);
  const one = `${pad}${prefix}${flat(v, float)}${suffix}`;
  if (one.length <= LINE || v === null || typeof v !== 'object' || Array.isArray(v)) return [one];
  const lines = [`${pad}${prefix}{`];
  for (const [k, x] of Object.entries(v)) lines.push(...literal(`${pyString(k)}: `, x, indent + 4, ',', FLOATS.has(k)));
  lines.push(`${pad}}${suffix}`);
  return lines;
}

/** The recipe as train.py's RECIPE (snake_case keys). */
export function recipeLiteral(r: Recipe): Py {
  const o = r.optimizer;
  const optimizer: Py =
    o.name === 'rmsprop'
      ? {
          name: 'rmsprop',
          lr: o.lr,
          decay: o.decay,
          momentum: o.momentum,
          epsilon: o.epsilon,
          initial_mean_square: o.initialMeanSquare,
        }
      : o.name === 'momentum'
        ? { name: 'momentum', lr: o.lr, momentum: o.momentum, nesterov: o.nesterov }
        : o.name === 'sgd'
          ? { name: 'sgd', lr: o.lr }
          : { name: 'adam', lr: o.lr, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon };
  const s = r.schedule;
  return {
    optimizer,
    schedule:
      s.name === 'constant'
        ? { name: 'constant' }
        : { name: 'exponential', rate: s.rate, every: s.every, staircase: s.staircase },
    clip: r.clip.mode === 'none' ? { mode: 'none' } : { mode: r.clip.mode, value: r.clip.value },
    label_smoothing: r.labelSmoothing,
    batch_size: r.batchSize,
    epochs: r.epochs,
    seed: r.seed,
    aux_weights: r.auxWeights,
    weight_decay: r.weightDecay,
    ema: r.ema ? r.ema.decay : null,
  };
}

/** train.py for a network whose resolved recipe is `recipe`. */
export function emitTrain(network: string, recipe: Recipe, version: string): string {
  const recipeLines = literal('RECIPE = ', recipeLiteral(recipe), 0, '');
  return TEMPLATE.replace('@NETWORK@', network)
    .replace('@VERSION@', version)
    .replace('@RECIPE@', recipeLines.join('\n'));
}

const TEMPLATE = `"""Train @NETWORK@ (model.py) with its recipe; written by incc @VERSION@.

The recipe below was resolved by incc from the network's train section over the paper's
defaults (label smoothing, RMSProp with epsilon inside the square root as TF had it, the
learning rate schedule, global-norm gradient clipping, the auxiliary loss weight).

  python train.py --data DIR                         # one process: CPU or one GPU
  torchrun --nproc_per_node=N train.py --data DIR    # N processes (DDP)
  python train.py --synthetic 512                    # generated data, a smoke test

DIR holds one folder per class (torchvision's ImageFolder), or train/ and val/
folders of them. Checkpoints, metrics.jsonl, weights.safetensors and model.onnx go
to --out.
"""

import argparse
import json
import math
import os
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from model import INPUT_SHAPE, NUM_CLASSES, Model

@RECIPE@


class TFRMSprop(torch.optim.Optimizer):
    """RMSProp as TF1 had it (tf.train.RMSPropOptimizer): epsilon inside the root.

    ms = decay * ms + (1 - decay) * g^2         (ms starts at initial_mean_square)
    mom = momentum * mom + lr * g / sqrt(ms + epsilon)
    w = w - mom

    torch.optim.RMSprop puts epsilon outside the root, which with epsilon = 1.0 is
    another optimizer altogether.
    """

    def __init__(self, params, lr, decay=0.9, momentum=0.9, epsilon=1.0, ms0=1.0):
        defaults = {
            "lr": lr,
            "decay": decay,
            "momentum": momentum,
            "epsilon": epsilon,
            "initial_mean_square": ms0,
        }
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["ms"] = torch.full_like(p, group["initial_mean_square"])
                    state["mom"] = torch.zeros_like(p)
                ms, mom, g = state["ms"], state["mom"], p.grad
                ms.mul_(group["decay"]).addcmul_(g, g, value=1 - group["decay"])
                update = g / torch.sqrt(ms + group["epsilon"])
                mom.mul_(group["momentum"]).add_(update, alpha=group["lr"])
                p.sub_(mom)
        return loss


def make_optimizer(params, recipe):
    o = recipe["optimizer"]
    if o["name"] == "rmsprop":
        return TFRMSprop(
            params,
            o["lr"],
            o["decay"],
            o["momentum"],
            o["epsilon"],
            o["initial_mean_square"],
        )
    if o["name"] == "momentum":
        # TF's MomentumOptimizer: accum = m * accum + g; w -= lr * accum, as SGD does.
        return torch.optim.SGD(
            params, o["lr"], momentum=o["momentum"], nesterov=o["nesterov"]
        )
    if o["name"] == "sgd":
        return torch.optim.SGD(params, o["lr"])
    return torch.optim.Adam(params, o["lr"], (o["beta1"], o["beta2"]), o["epsilon"])


def lr_factor(recipe, step, steps_per_epoch):
    """The schedule at a global step (0-based): rate ** (epochs / every).

    The exponent is floored on a staircase (TF-slim's exponential_decay, staircase).
    """
    s = recipe["schedule"]
    if s["name"] == "constant":
        return 1.0
    p = step / (s["every"] * steps_per_epoch)
    return s["rate"] ** (math.floor(p + 1e-9) if s["staircase"] else p)


def clip_by_global_norm(params, clip):
    """tf.clip_by_global_norm: every gradient times clip / max(global norm, clip).

    Returns the global norm before clipping. clip_norm clips each tensor by its own
    norm.
    """
    grads = [p.grad for p in params if p.grad is not None]
    norm = torch.sqrt(sum(torch.sum(g.float() ** 2) for g in grads))
    if clip["mode"] == "global_norm":
        scale = clip["value"] / torch.clamp(norm, min=clip["value"])
        for g in grads:
            g.mul_(scale.to(g.dtype))
    elif clip["mode"] == "clip_norm":
        for g in grads:
            g.mul_(
                clip["value"]
                / torch.clamp(torch.linalg.vector_norm(g), min=clip["value"])
            )
    return norm


def training_loss(outputs, labels, recipe, model=None):
    """Smoothed cross-entropy of the main logits + aux weight x that of each aux head.

    Smoothing: q = (1 - eps) * onehot + eps / K. With weight_decay, + wd / 2 * sum(w^2)
    over the conv and dense kernels (TF-slim's l2_regularizer). Returns (total, main,
    aux losses).
    """
    if not isinstance(outputs, tuple):
        outputs = (outputs,)
    eps = recipe["label_smoothing"]
    main = F.cross_entropy(outputs[0].float(), labels, label_smoothing=eps)
    aux = [F.cross_entropy(z.float(), labels, label_smoothing=eps) for z in outputs[1:]]
    total = main
    for weight, loss in zip(recipe["aux_weights"], aux, strict=True):
        total = total + weight * loss
    if recipe["weight_decay"] > 0 and model is not None:
        kernels = [
            m.weight for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))
        ]
        total = total + recipe["weight_decay"] / 2 * sum(
            torch.sum(w**2) for w in kernels
        )
    return total, main, aux


class EMA:
    """A moving average of the weights (buffers copied), for evaluation and export."""

    def __init__(self, model, decay):
        self.decay = decay
        self.state = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model):
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point and k.split(".")[-1] not in (
                "running_mean",
                "running_var",
            ):
                self.state[k].mul_(self.decay).add_(v, alpha=1 - self.decay)
            else:
                self.state[k].copy_(v)


def synthetic_data(count, num_classes, seed):
    """Generated images whose class shows in their mean colour: a loss that can fall."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, num_classes, (count,), generator=g)
    centers = torch.randn(num_classes, INPUT_SHAPE[0], 1, 1, generator=g)
    images = 0.5 * torch.randn(count, *INPUT_SHAPE, generator=g) + centers[labels]
    return TensorDataset(images.clamp(-1, 1), labels)


def image_folders(root):
    """ImageFolder data with the paper's augmentation (TF-slim's Inception style).

    Training: a random crop of 5-100% of the area, aspect 3/4-4/3, resized to the input
    size, a horizontal flip and colour distortion; evaluation: a central crop of 87.5%.
    Pixels to [-1, 1].
    """
    from torchvision import datasets, transforms

    size = INPUT_SHAPE[1:]
    to_input = [transforms.ToTensor(), transforms.Normalize([0.5] * 3, [0.5] * 3)]
    train_tf = transforms.Compose(
        [
            transforms.RandomResizedCrop(size, scale=(0.05, 1.0), ratio=(0.75, 4 / 3)),
            transforms.RandomHorizontalFlip(),
            transforms.ColorJitter(
                brightness=0.125, contrast=0.5, saturation=0.5, hue=0.2
            ),
            *to_input,
        ]
    )
    eval_tf = transforms.Compose(
        [
            transforms.Resize([round(s / 0.875) for s in size]),
            transforms.CenterCrop(size),
            *to_input,
        ]
    )
    root = Path(root)
    train_dir = root / "train" if (root / "train").is_dir() else root
    train = datasets.ImageFolder(train_dir, train_tf)
    val = (
        datasets.ImageFolder(root / "val", eval_tf) if (root / "val").is_dir() else None
    )
    return train, val


def setup_distributed():
    """torchrun's environment -> (rank, world size, device): NCCL on GPUs, else gloo."""
    cuda = torch.cuda.is_available()
    if "WORLD_SIZE" not in os.environ:
        return 0, 1, torch.device("cuda" if cuda else "cpu")
    dist.init_process_group("nccl" if cuda else "gloo")
    rank = dist.get_rank()
    if cuda:
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local_rank)
        return rank, dist.get_world_size(), torch.device("cuda", local_rank)
    return rank, dist.get_world_size(), torch.device("cpu")


def save_atomic(obj, path):
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data = p.add_mutually_exclusive_group(required=True)
    data.add_argument(
        "--data", help="an ImageFolder root (or one with train/ and val/)"
    )
    data.add_argument("--synthetic", type=int, metavar="N", help="N generated images")
    p.add_argument("--out", default="runs", help="checkpoints, metrics, exports")
    p.add_argument(
        "--weights", help="initial weights (default: weights.safetensors here)"
    )
    p.add_argument("--epochs", type=int, default=RECIPE["epochs"])
    p.add_argument(
        "--batch-size", type=int, default=RECIPE["batch_size"], help="per process"
    )
    p.add_argument(
        "--lr", type=float, help="the initial learning rate (default: recipe)"
    )
    p.add_argument("--max-steps", type=int, help="stop after this many steps in all")
    p.add_argument(
        "--checkpoint-every", type=int, default=0, help="steps (0: each epoch)"
    )
    p.add_argument(
        "--resume", action="store_true", help="continue from OUT/checkpoint.pt"
    )
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--workers", type=int, default=4, help="data loader processes")
    p.add_argument("--no-amp", action="store_true", help="no bf16 autocast on GPU")
    p.add_argument("--no-export", action="store_true", help="skip the ONNX export")
    p.add_argument("--save-every-rank", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    recipe = json.loads(json.dumps(RECIPE))
    if args.lr is not None:
        recipe["optimizer"]["lr"] = args.lr
    rank, world, device = setup_distributed()
    out = Path(args.out)
    if rank == 0:
        out.mkdir(parents=True, exist_ok=True)

    # The same initial weights on every rank (DDP also broadcasts rank 0's).
    torch.manual_seed(recipe["seed"])
    model = Model()
    here = Path(__file__).resolve().parent
    weights = Path(args.weights) if args.weights else here / "weights.safetensors"
    if args.weights or weights.exists():
        from safetensors.torch import load_file

        model.load_state_dict(load_file(str(weights)), strict=True)
    model.to(device)
    # Then per-rank streams: dropout and augmentation differ between ranks.
    torch.manual_seed(recipe["seed"] * 1000 + rank)

    if args.synthetic:
        train_set = synthetic_data(args.synthetic, NUM_CLASSES, recipe["seed"])
        val_set = None
    else:
        train_set, val_set = image_folders(args.data)
    sampler = (
        DistributedSampler(train_set, world, rank, seed=recipe["seed"])
        if world > 1
        else None
    )
    loader = DataLoader(
        train_set,
        batch_size=args.batch_size,
        shuffle=sampler is None,
        sampler=sampler,
        num_workers=0 if args.synthetic else args.workers,
        drop_last=True,
        pin_memory=device.type == "cuda",
        generator=torch.Generator().manual_seed(recipe["seed"]),
    )
    steps_per_epoch = len(loader)
    if steps_per_epoch == 0:
        raise SystemExit(f"train.py: fewer images than one batch of {args.batch_size}")

    net = model
    if world > 1:
        ids = [device.index] if device.type == "cuda" else None
        net = nn.parallel.DistributedDataParallel(model, device_ids=ids)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = make_optimizer(params, recipe)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: lr_factor(recipe, step, steps_per_epoch)
    )
    ema = EMA(model, recipe["ema"]) if recipe["ema"] else None
    step, epoch = 0, 0
    checkpoint = out / "checkpoint.pt"
    if args.resume:
        if not checkpoint.exists():
            raise SystemExit(f"train.py: --resume, but there is no {checkpoint}")
        state = torch.load(checkpoint, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, epoch = state["step"], state["epoch"]
        if ema and state.get("ema"):
            ema.state = state["ema"]
        if rank == 0:
            print(
                f"resumed from {checkpoint} at step {step} (epoch {epoch + 1})",
                flush=True,
            )

    amp = device.type == "cuda" and not args.no_amp
    total_steps = args.epochs * steps_per_epoch
    if args.max_steps is not None:
        total_steps = min(total_steps, args.max_steps)
    if rank == 0:
        print(
            f"training on {world} process(es), {device.type}"
            f"{', bf16 autocast' if amp else ''}: {len(train_set)} images, "
            f"{steps_per_epoch} steps/epoch, batch {args.batch_size} x {world}",
            flush=True,
        )

    def save_checkpoint():
        if rank == 0:
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "epoch": epoch,
                "step": step,
                "ema": ema.state if ema else None,
                "recipe": recipe,
            }
            save_atomic(state, checkpoint)

    metrics = (out / "metrics.jsonl").open("a") if rank == 0 else None
    started = time.time()
    net.train()
    while step < total_steps:
        epoch = step // steps_per_epoch
        if sampler is not None:
            sampler.set_epoch(epoch)
        skip = step - epoch * steps_per_epoch
        for i, (images, labels) in enumerate(loader):
            if i < skip:
                continue
            if step >= total_steps:
                break
            images = images.to(device, non_blocking=True)
            labels = labels.to(device, non_blocking=True)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
                outputs = net(images, logits=True)
                loss, main_loss, aux_losses = training_loss(
                    outputs, labels, recipe, model
                )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            grad_norm = clip_by_global_norm(params, recipe["clip"])
            lr = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()
            if ema:
                ema.update(model)
            step += 1
            if rank == 0:
                main_out = outputs[0] if isinstance(outputs, tuple) else outputs
                acc = (main_out.argmax(1) == labels).float().mean().item()
                record = {
                    "step": step,
                    "epoch": epoch + 1,
                    "loss": loss.item(),
                    "main_loss": main_loss.item(),
                    "aux_loss": [a.item() for a in aux_losses],
                    "accuracy": acc,
                    "lr": lr,
                    "grad_norm": grad_norm.item(),
                }
                metrics.write(json.dumps(record) + "\\n")
                metrics.flush()
                if step % args.log_every == 0 or step == total_steps:
                    rate = (
                        step
                        * args.batch_size
                        * world
                        / max(time.time() - started, 1e-9)
                    )
                    print(
                        f"epoch {epoch + 1} step {step}/{total_steps} "
                        f"loss {loss.item():.4f} "
                        f"acc {acc:.3f} lr {lr:.5g} |g| {grad_norm.item():.3f} "
                        f"{rate:.1f} img/s",
                        flush=True,
                    )
            if args.checkpoint_every and step % args.checkpoint_every == 0:
                save_checkpoint()
        else:
            epoch += 1
            save_checkpoint()
            if val_set is not None:
                evaluate(model, val_set, args, device, rank, world, amp)
    save_checkpoint()

    if world > 1:
        # Parameters agree on every rank (DDP); running statistics follow rank 0's, as
        # DDP's next forward would make them.
        for b in model.buffers():
            dist.broadcast(b, 0)
    final = Model()
    final.load_state_dict(ema.state if ema else model.state_dict())
    final.eval()
    if args.save_every_rank:
        from safetensors.torch import save_file

        save_file(model.state_dict(), str(out / f"weights.rank{rank}.safetensors"))
    if rank == 0:
        from safetensors.torch import save_file

        save_file(final.state_dict(), str(out / "weights.safetensors"))
        if not args.no_export:
            export_onnx(final, out / "model.onnx")
        print(f"done: {step} steps; wrote {out}", flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


@torch.no_grad()
def evaluate(model, val_set, args, device, rank, world, amp):
    """Top-1 accuracy on the validation folder, shared out over the ranks."""
    model.eval()
    sampler = (
        DistributedSampler(val_set, world, rank, shuffle=False) if world > 1 else None
    )
    loader = DataLoader(
        val_set, args.batch_size, sampler=sampler, num_workers=args.workers
    )
    counts = torch.zeros(2, device=device)
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
            out = model(images, logits=True)
        counts += torch.tensor(
            [(out.argmax(1) == labels).sum().item(), len(labels)], device=device
        )
    if world > 1:
        dist.all_reduce(counts)
    if rank == 0:
        print(f"validation top-1 {counts[0].item() / counts[1].item():.4f}", flush=True)
    model.train()


def export_onnx(model, path):
    """The trained model for inference (eval mode, softmax outputs), ONNX opset 13."""
    x = torch.zeros(1, *INPUT_SHAPE)
    # forward(x) with its default logits=False, traced as a plain call.
    inference = nn.Sequential(model)
    torch.onnx.export(
        inference,
        (x,),
        str(path),
        input_names=["input"],
        output_names=["output"],
        dynamic_axes={"input": {0: "N"}, "output": {0: "N"}},
        opset_version=13,
        dynamo=False,
    )


if __name__ == "__main__":
    main()
`;
