/**
 * IR -> .incp source (`incc rewrite --emit`): one flat network that elaborates to the same graph.
 * Every node is written with its exact qualified name (`"mixed4/branch7x7/conv1": conv 1x7 128`),
 * concats as `concat { ... }` with one branch a line, the options that most convolutions share as a
 * `defaults conv(...)` line, and on each layer only what differs from those defaults.
 */
import type { IRGraph, IRNode } from '../ir/ir.js';
import { layerSpecs, optionsOf } from '../ir/layers.js';
import { kernelText, shapeText } from './text.js';
import { formatNumber } from '../ir/values.js';

/** Longer branch chains are broken after each `->`. */
const MAX_LINE = 100;

/** conv options written in `defaults conv(...)` when most convolutions share them. */
const sharedConvOptions = ['bias', 'bn', 'bn_scale', 'bn_epsilon', 'bn_momentum', 'act', 'padding'];

export function emitNetwork(graph: IRGraph, header: string[] = []): string {
  return new Emitter(graph).emit(header);
}

class Emitter {
  private readonly convDefaults: Record<string, unknown>;

  constructor(private readonly graph: IRGraph) {
    this.convDefaults = this.commonConvOptions();
  }

  emit(header: string[]): string {
    const g = this.graph;
    const lines = header.map((h) => `// ${h}`);
    if (lines.length > 0) lines.push('');
    const defaults = Object.entries(this.convDefaults).map(([k, v]) => `${k}=${literal(v)}`);
    if (defaults.length > 0) lines.push(`defaults conv(${defaults.join(', ')})`, '');
    const params = Object.entries(g.args).map(([k, v]) => `${k} = ${literal(v)}`);
    lines.push(`network ${g.network}${params.length > 0 ? `(${params.join(', ')})` : ''} {`);
    for (const step of this.sequence(g.input, g.output, true)) lines.push(...indent(step, 1));
    for (const a of g.aux) {
      const weight = a.weight === 0.4 ? '' : ` weight ${formatNumber(a.weight)}`;
      lines.push(`  ${ident(a.name)}: aux from ${g.nodes[a.from]!.name}${weight} {`);
      for (const step of this.sequence(a.from, a.output, false)) lines.push(...indent(step, 2));
      lines.push('  }');
    }
    if (g.training.length > 0) {
      lines.push('  train {');
      for (const t of g.training) lines.push(`    ${t.key} = ${literal(t.value)}`);
      lines.push('  }');
    }
    lines.push('}', '');
    return lines.join('\n');
  }

  /** The most frequent combination of shared conv options, written where it differs from the built-ins. */
  private commonConvOptions(): Record<string, unknown> {
    const counts = new Map<string, number>();
    for (const n of this.graph.nodes) {
      if (n.attrs.op !== 'conv') continue;
      const o = optionsOf(n.attrs).options;
      const key = JSON.stringify(sharedConvOptions.map((k) => o[k]));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (!best) return {};
    const values = JSON.parse(best[0]) as unknown[];
    const spec = layerSpecs.get('conv')!;
    const out: Record<string, unknown> = {};
    sharedConvOptions.forEach((k, i) => {
      const builtin = spec.options.find((o) => o.name === k)!.default;
      if (JSON.stringify(builtin) !== JSON.stringify(values[i])) out[k] = values[i];
    });
    return out;
  }

  /** The input of `id` along its chain: its one input, or for a concat the node its branches start from. */
  private back(id: number): number {
    const n = this.graph.nodes[id]!;
    return n.attrs.op === 'concat' ? this.fork(n) : n.inputs[0]!;
  }

  private ancestry(id: number): number[] {
    const out: number[] = [];
    let current = id;
    while (true) {
      const n = this.graph.nodes[current]!;
      if (n.inputs.length === 0) break;
      current = this.back(current);
      out.push(current);
    }
    return out;
  }

  /** Fork points found so far, by concat id: `ancestry` goes through every concat before it, so without
   * this each one recomputes all the forks above it (exponential in the number of modules). */
  private readonly forks = new Map<number, number>();

  /** The node a concat's branches all start from. */
  private fork(concat: IRNode): number {
    const known = this.forks.get(concat.id);
    if (known !== undefined) return known;
    const found = this.findFork(concat);
    this.forks.set(concat.id, found);
    return found;
  }

  private findFork(concat: IRNode): number {
    const [first, ...rest] = concat.inputs.map((b) => [b, ...this.ancestry(b)]);
    const others = rest.map((a) => new Set(a));
    const common = first!.find((id) => others.every((s) => s.has(id)) && !concat.inputs.includes(id));
    if (common === undefined) throw new Error(`cannot emit ${concat.name}: its branches share no start`);
    return common;
  }

  /** The chain of nodes after `from` up to and including `to`, each as lines. */
  private sequence(from: number, to: number, includeFrom: boolean): string[][] {
    const ids: number[] = [];
    let current = to;
    while (current !== from) {
      ids.unshift(current);
      current = this.back(current);
    }
    if (includeFrom) ids.unshift(from);
    return ids.map((id) => this.element(id));
  }

  private element(id: number): string[] {
    const n = this.graph.nodes[id]!;
    const label = `${JSON.stringify(n.name)}: `;
    if (n.attrs.op !== 'concat') return [label + this.layer(n)];
    const start = this.fork(n);
    const lines = [`${label}concat {`];
    for (const branch of n.inputs) {
      const steps = this.sequence(start, branch, false);
      // A branch is one chain: `a -> b -> concat { ... }`, its nested concats spanning lines; a chain
      // too long for one line puts each element on its own (a newline after `->` continues the chain).
      const oneLine = steps.map((s) => s.join('\n')).join(' -> ');
      const text = oneLine.length <= MAX_LINE ? oneLine : steps.map((s) => s.join('\n')).join(' ->\n  ');
      lines.push(...indent(text.split('\n'), 1));
    }
    lines.push('}');
    return lines;
  }

  private layer(n: IRNode): string {
    const { kind, options } = optionsOf(n.attrs);
    const parts = [kind];
    const done = new Set<string>();
    const take = (k: string) => {
      done.add(k);
      return options[k];
    };
    if ('shape' in options) parts.push(shapeText(take('shape') as number[]));
    if ('kernel' in options) {
      parts.push(kernelText({ kernel: take('kernel') as number[], stride: take('stride') as number[] }));
    }
    for (const k of ['filters', 'units', 'rate']) if (k in options) parts.push(literal(take(k)));
    const spec = layerSpecs.get(kind);
    for (const [k, v] of Object.entries(options)) {
      if (done.has(k)) continue;
      const builtin = spec?.options.find((o) => o.name === k)?.default;
      const inherited = kind === 'conv' && k in this.convDefaults ? this.convDefaults[k] : builtin;
      // Batch-norm settings of a conv without batch norm change nothing: leave them out.
      if (kind === 'conv' && k.startsWith('bn_') && options['bn'] === false) continue;
      if (JSON.stringify(v) !== JSON.stringify(inherited))
        parts.push(k === 'padding' ? String(v) : `${k}=${literal(v)}`);
    }
    return parts.join(' ');
  }
}

/** A value as .incp source: numbers, booleans, words, strings, sizes, lists and calls. */
export function literal(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v))
    return v.every((x) => typeof x === 'number' && Number.isInteger(x)) && v.length >= 2
      ? shapeText(v as number[])
      : `[${v.map(literal).join(', ')}]`;
  if (v && typeof v === 'object') {
    const { name, args, ...named } = v as { name: string; args: unknown[] } & Record<string, unknown>;
    const all = [...args.map(literal), ...Object.entries(named).map(([k, x]) => `${k}=${literal(x)}`)];
    return `${name}(${all.join(', ')})`;
  }
  return String(v);
}

/** A float that reads back as the same float and as a float (`1.0`, not `1`). */
function formatFloat(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function ident(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : JSON.stringify(name);
}

function indent(lines: string[], depth: number): string[] {
  return lines.map((l) => `${'  '.repeat(depth)}${l}`);
}
