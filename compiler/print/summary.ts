/**
 * The summary of an elaborated network: the stable JSON of `incc summary --json` (spec/ir.md,
 * "Summary JSON") and the Keras-style table.
 */
import { groupDigits, shapeText } from './text.js';
import type { IRGraph, IRNode, ParamCount } from '../ir/ir.js';
import { totalMacs, totalParams } from '../ir/ir.js';
import { describeLayer } from '../ir/kinds/index.js';

export interface SummaryNode {
  name: string;
  op: string;
  outputShape: number[];
  params: number;
  trainable: number;
  nonTrainable: number;
  macs: number;
  /** `main` or the aux head's name. */
  head: string;
  inputs: string[];
  source: { file: string; line: number; column: number };
}

export interface Summary {
  network: string;
  file: string;
  args: Record<string, unknown>;
  input: number[];
  output: number[];
  params: { total: number; trainable: number; nonTrainable: number };
  macs: number;
  /** The aux heads: each with its own counts (already included in the totals above). */
  aux: {
    name: string;
    from: string;
    weight: number;
    output: number[];
    params: { total: number; trainable: number; nonTrainable: number };
    macs: number;
  }[];
  /** Counts of the main path alone (totals less the aux heads). */
  main: { params: { total: number; trainable: number; nonTrainable: number }; macs: number };
  nodes: SummaryNode[];
}

function counts(p: ParamCount & { total: number }) {
  return { total: p.total, trainable: p.trainable, nonTrainable: p.nonTrainable };
}

export function summarize(graph: IRGraph): Summary {
  const byHead = (head: string) => graph.nodes.filter((n) => n.head === head);
  return {
    network: graph.network,
    file: graph.file,
    args: graph.args,
    input: graph.nodes[graph.input]!.shape,
    output: graph.nodes[graph.output]!.shape,
    params: counts(totalParams(graph.nodes)),
    macs: totalMacs(graph.nodes),
    aux: graph.aux.map((a) => ({
      name: a.name,
      from: graph.nodes[a.from]!.name,
      weight: a.weight,
      output: graph.nodes[a.output]!.shape,
      params: counts(totalParams(byHead(a.name))),
      macs: totalMacs(byHead(a.name)),
    })),
    main: { params: counts(totalParams(byHead('main'))), macs: totalMacs(byHead('main')) },
    nodes: graph.nodes.map((n) => summaryNode(n, graph)),
  };
}

function summaryNode(n: IRNode, graph: IRGraph): SummaryNode {
  return {
    name: n.name,
    op: n.attrs.op,
    outputShape: n.shape,
    params: n.params.trainable + n.params.nonTrainable,
    trainable: n.params.trainable,
    nonTrainable: n.params.nonTrainable,
    macs: n.macs,
    head: n.head,
    inputs: n.inputs.map((i) => graph.nodes[i]!.name),
    source: { file: n.span.file, line: n.span.startLine, column: n.span.startColumn },
  };
}

export function summaryTable(graph: IRGraph): string {
  const s = summarize(graph);
  const header = ['name', 'op', 'output', 'params', 'mult-adds', 'line'];
  const rows = graph.nodes.map((n) => [
    n.name,
    describeLayer(n.attrs),
    shapeText(n.shape),
    groupDigits(n.params.trainable + n.params.nonTrainable),
    groupDigits(n.macs),
    `${n.span.file}:${n.span.startLine}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([3, 4]);
  const line = (r: string[]) =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const out = [`Network ${s.network} (${s.file})`, rule, line(header), rule, ...rows.map(line), rule];
  out.push(`Input ${shapeText(s.input)}, output ${shapeText(s.output)}`);
  out.push(
    `Total params: ${groupDigits(s.params.total)} (trainable ${groupDigits(s.params.trainable)}, ` +
      `non-trainable ${groupDigits(s.params.nonTrainable)})`,
  );
  out.push(`Multiply-adds: ${groupDigits(s.macs)} (${(s.macs / 1e9).toFixed(2)} G)`);
  for (const a of s.aux) {
    out.push(
      `Aux head ${a.name} (from ${a.from}, weight ${a.weight}): ${groupDigits(a.params.total)} params, ` +
        `${groupDigits(a.macs)} multiply-adds; included above`,
    );
  }
  if (s.aux.length > 0)
    out.push(`Main path alone: ${groupDigits(s.main.params.total)} params, ${groupDigits(s.main.macs)} multiply-adds`);
  return out.join('\n');
}
