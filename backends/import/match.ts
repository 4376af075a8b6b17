/**
 * Maps a weights source's layers (backends/import/source.ts) onto a network's (spec/weights-import.md,
 * "Matching"). The network's side: each conv, dense and batchnorm node is a layer, and a conv's fused batch
 * norm is a layer of its own (`NODE/bn`), in IR order; a source's layers are the same kinds, in its
 * framework's creation order.
 *
 * - By name, when every layer of the source has an incc name (a documented mapping: torchvision's
 *   Inception-v3, incc's own model.py keys) that the network has: each network layer takes the source layer of
 *   its name. Order does not matter.
 * - Otherwise by structure: the source's layers in order, each taken by the next layer of the main network
 *   that it fits, or else by the next layer of an auxiliary head that it fits (frameworks create an aux head
 *   at different places: torchvision after Mixed_6e, incc at the end), so the order within each head is kept.
 *
 * A layer fits when the kinds and every shape agree; a 1x1 conv kernel and a dense kernel of the same [in,
 * units] fit each other (torchvision's aux `fc` is incc's 1x1 `logits` conv). Batch norms are the one thing
 * bridged, exactly: a source's gamma folds into the conv before it when the network has none (kernel x gamma,
 * moving mean x gamma); a network's gamma is 1 when the source has none; a source conv with a bias, for a
 * network conv without one and with a batch norm (the batch norm folded into the conv, as ONNX exports have
 * it), sets that batch norm to the identity plus the bias. Every tensor of the source is used and every
 * variable of the network is set; the first layer that does not fit is a diagnostic with the incc layer's span.
 */
import { diagnostic, type Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { matchWeights } from '../common/weights-match.js';
import { weightSpecs, type WeightRole, type WeightSpec } from '../common/weights.js';
import { shapeText, type SourceLayer, type SourceLayerKind, type WeightSource } from './source.js';

/** A layer of the network, as the matcher sees it. */
export interface TargetLayer {
  /** `mixed0/branch1x1`, or `mixed0/branch1x1/bn` for a conv's batch norm. */
  name: string;
  kind: SourceLayerKind | 'other';
  node: IRNode;
  /** Its variables by role. */
  vars: Map<WeightRole, WeightSpec>;
}

export interface MatchResult {
  /** Values by weights.ts variable name, checked against the graph. */
  weights: Map<string, Float32Array>;
  mode: 'names' | 'structure';
  /** The layers matched, network name -> source name, in IR order. */
  pairs: { incc: string; source: string }[];
  /** Batch norm gammas of the source folded into their convolutions (the network has none). */
  folded: number;
  /** Batch norm gammas of the network set to 1 (the source has none). */
  unitGammas: number;
}

/** The first layer that does not fit, as a diagnostic (span: the incc layer, where one applies). */
export class MatchError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const BN_ROLES: readonly WeightRole[] = ['gamma', 'beta', 'moving_mean', 'moving_variance'];

/** The network's layers that hold weights, in IR order (a conv, then its batch norm). */
export function targetLayers(graph: IRGraph): TargetLayer[] {
  const byNode = new Map<number, WeightSpec[]>();
  for (const s of weightSpecs(graph)) byNode.set(s.node, [...(byNode.get(s.node) ?? []), s]);
  const out: TargetLayer[] = [];
  for (const node of graph.nodes) {
    const specs = byNode.get(node.id);
    if (!specs) continue;
    const op = node.attrs.op;
    if (op === 'batchnorm') {
      out.push({ name: node.name, kind: 'batchnorm', node, vars: new Map(specs.map((s) => [s.role, s])) });
      continue;
    }
    const own = specs.filter((s) => !s.name.startsWith(`${node.name}/bn/`));
    const bn = specs.filter((s) => s.name.startsWith(`${node.name}/bn/`));
    const kind = op === 'conv' ? 'conv' : op === 'dense' ? 'dense' : 'other';
    out.push({ name: node.name, kind, node, vars: new Map(own.map((s) => [s.role, s])) });
    if (bn.length > 0)
      out.push({ name: `${node.name}/bn`, kind: 'batchnorm', node, vars: new Map(bn.map((s) => [s.role, s])) });
  }
  return out;
}

/** `conv kernel 3x3x3x32, no bias`, `batch norm of 32 channels, no gamma`. */
export function describeTarget(t: TargetLayer): string {
  if (t.kind === 'batchnorm') {
    const c = t.vars.get('beta')!.shape[0]!;
    return `batch norm of ${c} channels, ${t.vars.has('gamma') ? 'with' : 'no'} gamma`;
  }
  if (t.kind === 'other') return `${t.node.attrs.op} with ${[...t.vars.keys()].join(', ')}`;
  const kernel = t.vars.get('kernel')!;
  return `${t.kind} kernel ${shapeText(kernel.shape)}, ${t.vars.has('bias') ? 'with' : 'no'} bias`;
}

export function describeSource(s: SourceLayer): string {
  const roles = new Map(s.tensors.map((t) => [t.role, t]));
  if (s.kind === 'batchnorm') {
    const c = (roles.get('beta') ?? roles.get('moving_mean') ?? s.tensors[0])?.shape[0] ?? 0;
    return `batch norm of ${c} channels, ${roles.has('gamma') ? 'with' : 'no'} gamma`;
  }
  const kernel = roles.get('kernel');
  return `${s.kind} kernel ${kernel ? shapeText(kernel.shape) : '(none)'}, ${roles.has('bias') ? 'with' : 'no'} bias`;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** A kernel of the source fits the network's: the same shape, or a dense [in, units] for a 1x1 conv's. */
function kernelFits(source: readonly number[], target: readonly number[]): boolean {
  if (sameShape(source, target)) return true;
  const squeeze = (s: readonly number[]) => (s.length === 4 && s[0] === 1 && s[1] === 1 ? s.slice(2) : s);
  return sameShape(squeeze(source), squeeze(target));
}

function fits(t: TargetLayer, s: SourceLayer): boolean {
  if (t.kind === 'other') return false;
  const roles = new Map(s.tensors.map((x) => [x.role, x]));
  if (roles.size !== s.tensors.length) return false;
  if (t.kind === 'batchnorm') {
    if (s.kind !== 'batchnorm') return false;
    const c = t.vars.get('beta')!.shape;
    return (
      BN_ROLES.every((r) => r === 'gamma' || (roles.has(r) && sameShape(roles.get(r)!.shape, c))) &&
      (!roles.has('gamma') || sameShape(roles.get('gamma')!.shape, c)) &&
      [...roles.keys()].every((r) => BN_ROLES.includes(r)) &&
      // A source gamma folds into a conv's kernel; a standalone batchnorm without gamma cannot take one.
      (!roles.has('gamma') || t.vars.has('gamma') || t.node.attrs.op === 'conv')
    );
  }
  if (s.kind === 'batchnorm') return false;
  const kernel = roles.get('kernel');
  if (!kernel || !kernelFits(kernel.shape, t.vars.get('kernel')!.shape)) return false;
  if (roles.has('bias') && !t.vars.has('bias')) return fused(t, s);
  if (roles.has('bias') !== t.vars.has('bias')) return false;
  if (roles.has('bias') && !sameShape(roles.get('bias')!.shape, t.vars.get('bias')!.shape)) return false;
  return [...roles.keys()].every((r) => r === 'kernel' || r === 'bias');
}

/**
 * A convolution whose batch norm was folded into it (ONNX exports in eval mode): a kernel and a bias, for a
 * network conv with batch norm and no bias. The batch norm becomes the identity plus the bias (bnOfBias).
 */
function fused(t: TargetLayer, s: SourceLayer): boolean {
  const a = t.node.attrs;
  if (a.op !== 'conv' || !a.bn || t.vars.has('bias') || s.kind !== 'conv') return false;
  const bias = s.tensors.find((x) => x.role === 'bias');
  return bias !== undefined && sameShape(bias.shape, [a.filters]) && s.tensors.length === 2;
}

/** The batch norm of a fused conv: beta = its bias, moving mean 0, moving variance 1 - epsilon (so / 1). */
function bnOfBias(t: TargetLayer, s: SourceLayer): SourceLayer {
  const a = t.node.attrs;
  const epsilon = a.op === 'conv' && a.bn ? a.bn.epsilon : 0;
  const bias = s.tensors.find((x) => x.role === 'bias')!;
  const c = bias.values.length;
  return {
    name: `${s.name} (its bias)`,
    kind: 'batchnorm',
    tensors: [
      { ...bias, role: 'beta' },
      { name: `${bias.name} (mean 0)`, role: 'moving_mean', shape: [c], values: new Float32Array(c) },
      {
        name: `${bias.name} (variance 1 - epsilon)`,
        role: 'moving_variance',
        shape: [c],
        values: new Float32Array(c).fill(1 - epsilon),
      },
    ],
  };
}

/** What every diagnostic about a layer of the file says of it: the file's format, the layer's name and contents. */
function aboutSourceLayer(source: WeightSource, s: SourceLayer): { format: string; layer: string; found: string } {
  return { format: source.format, layer: s.name, found: describeSource(s) };
}

function mismatch(source: WeightSource, s: SourceLayer, t: TargetLayer): MatchError {
  return new MatchError(
    diagnostic('weights-layer-mismatch', t.node.span, {
      ...aboutSourceLayer(source, s),
      node: t.name,
      expected: describeTarget(t),
    }),
  );
}

/** Matches the source's layers onto the graph's, or throws MatchError (the first layer that does not fit). */
export function matchSource(graph: IRGraph, source: WeightSource): MatchResult {
  const targets = targetLayers(graph);
  const byName = new Map(targets.map((t) => [t.name, t]));
  const named = source.layers.length > 0 && source.layers.every((s) => s.incc !== undefined && byName.has(s.incc));
  const pairs: [TargetLayer, SourceLayer][] = named ? pairByName(source, targets) : pairByStructure(source, targets);

  const out = new Map<string, Float32Array>();
  let folded = 0;
  let unitGammas = 0;
  for (const [t, s] of pairs) {
    const roles = new Map(s.tensors.map((x) => [x.role, x]));
    for (const [role, spec] of t.vars) {
      const v = roles.get(role);
      if (v) out.set(spec.name, v.values);
      else if (role === 'gamma') {
        out.set(spec.name, new Float32Array(spec.shape[0]!).fill(1));
        unitGammas++;
      }
    }
    const gamma = roles.get('gamma');
    if (gamma && !t.vars.has('gamma')) {
      foldGamma(t.node, gamma.values, out);
      folded++;
    }
  }
  const weights = matchWeights(
    graph,
    [...out].map(([name, values]) => ({ name, values })),
    `${source.format} ${source.path}`,
  );
  return {
    weights,
    mode: named ? 'names' : 'structure',
    pairs: pairs.map(([t, s]) => ({ incc: t.name, source: s.name })),
    folded,
    unitGammas,
  };
}

/**
 * y = gamma (W x + b - mean) / sqrt(var + eps) + beta = ((gamma W) x + gamma b - gamma mean) / sqrt(...) + beta:
 * the conv's kernel and bias and the moving mean scaled by gamma per output channel, exactly.
 */
function foldGamma(node: IRNode, gamma: Float32Array, out: Map<string, Float32Array>): void {
  const scale = (name: string, every: number) => {
    const v = out.get(name);
    if (!v) return;
    const scaled = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) scaled[i] = v[i]! * gamma[i % every]!;
    out.set(name, scaled);
  };
  const c = gamma.length;
  scale(`${node.name}/kernel`, c);
  scale(`${node.name}/bias`, c);
  scale(`${node.name}/bn/moving_mean`, c);
}

function pairByName(source: WeightSource, targets: TargetLayer[]): [TargetLayer, SourceLayer][] {
  const bySource = new Map<string, SourceLayer>();
  for (const s of source.layers) {
    const other = bySource.get(s.incc!);
    if (other) {
      const t = targets.find((x) => x.name === s.incc)!;
      throw new MatchError(
        diagnostic('weights-layer-extra', t.node.span, {
          ...aboutSourceLayer(source, s),
          path: source.path,
          why: `\`${other.name}\` already maps to layer \`${t.name}\``,
        }),
      );
    }
    bySource.set(s.incc!, s);
  }
  const pairs: [TargetLayer, SourceLayer][] = [];
  for (const t of targets) {
    const conv = t.kind === 'batchnorm' ? pairs[pairs.length - 1] : undefined;
    if (!bySource.has(t.name) && conv && conv[0].node === t.node && fused(conv[0], conv[1])) {
      pairs.push([t, bnOfBias(conv[0], conv[1])]);
      continue;
    }
    const s = bySource.get(t.name);
    if (!s) throw missing(source, targets, t);
    if (!fits(t, s)) throw mismatch(source, s, t);
    pairs.push([t, s]);
  }
  return pairs;
}

function missing(source: WeightSource, targets: TargetLayer[], t: TargetLayer, after = 0): MatchError {
  return new MatchError(
    diagnostic('weights-layer-missing', t.node.span, {
      path: source.path,
      node: t.name,
      expected: describeTarget(t),
      more: after > 0 ? ` (nor for the ${after} layer${after === 1 ? '' : 's'} after it)` : undefined,
    }),
  );
}

function pairByStructure(source: WeightSource, targets: TargetLayer[]): [TargetLayer, SourceLayer][] {
  // One queue per head, main first, each in IR order.
  const heads = new Map<string, TargetLayer[]>([['main', []]]);
  for (const t of targets) heads.set(t.node.head, [...(heads.get(t.node.head) ?? []), t]);
  const queues = [...heads.values()].map((layers) => ({ layers, next: 0 }));
  const pairs: [TargetLayer, SourceLayer][] = [];
  for (const s of source.layers) {
    const q = queues.find((x) => x.next < x.layers.length && fits(x.layers[x.next]!, s));
    if (q) {
      const t = q.layers[q.next]!;
      pairs.push([t, s]);
      q.next++;
      if (fused(t, s)) pairs.push([q.layers[q.next++]!, bnOfBias(t, s)]);
      continue;
    }
    const open = queues.find((x) => x.next < x.layers.length);
    if (open) throw mismatch(source, s, open.layers[open.next]!);
    throw new MatchError(
      diagnostic('weights-layer-extra', targets[0]?.node.span, {
        ...aboutSourceLayer(source, s),
        path: source.path,
        why: 'every layer of the network already has its weights',
      }),
    );
  }
  const left = queues.flatMap((x) => x.layers.slice(x.next));
  if (left.length > 0) throw missing(source, targets, left[0]!, left.length - 1);
  return pairs;
}
