/**
 * SVG from laid-out views: one panel, or two side by side (`--diff`: before and after the rewrite).
 * The SVG is self-contained (its style inline, no fonts or images fetched) and deterministic: the same
 * views give the same bytes.
 *
 * Every box is a `<g class="node ...">` that says what it draws, for people (a `<title>` tooltip) and for
 * programs (data attributes, spec/graph.md "Reading a diagram"): `data-node` (an IR node's name) on a layer,
 * `data-instance`, `data-block` and `data-members` (a JSON list of the IR nodes it collapses) on a block,
 * `data-external` on an outside input. Arrows are `<path class="edge" data-from data-to data-index>`.
 * Marks (lint findings, rewrites) outline their box and put their message in a note beside the panel.
 */
import { groupDigits, shapeText } from '../../compiler/print/text.js';
import { FONT_SIZE, LINE_HEIGHT, MONO_FONT, PAD_Y, SANS_FONT, SMALL_LINE_HEIGHT, SMALL_SIZE } from './labels.js';
import type { Laid } from './layout.js';
import type { Mark, ViewNode } from './scope.js';

export interface Panel {
  laid: Laid;
  /** A heading over the panel (`before`, `after: factor_5x5`). */
  heading?: string;
}

export interface SvgOptions {
  /** Prefix of the ids in the SVG (markers, boxes): unique per SVG when several share a page. */
  idPrefix?: string;
  title: string;
  subtitle?: string;
  /** Lines listed under the panels: marks about nothing drawn. */
  footnotes?: string[];
  /** Block boxes link to `#<prefix>block-<instance>` (the html report's expanded blocks). */
  linkBlocks?: string;
}

const NOTE_WRAP = 64;
const NOTE_SIZE = 10;
const NOTE_LINE = 12;
const NOTE_GAP = 28;
const PANEL_GAP = 36;
const HEADER = 46;
const PANEL_HEADING = 20;

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** A number with at most one decimal, as written in the SVG. */
export const num = (x: number) => {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
};

/** The class of a box's colors: by op family. */
export function family(v: ViewNode): string {
  if (v.kind !== 'layer') return v.kind;
  switch (v.op) {
    case 'conv':
    case 'sepconv':
      return 'conv';
    case 'maxpool':
    case 'avgpool':
    case 'gap':
      return 'pool';
    case 'concat':
      return 'concat';
    case 'input':
      return 'input';
    default:
      return 'other';
  }
}

/** Fill and stroke of each family of boxes (the SVG's style, dot's and Mermaid's attributes). */
export const COLORS: Record<string, { fill: string; stroke: string }> = {
  conv: { fill: '#e7effb', stroke: '#4a6fa5' },
  pool: { fill: '#fdf1dc', stroke: '#b07d2b' },
  concat: { fill: '#ececec', stroke: '#555555' },
  input: { fill: '#ffffff', stroke: '#555555' },
  other: { fill: '#f1eafa', stroke: '#7a5ea8' },
  block: { fill: '#e5f3e9', stroke: '#3c8d5a' },
  external: { fill: '#ffffff', stroke: '#8c959f' },
};
export const MARK_COLORS = { lint: '#cf222e', info: '#0969da', rewritten: '#e36209', replaced: '#cf222e' };

export const STYLE = `
.incc-graph { background: #ffffff; }
.incc-graph text { font-family: ${MONO_FONT}; fill: #1f2328; }
.incc-graph .title { font-family: ${SANS_FONT}; font-size: 15px; font-weight: bold; }
.incc-graph .subtitle, .incc-graph .heading, .incc-graph .footnote { font-family: ${SANS_FONT}; \
font-size: 11px; fill: #57606a; }
.incc-graph .heading { font-size: 12px; font-weight: bold; fill: #1f2328; }
.incc-graph .node rect { stroke-width: 1.2; }
.incc-graph .node .nm { font-size: ${SMALL_SIZE}px; fill: #57606a; }
.incc-graph .node .l0 { font-size: ${FONT_SIZE}px; font-weight: bold; }
.incc-graph .node .ln { font-size: ${SMALL_SIZE}px; fill: #3d444d; }
${Object.entries(COLORS)
  .map(([k, c]) => `.incc-graph .${k} rect { fill: ${c.fill}; stroke: ${c.stroke}; }`)
  .join('\n')}
.incc-graph .block rect { stroke-width: 2; }
.incc-graph .external rect { stroke-dasharray: 4 3; }
.incc-graph .edge { fill: none; stroke: #57606a; stroke-width: 1.2; }
.incc-graph .arrowhead { fill: #57606a; }
.incc-graph .node.lint rect { stroke: #cf222e; stroke-width: 3; }
.incc-graph .node.lint.lint-info rect { stroke: #0969da; }
.incc-graph .node.lint.lint-warning rect { stroke: #d1242f; }
.incc-graph .node.rewritten rect { stroke: #e36209; stroke-width: 3; fill: #fff1e0; }
.incc-graph .node.replaced rect { stroke: #cf222e; stroke-width: 2.5; stroke-dasharray: 6 3; fill: #fdecec; }
.incc-graph .note text { font-size: ${NOTE_SIZE}px; }
.incc-graph .leader line { stroke-width: 1; stroke-dasharray: 2 2; }
.incc-graph .leader.lint line, .incc-graph .leader.replaced line { stroke: #cf222e; }
.incc-graph .note.lint text, .incc-graph .note.replaced text { fill: #a40e26; }
.incc-graph .leader.lint-info line { stroke: #0969da; }
.incc-graph .note.lint-info text { fill: #0550ae; }
.incc-graph .leader.rewritten line { stroke: #e36209; }
.incc-graph .note.rewritten text { fill: #953800; }
.incc-graph a .block rect { cursor: pointer; }
`;

/** Breaks a message into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width = NOTE_WRAP): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = '';
    }
    let w = word;
    while (w.length > width) {
      if (line) out.push(line);
      out.push(w.slice(0, width));
      w = w.slice(width);
      line = '';
    }
    line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

const markLabel = (m: Mark) =>
  m.kind === 'lint'
    ? `${m.severity ?? 'warning'} ${m.rule}: ${m.text}`
    : m.kind === 'rewritten'
      ? `rewritten by ${m.rule}: ${m.text}`
      : `replaced by ${m.rule}: ${m.text}`;

function markClasses(v: ViewNode): string[] {
  const out: string[] = [];
  const lint = v.marks.filter((m) => m.kind === 'lint');
  if (lint.length > 0) {
    out.push('lint');
    const worst = lint.some((m) => m.severity === 'error')
      ? 'error'
      : lint.some((m) => m.severity === 'warning')
        ? 'warning'
        : 'info';
    out.push(`lint-${worst}`);
  }
  if (v.marks.some((m) => m.kind === 'rewritten')) out.push('rewritten');
  if (v.marks.some((m) => m.kind === 'replaced')) out.push('replaced');
  return out;
}

function tooltip(v: ViewNode): string {
  const lines = [
    v.kind === 'block'
      ? `${v.name}: ${v.block} (${v.members.length} layers)`
      : v.kind === 'external'
        ? `${v.name} (outside the block)`
        : v.name,
  ];
  if (v.kind !== 'external')
    lines.push(
      ...(v.kind === 'block' ? [] : [v.lines[0]!]),
      `output ${shapeText(v.shape)}`,
      `${groupDigits(v.params)} params, ${groupDigits(v.macs)} mult-adds`,
    );
  if (v.source) lines.push(v.source);
  for (const m of v.marks) lines.push(markLabel(m));
  return lines.join('\n');
}

interface PanelPlan {
  panel: Panel;
  x: number;
  /** The width of the drawing, and of the whole panel with its notes. */
  drawWidth: number;
  width: number;
  height: number;
  notes: { v: ViewNode; mark: Mark; lines: string[]; y: number }[];
}

function planPanel(panel: Panel, x: number): PanelPlan {
  const { laid } = panel;
  const heading = panel.heading ? PANEL_HEADING : 0;
  // Notes: beside the panel, each at the height of its box, pushed down so that none overlaps the last.
  const wanted = laid.view.nodes
    .flatMap((v) =>
      v.marks.map((mark) => ({
        v,
        mark,
        lines: wrap(markLabel(mark)),
        center: laid.boxes.get(v.key)!.y + laid.boxes.get(v.key)!.height / 2,
      })),
    )
    .sort((a, b) => a.center - b.center || laid.boxes.get(a.v.key)!.x - laid.boxes.get(b.v.key)!.x);
  const notes: PanelPlan['notes'] = [];
  let floor = 0;
  for (const n of wanted) {
    const h = n.lines.length * NOTE_LINE;
    const y = Math.max(floor, n.center - h / 2);
    notes.push({ v: n.v, mark: n.mark, lines: n.lines, y });
    floor = y + h + 6;
  }
  let longest = 0;
  for (const n of notes) for (const l of n.lines) longest = Math.max(longest, l.length);
  const notesWidth = notes.length > 0 ? NOTE_GAP + Math.ceil(longest * NOTE_SIZE * 0.6) + 8 : 0;
  const height = heading + Math.max(laid.height, floor);
  return { panel, x, drawWidth: laid.width, width: laid.width + notesWidth, height, notes };
}

/** One SVG document: a title, the panels side by side, footnotes. */
export function renderSvg(panels: Panel[], options: SvgOptions): string {
  const p = options.idPrefix ?? '';
  const plans: PanelPlan[] = [];
  let x = 0;
  for (const panel of panels) {
    const plan = planPanel(panel, x);
    plans.push(plan);
    x += plan.width + PANEL_GAP;
  }
  const titleWidth = Math.max(options.title.length * 15 * 0.62, (options.subtitle ?? '').length * 11 * 0.56);
  const footnotes = (options.footnotes ?? []).flatMap((f) => wrap(f, 110));
  const bodyHeight = Math.max(...plans.map((q) => q.height));
  const width = Math.ceil(Math.max(x - PANEL_GAP, titleWidth + 16, footnotes.length > 0 ? 110 * 11 * 0.56 : 0));
  const height = Math.ceil(HEADER + bodyHeight + (footnotes.length > 0 ? 10 + footnotes.length * 14 : 0) + 8);
  const view0 = panels[0]!.laid.view;
  const out: string[] = [];
  const instance = view0.instance
    ? ` data-instance="${escapeXml(view0.instance)}" data-block="${escapeXml(view0.block!)}"`
    : '';
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="incc-graph" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" data-network="${escapeXml(view0.network)}" ` +
      `data-scope="${view0.scope}"${instance} ` +
      `data-depth="${Number.isFinite(view0.depth) ? view0.depth : 'all'}" role="img" ` +
      `aria-label="${escapeXml(options.title)}">`,
  );
  out.push(`<title>${escapeXml(options.title)}</title>`);
  out.push(`<style>${STYLE}</style>`);
  out.push(
    `<defs><marker id="${p}arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" ` +
      `orient="auto-start-reverse"><path class="arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="8" y="20">${escapeXml(options.title)}</text>`);
  if (options.subtitle) out.push(`<text class="subtitle" x="8" y="36">${escapeXml(options.subtitle)}</text>`);
  for (const plan of plans) out.push(renderPanel(plan, p, options.linkBlocks));
  footnotes.forEach((f, i) =>
    out.push(`<text class="footnote" x="8" y="${num(HEADER + bodyHeight + 20 + i * 14)}">${escapeXml(f)}</text>`),
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function renderPanel(plan: PanelPlan, p: string, linkBlocks: string | undefined): string {
  const { laid } = plan.panel;
  const dy = HEADER + (plan.panel.heading ? PANEL_HEADING : 0);
  const out: string[] = [];
  const heading = plan.panel.heading ? ` data-heading="${escapeXml(plan.panel.heading)}"` : '';
  out.push(`<g class="panel" transform="translate(${num(plan.x)},${num(dy)})"${heading}>`);
  if (plan.panel.heading) out.push(`<text class="heading" x="8" y="-6">${escapeXml(plan.panel.heading)}</text>`);
  const edgesAt = out.length;
  out.push('<g class="edges">');
  for (const r of laid.routes) {
    if (r.points.length < 2) continue;
    const d = r.points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${num(px)},${num(py)}`).join(' ');
    out.push(
      `<path class="edge" data-from="${escapeXml(r.from)}" data-to="${escapeXml(r.to)}" ` +
        `data-index="${r.index}" d="${d}" marker-end="url(#${p}arrow)"/>`,
    );
  }
  out.push('</g>');
  out.push('<g class="nodes">');
  laid.view.nodes.forEach((v, i) => {
    const b = laid.boxes.get(v.key)!;
    const cls = [
      'node',
      v.kind === 'layer' ? 'layer' : '',
      family(v),
      v.kind === 'layer' ? `op-${v.op}` : '',
      ...markClasses(v),
    ]
      .filter(Boolean)
      .join(' ');
    const data =
      v.kind === 'layer'
        ? `data-node="${escapeXml(v.name)}" data-op="${v.op}" data-arity="${v.arity}"`
        : v.kind === 'block'
          ? `data-instance="${escapeXml(v.name)}" data-block="${escapeXml(v.block!)}" ` +
            `data-members="${escapeXml(JSON.stringify(v.members.map((m) => m.name)))}"`
          : `data-external="${escapeXml(v.name)}"`;
    const cx = b.x + b.width / 2;
    const texts: string[] = [];
    let y = b.y + PAD_Y + SMALL_LINE_HEIGHT - 3;
    texts.push(`<text class="nm" x="${num(cx)}" y="${num(y)}" text-anchor="middle">${escapeXml(v.short)}</text>`);
    y += LINE_HEIGHT;
    texts.push(
      `<text class="l0" x="${num(cx)}" y="${num(y)}" text-anchor="middle">${escapeXml(v.lines[0] ?? '')}</text>`,
    );
    for (const line of v.lines.slice(1)) {
      y += SMALL_LINE_HEIGHT;
      texts.push(`<text class="ln" x="${num(cx)}" y="${num(y)}" text-anchor="middle">${escapeXml(line)}</text>`);
    }
    const box = [
      `<g class="${cls}" id="${p}n${i}" ${data}>`,
      `<title>${escapeXml(tooltip(v))}</title>`,
      `<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.width)}" height="${num(b.height)}" ` +
        `rx="${v.kind === 'block' ? 7 : 3}"/>`,
      ...texts,
      '</g>',
    ].join('');
    out.push(
      v.kind === 'block' && linkBlocks !== undefined
        ? `<a href="#${linkBlocks}block-${escapeXml(encodeURIComponent(v.name))}" ` +
            `data-expand="${escapeXml(v.name)}">${box}</a>`
        : box,
    );
  });
  out.push('</g>');
  if (plan.notes.length > 0) {
    // Notes: each a leader line (drawn under the boxes) from its box to its text beside the drawing.
    const nx = plan.drawWidth + NOTE_GAP;
    const lines: string[] = [];
    const texts: string[] = [];
    for (const n of plan.notes) {
      const b = laid.boxes.get(n.v.key)!;
      const cls = ['note', n.mark.kind, n.mark.kind === 'lint' ? `lint-${n.mark.severity ?? 'warning'}` : '']
        .filter(Boolean)
        .join(' ');
      const attrs =
        `class="${cls}" data-for="${escapeXml(n.v.key)}" data-rule="${escapeXml(n.mark.rule)}" ` +
        `data-node="${escapeXml(n.mark.node)}"`;
      lines.push(
        `<g class="${cls.replace('note', 'leader')}"><line x1="${num(b.x + b.width)}" ` +
          `y1="${num(b.y + b.height / 2)}" x2="${num(nx - 4)}" y2="${num(n.y + NOTE_LINE / 2)}"/></g>`,
      );
      const ty = n.y + NOTE_LINE - 3;
      const textLines = n.lines.map(
        (line, k) => `<text x="${num(nx)}" y="${num(ty + k * NOTE_LINE)}">${escapeXml(line)}</text>`,
      );
      texts.push(`<g ${attrs}>${textLines.join('')}</g>`);
    }
    out[edgesAt] = ['<g class="leaders">', ...lines, '</g>', out[edgesAt]].join('\n');
    out.push('<g class="notes">', texts.join('\n'), '</g>');
  }
  out.push('</g>');
  return out.join('\n');
}
