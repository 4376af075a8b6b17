/**
 * Hover and completion for the playground's editor, over the compiler's own data: the IR nodes built from
 * the buffer (their spans and origins give shape and counts per line) and the declarations in scope.
 * A minimal stand-in until the language service (issue 17) provides these; then the worker asks it instead.
 */
import type { Program } from '../compiler/program/program.js';
import type { IRGraph, IRNode } from '../compiler/ir/ir.js';
import { totalMacs, totalParams } from '../compiler/ir/ir.js';
import { describeLayer, layerSpecs } from '../compiler/ir/kinds/index.js';
import { groupDigits, shapeText } from '../compiler/print/text.js';
import { keywords } from '../grammar/tokens.js';
import type { CompletionResult, HoverResult } from './protocol.js';

const counts = (nodes: IRNode[]) => {
  const p = totalParams(nodes);
  return `${groupDigits(p.total)} params, ${groupDigits(totalMacs(nodes))} mult-adds`;
};

/** Shape and counts of what the buffer's text at `offset` builds: a layer, or the block call it is in. */
export function hover(program: Program, graph: IRGraph | undefined, offset: number): HoverResult | null {
  if (!graph) return null;
  const file = program.entry.displayName;
  const covers = (s: IRNode['span']) => s.file === file && s.startOffset <= offset && offset <= s.endOffset;
  const layers = graph.nodes.filter((n) => covers(n.span));
  if (layers.length > 0) {
    const width = Math.min(...layers.map((n) => n.span.endOffset - n.span.startOffset));
    const hits = layers.filter((n) => n.span.endOffset - n.span.startOffset === width);
    const span = hits[0]!.span;
    const lines = [describeLayer(hits[0]!.attrs)];
    if (hits.length > 1) lines.push(`${hits.length} instances:`);
    for (const n of hits.slice(0, 6)) {
      lines.push(`${n.name}: ${shapeText(n.shape)}, ${counts([n])}`);
    }
    if (hits.length > 6) lines.push(`... and ${hits.length - 6} more`);
    return { from: span.startOffset, to: span.endOffset, lines };
  }
  // A block call: the instances it made (the call under the cursor, else a call on the cursor's line, so that
  // `mixed0..mixed2: repeat ...` answers on its label too).
  const line = program.entry.text.slice(0, offset).split('\n').length;
  const instances = new Map<string, { block: string; span: IRNode['span']; nodes: IRNode[] }>();
  for (const match of [covers, (s: IRNode['span']) => s.file === file && s.startLine === line]) {
    let width = Infinity;
    for (const n of graph.nodes) {
      for (const f of n.origin) {
        if (!match(f.span)) continue;
        const w = f.span.endOffset - f.span.startOffset;
        if (w > width) continue;
        if (w < width) {
          width = w;
          instances.clear();
        }
        const entry = instances.get(f.instance) ?? { block: f.block, span: f.span, nodes: [] };
        entry.nodes.push(n);
        instances.set(f.instance, entry);
      }
    }
    if (instances.size > 0) break;
  }
  if (instances.size === 0) return null;
  const all = [...instances.entries()];
  const span = all[0]![1].span;
  const lines = [`${all[0]![1].block}: ${all.length} instance${all.length === 1 ? '' : 's'}`];
  for (const [name, inst] of all.slice(0, 6)) {
    const out = inst.nodes[inst.nodes.length - 1]!;
    lines.push(`${name}: ${shapeText(out.shape)}, ${inst.nodes.length} layers, ${counts(inst.nodes)}`);
  }
  if (all.length > 6) lines.push(`... and ${all.length - 6} more`);
  return { from: span.startOffset, to: span.endOffset, lines };
}

/** Completion at `offset`: a layer's options after its kind, else keywords, layer kinds and names in scope. */
export function complete(program: Program, text: string, offset: number): CompletionResult {
  const before = text.slice(0, offset);
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
  const from = offset - word.length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.slice(lineStart, from);
  // `name: conv 3x3 64 |` or `conv 3x3 |`: the options of that layer kind.
  const layer = /(?:^|->|[:{])\s*([a-z]+)\s[^>{}]*$/.exec(line);
  const spec = layer ? layerSpecs.get(layer[1]!) : undefined;
  if (spec) {
    return {
      from,
      options: spec.options.map((o) => ({ label: `${o.name}=`, type: 'property', detail: o.expected })),
    };
  }
  const options: CompletionResult['options'] = [];
  for (const s of layerSpecs.values()) options.push({ label: s.name, type: 'function', detail: s.summary });
  for (const k of keywords) options.push({ label: k, type: 'keyword' });
  for (const [name, decl] of program.entry.scope) {
    const params = decl.params.map((p) => p.name.name).join(', ');
    const kind = decl.kind === 'BlockDecl' ? 'block' : decl.kind === 'NetworkDecl' ? 'network' : 'rule';
    options.push({ label: name, type: kind === 'block' ? 'class' : 'type', detail: `${kind}(${params})` });
  }
  return { from, options };
}
