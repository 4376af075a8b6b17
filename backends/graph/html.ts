/**
 * The html report of `incc graph --format html`: one self-contained file (inline SVG, style and script;
 * nothing fetched, no fonts, no images) with
 * - the diagram, lint findings outlined on it;
 * - each collapsed block as an expandable section with its own diagram (a click on the block's box opens it);
 * - the summary table of the layers drawn, with each layer's lint findings in its row;
 * - the list of findings, each linked to its layer.
 * Deterministic: the same input gives the same bytes.
 */
import { escapeXml } from './svg.js';
import { groupDigits, shapeText } from '../../compiler/print/text.js';
import { opLine } from './labels.js';
import type { IRNode } from '../../compiler/ir/ir.js';

export interface HtmlFinding {
  severity: 'error' | 'warning' | 'info';
  rule: string;
  message: string;
  /** `file:line`. */
  where: string;
  node?: string;
}

export interface HtmlBlock {
  instance: string;
  block: string;
  /** One line: shape, parameters. */
  summary: string;
  svg: string;
  /** Nested blocks: the instance of the block that holds this one, if any. */
  parent?: string;
}

export interface HtmlInput {
  title: string;
  subtitle: string;
  diagram: string;
  blocks: HtmlBlock[];
  /** The layers in scope, in graph order. */
  rows: IRNode[];
  /** Totals line under the table. */
  totals: string;
  findings: HtmlFinding[];
  /** About the lint run (it failed, or found nothing). */
  lintNote?: string;
}

export const blockAnchor = (instance: string) => `block-${encodeURIComponent(instance)}`;
export const rowAnchor = (name: string) => `layer-${encodeURIComponent(name)}`;

const CSS = `
:root { color-scheme: light; }
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { padding: 16px 24px 8px; background: #ffffff; border-bottom: 1px solid #d0d7de; }
header h1 { font-size: 20px; margin: 0 0 4px; }
header p { margin: 0; color: #57606a; font-size: 13px; }
main { padding: 16px 24px 32px; }
section { margin-bottom: 24px; }
h2 { font-size: 16px; margin: 0 0 8px; }
.diagram { background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; overflow: auto; \
max-height: 85vh; padding: 8px; }
.diagram svg { display: block; }
details.block { background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; }
details.block > summary { cursor: pointer; padding: 6px 10px; font-size: 13px; }
details.block > summary code { font-weight: bold; }
details.block > .diagram { border: 0; border-top: 1px solid #d0d7de; border-radius: 0 0 6px 6px; }
details.block:target, details.block.flash { outline: 3px solid #3c8d5a; }
table { border-collapse: collapse; background: #ffffff; font-size: 12px; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eaeef2; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td code, li code { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 11px; }
tr.flagged td { background: #fff5f5; }
tr.flagged td.findings { color: #a40e26; }
tr.selected td { background: #fff8c5; }
td.findings div + div { margin-top: 2px; }
.sev-info { color: #0550ae; }
.sev-warning, .sev-error { color: #a40e26; }
ul.findings { background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 8px 8px 28px; \
font-size: 13px; }
p.note { color: #57606a; font-size: 13px; }
.incc-graph .node.layer { cursor: pointer; }
`;

const SCRIPT = `
(function () {
  function byId(id) { return document.getElementById(id) || document.getElementById(decodeURIComponent(id)); }
  function openTarget() {
    var id = location.hash.slice(1);
    if (!id) return;
    var el = byId(id);
    if (!el) return;
    for (var d = el; d; d = d.parentElement) if (d.tagName === 'DETAILS') d.open = true;
    el.scrollIntoView({ block: 'start' });
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
  var nodes = document.querySelectorAll('svg .node.layer');
  for (var i = 0; i < nodes.length; i++) {
    nodes[i].addEventListener('click', function (ev) {
      var name = ev.currentTarget.getAttribute('data-node');
      var row = byId('layer-' + encodeURIComponent(name));
      if (!row) return;
      var old = document.querySelectorAll('tr.selected');
      for (var k = 0; k < old.length; k++) old[k].classList.remove('selected');
      row.classList.add('selected');
      row.scrollIntoView({ block: 'center' });
    });
  }
})();
`;

export function renderHtml(input: HtmlInput): string {
  const findingsByNode = new Map<string, HtmlFinding[]>();
  for (const f of input.findings) {
    if (!f.node) continue;
    const list = findingsByNode.get(f.node);
    if (list) list.push(f);
    else findingsByNode.set(f.node, [f]);
  }
  const rowNames = new Set(input.rows.map((r) => r.name));
  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en">');
  out.push('<head>');
  out.push('<meta charset="utf-8">');
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push('<meta name="generator" content="incc graph">');
  out.push(`<title>${escapeXml(input.title)}</title>`);
  out.push(`<style>${CSS}</style>`);
  out.push('</head>');
  out.push('<body>');
  out.push(`<header><h1>${escapeXml(input.title)}</h1><p>${escapeXml(input.subtitle)}</p></header>`);
  out.push('<main>');
  out.push('<section id="diagram"><h2>Diagram</h2>');
  out.push(`<div class="diagram">${input.diagram}</div>`);
  out.push('</section>');
  if (input.blocks.length > 0) {
    out.push('<section id="blocks"><h2>Blocks</h2>');
    out.push(
      '<p class="note">Each green box above is a block instance collapsed into one box: click it, or a line ' +
        'below, to open its layers.</p>',
    );
    for (const b of input.blocks) {
      out.push(
        `<details class="block" id="${escapeXml(blockAnchor(b.instance))}" data-instance="${escapeXml(b.instance)}">`,
      );
      out.push(
        `<summary><code>${escapeXml(b.instance)}</code> ${escapeXml(b.block)}: ${escapeXml(b.summary)}</summary>`,
      );
      out.push(`<div class="diagram">${b.svg}</div>`);
      out.push('</details>');
    }
    out.push('</section>');
  }
  out.push('<section id="layers"><h2>Layers</h2>');
  const headings = ['name', 'op', 'output', 'params', 'mult-adds', 'source', 'lint'];
  out.push(`<table class="summary"><thead><tr>${headings.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>`);
  for (const n of input.rows) {
    const fs = findingsByNode.get(n.name) ?? [];
    const findings = fs.map(
      (f) =>
        `<div class="sev-${f.severity}">${escapeXml(f.severity)} <code>${escapeXml(f.rule)}</code>: ` +
        `${escapeXml(f.message)}</div>`,
    );
    const cells = [
      `<td><code>${escapeXml(n.name)}</code></td>`,
      `<td><code>${escapeXml(opLine(n))}</code></td>`,
      `<td class="num">${shapeText(n.shape)}</td>`,
      `<td class="num">${groupDigits(n.params.trainable + n.params.nonTrainable)}</td>`,
      `<td class="num">${groupDigits(n.macs)}</td>`,
      `<td><code>${escapeXml(`${n.span.file}:${n.span.startLine}`)}</code></td>`,
      `<td class="findings">${findings.join('')}</td>`,
    ];
    const flagged = fs.length > 0 ? ' class="flagged"' : '';
    out.push(
      `<tr id="${escapeXml(rowAnchor(n.name))}"${flagged} data-node="${escapeXml(n.name)}">${cells.join('')}</tr>`,
    );
  }
  out.push('</tbody></table>');
  out.push(`<p class="note">${escapeXml(input.totals)}</p>`);
  out.push('</section>');
  out.push('<section id="findings"><h2>Lint findings</h2>');
  if (input.lintNote) out.push(`<p class="note">${escapeXml(input.lintNote)}</p>`);
  if (input.findings.length > 0) {
    out.push('<ul class="findings">');
    for (const f of input.findings) {
      const code = f.node ? `<code>${escapeXml(f.node)}</code>` : '';
      const where = f.node && rowNames.has(f.node) ? `<a href="#${escapeXml(rowAnchor(f.node))}">${code}</a>` : code;
      out.push(
        `<li class="sev-${f.severity}">${escapeXml(f.severity)} <code>${escapeXml(f.rule)}</code> ${where} ` +
          `(<code>${escapeXml(f.where)}</code>): ${escapeXml(f.message)}</li>`,
      );
    }
    out.push('</ul>');
  }
  out.push('</section>');
  out.push('</main>');
  out.push(`<script>${SCRIPT}</script>`);
  out.push('</body>');
  out.push('</html>');
  return `${out.join('\n')}\n`;
}
