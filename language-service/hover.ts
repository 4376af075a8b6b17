/**
 * Hover: what a node of the source makes, from the built networks. On a layer, a block call, a branch, a
 * concat or a repeat: the output shape, parameters and multiply-adds of each instance it makes (a block used
 * four times shows four rows); on a block: its signature, doc comment and instances; on a network: its
 * totals; on a rule: its signature and doc; on a parameter: its declaration; on a lint rule's id in a
 * suppression comment: the rule's page summary.
 */
import type * as A from '../compiler/syntax/ast.js';
import type { IRGraph, IRNode } from '../compiler/ir/ir.js';
import { layerSpecs } from '../compiler/ir/layers.js';
import { findRule } from '../compiler/lint/engine/registry.js';
import { levelOfSeverity } from '../compiler/lint/engine/rule.js';
import type { LoadedFile } from '../compiler/program/program.js';
import { groupDigits, shapeText } from '../compiler/print/text.js';
import type { Analysis } from './analysis.js';
import { DEFAULT_DOCS_URL } from './host.js';
import { occurrenceAt } from './symbols.js';
import { declarationWord, docComment, isDeclaration, nodesAt, signatureOf, type Declaration } from './syntax.js';
import type { Hover } from './types.js';

/** At most this many instances are listed (the rest are counted). */
const MAX_ROWS = 16;

interface Group {
  /** The instance: a node's or block instance's qualified name, with the network when there are several. */
  label: string;
  nodes: IRNode[];
}

const within = (s: A.Span, outer: A.Span, file: string) =>
  s.file === file && outer.startOffset <= s.startOffset && s.endOffset <= outer.endOffset;

/**
 * The IR nodes made by the source node `x` of `file`, one group per instance. A node belongs to `x` when its
 * own span or the call site of one of its block frames lies inside `x`: for a layer, each node is an instance
 * (a layer in a block used twice makes two); for a block call, each block instance; for a branch, concat or
 * repeat, each instance of the block (or network) around it.
 */
export function instancesOf(x: A.Node, mode: 'layer' | 'call' | 'region', file: string, graphs: IRGraph[]): Group[] {
  const groups = new Map<string, Group>();
  for (const g of graphs) {
    const prefix = graphs.length > 1 ? `${g.network}: ` : '';
    for (const n of g.nodes) {
      const sites = [...n.origin.map((f) => f.span), n.span];
      const i = sites.findIndex((s) => within(s, x.span, file));
      if (i < 0) continue;
      let key: string;
      if (mode === 'layer') key = n.rewrite?.replaced ?? n.name;
      else if (mode === 'call' && i < n.origin.length) key = n.origin[i]!.instance;
      else key = i > 0 ? n.origin[i - 1]!.instance : g.network;
      const label = `${prefix}${key}`;
      let group = groups.get(label);
      if (!group) groups.set(label, (group = { label, nodes: [] }));
      group.nodes.push(n);
    }
  }
  return [...groups.values()];
}

function countsTable(groups: Group[], what: string): string {
  if (groups.length === 0) return '';
  const rows = groups.slice(0, MAX_ROWS).map((g) => {
    const last = g.nodes.reduce((a, b) => (b.id > a.id ? b : a));
    const trainable = g.nodes.reduce((s, n) => s + n.params.trainable, 0);
    const params = trainable + g.nodes.reduce((s, n) => s + n.params.nonTrainable, 0);
    const macs = g.nodes.reduce((s, n) => s + n.macs, 0);
    return (
      `| ${g.label} | ${shapeText(last.shape)} | ${groupDigits(params)} | ${groupDigits(trainable)} | ` +
      `${groupDigits(macs)} |`
    );
  });
  const more = groups.length > MAX_ROWS ? `\n\n… and ${groups.length - MAX_ROWS} more ${what}` : '';
  return (
    [`| ${what} | output | parameters | trainable | multiply-adds |`, '|---|---|---|---|---|', ...rows].join('\n') +
    more
  );
}

function declarationDoc(d: Declaration, analysis: Analysis): string[] {
  const file = [...analysis.program.files.values()].find((f) => f.own.includes(d));
  const text = file?.text ?? '';
  const doc = file?.ast ? docComment(file.ast, text, d) : undefined;
  const where = file && file !== analysis.program.entry ? ` — ${file.displayName}` : '';
  return [`\`\`\`incp\n${signatureOf(d, text)}\n\`\`\`${where}`, ...(doc ? [doc] : [])];
}

function blockInstances(d: A.BlockDecl, graphs: IRGraph[]): Group[] {
  const groups = new Map<string, Group>();
  for (const g of graphs) {
    const prefix = graphs.length > 1 ? `${g.network}: ` : '';
    for (const n of g.nodes) {
      const frame = n.origin.find((f) => f.block === d.name.name);
      if (!frame) continue;
      const label = `${prefix}${frame.instance}`;
      let group = groups.get(label);
      if (!group) groups.set(label, (group = { label, nodes: [] }));
      group.nodes.push(n);
    }
  }
  return [...groups.values()];
}

function networkTotals(g: IRGraph): string {
  const trainable = g.nodes.reduce((s, n) => s + n.params.trainable, 0);
  const params = trainable + g.nodes.reduce((s, n) => s + n.params.nonTrainable, 0);
  const macs = g.nodes.reduce((s, n) => s + n.macs, 0);
  return [
    `input ${shapeText(g.nodes[g.input]!.shape)}, output ${shapeText(g.nodes[g.output]!.shape)}`,
    `${groupDigits(params)} parameters (${groupDigits(trainable)} trainable), ${groupDigits(macs)} multiply-adds, ` +
      `${g.nodes.length} nodes${g.aux.length > 0 ? ` (aux heads: ${g.aux.map((a) => a.name).join(', ')})` : ''}`,
  ].join('\n\n');
}

function lintRuleDoc(id: string, docsUrl: string): string | undefined {
  const rule = findRule(id);
  if (!rule) return undefined;
  return [
    `**${rule.id}** (lint rule, ${rule.section}, default \`${levelOfSeverity[rule.defaultSeverity]}\`)`,
    rule.description,
    `[${rule.id}](${docsUrl}/spec/lint/${rule.id}.md)`,
  ].join('\n\n');
}

/** The hover at `offset` of the analysed document, or undefined where there is nothing to say. */
export function hoverAt(analysis: Analysis, offset: number, docsUrl = DEFAULT_DOCS_URL): Hover | undefined {
  const file: LoadedFile = analysis.program.entry;
  const ast = file.ast;
  if (!ast) return undefined;
  const make = (value: string, span: A.Span): Hover => ({
    contents: { kind: 'markdown', value },
    range: analysis.lines.rangeOf(span),
  });
  // A lint rule named in a suppression comment.
  const comment = ast.comments.find((c) => c.span.startOffset <= offset && offset < c.span.endOffset);
  if (comment) {
    const at = offset - comment.span.startOffset;
    const word = /[a-z0-9-]+/g;
    for (let m = word.exec(comment.text); m; m = word.exec(comment.text)) {
      if (m.index <= at && at <= m.index + m[0].length) {
        const doc = lintRuleDoc(m[0], docsUrl);
        if (doc) return make(doc, comment.span);
      }
    }
    return undefined;
  }
  const graphs = analysis.graphs;
  const occurrence = occurrenceAt(analysis.occurrences(file), offset);
  const path = nodesAt(ast, offset);
  const innermost = (kind: A.Node['kind']) => [...path].reverse().find((n) => n.kind === kind);
  if (occurrence?.decl && occurrence.kind !== 'parameter') {
    const d = occurrence.decl;
    const parts = declarationDoc(d, analysis);
    const layer = innermost('Layer') as A.LayerElement | undefined;
    if (layer && layer.callee.span.startOffset === occurrence.span.startOffset) {
      parts.push(countsTable(instancesOf(layer, 'call', file.displayName, graphs), 'instance'));
    } else if (d.kind === 'BlockDecl') {
      parts.push(countsTable(blockInstances(d, graphs), 'instance'));
    } else if (d.kind === 'NetworkDecl') {
      const g = graphs.find((x) => x.network === d.name.name && x.file === file.displayName);
      if (g) parts.push(networkTotals(g));
    }
    return make(parts.filter((p) => p !== '').join('\n\n'), occurrence.span);
  }
  if (occurrence?.kind === 'parameter' || occurrence?.kind === 'variable') {
    const d = occurrence.decl;
    const param = d?.params.find((p) => p.name.span.startOffset === occurrence.target?.span.startOffset);
    const declFile = d ? [...analysis.program.files.values()].find((f) => f.own.includes(d)) : undefined;
    const text = param && declFile ? declFile.text.slice(param.span.startOffset, param.span.endOffset) : undefined;
    const head = text
      ? `\`\`\`incp\n${text}\n\`\`\`\nparameter of ${declarationWord(d!)} ${d!.name.name}`
      : `repeat variable \`${file.text.slice(occurrence.span.startOffset, occurrence.span.endOffset)}\``;
    const values =
      d?.kind === 'NetworkDecl' && param
        ? graphs
            .filter((g) => g.network === d.name.name)
            .map(
              (g) =>
                `value here: \`${JSON.stringify(g.args[param.name.name])}\` (set with \`--set ` +
                `${param.name.name}=...\`)`,
            )
        : [];
    return make([head, ...values].join('\n\n'), occurrence.span);
  }
  if (occurrence?.kind === 'layer') {
    const spec = layerSpecs.get(file.text.slice(occurrence.span.startOffset, occurrence.span.endOffset));
    const layer = innermost('Layer') as A.LayerElement | undefined;
    if (spec && !layer) {
      const options = spec.options.map(
        (o) =>
          `- \`${o.name}\`: ${o.expected}${o.default !== undefined ? ` (default ${JSON.stringify(o.default)})` : ''}`,
      );
      return make([`**${spec.name}**: ${spec.summary}`, ...options].join('\n'), occurrence.span);
    }
  }
  for (const node of [...path].reverse()) {
    if (node.kind === 'Layer') {
      const spec = layerSpecs.get(node.callee.name);
      const head = spec ? `**${node.callee.name}**: ${spec.summary}` : `\`${node.callee.name}\``;
      const table = countsTable(instancesOf(node, 'layer', file.displayName, graphs), 'node');
      return make([head, table].filter((p) => p !== '').join('\n\n'), node.span);
    }
    if (node.kind === 'Chain') {
      const parent = path[path.indexOf(node) - 1];
      const grand = path[path.indexOf(node) - 2];
      if (parent?.kind === 'Body' && grand?.kind === 'Concat') {
        const name = node.label ? `branch **${node.label.name.name}**` : 'branch';
        const table = countsTable(instancesOf(node, 'region', file.displayName, graphs), 'instance');
        return make([name, table].filter((p) => p !== '').join('\n\n'), node.span);
      }
    }
    if (node.kind === 'Concat' || node.kind === 'Repeat') {
      const table = countsTable(instancesOf(node, 'region', file.displayName, graphs), 'instance');
      const name = node.kind === 'Concat' ? 'concat' : 'repeat';
      return make([`${node.label ? `**${node.label.name.name}**: ` : ''}${name}`, table].join('\n\n'), node.span);
    }
    if (isDeclaration(node)) return undefined;
  }
  return undefined;
}
