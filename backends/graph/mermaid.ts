/**
 * Mermaid flowcharts from views, for Markdown that renders them (GitHub, GitLab, many wikis): `flowchart BT`
 * (bottom to top, as the paper draws), one node per box with the box's lines, the same colors as classes.
 * Marks add their message to the box's text and a red (lint) or orange (rewrite) outline. Two views
 * (--diff) become two subgraphs. Node ids are `n<k>` (`b_n<k>`, `a_n<k>` in a diff): Mermaid's ids cannot
 * hold the slashes of IR names.
 */
import { COLORS, MARK_COLORS, family } from './svg.js';
import { edgesInTargetOrder, type View } from './scope.js';

export interface MermaidPanel {
  view: View;
  heading?: string;
}

/** Text inside `["..."]`: quotes and angle brackets as Mermaid entities. */
const text = (s: string) =>
  s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

function body(view: View, prefix: string, indent: string, classes: Map<string, string[]>): string[] {
  const out: string[] = [];
  const ids = new Map(view.nodes.map((v, i) => [v.key, `${prefix}n${i}`]));
  for (const v of view.nodes) {
    const id = ids.get(v.key)!;
    const lines = [
      v.short,
      ...v.lines,
      ...v.marks.map((m) => (m.kind === 'lint' ? `⚠ ${m.rule}: ${m.text}` : `${m.kind} (${m.rule})`)),
    ];
    out.push(`${indent}${id}["${lines.map(text).join('<br/>')}"]`);
    const cls = [
      family(v),
      ...(v.marks.some((m) => m.kind === 'lint') ? ['lint'] : []),
      ...(v.marks.some((m) => m.kind === 'rewritten') ? ['rewritten'] : []),
      ...(v.marks.some((m) => m.kind === 'replaced') ? ['replaced'] : []),
    ];
    for (const c of cls) {
      const ids = classes.get(c);
      if (ids) ids.push(id);
      else classes.set(c, [id]);
    }
  }
  for (const e of edgesInTargetOrder(view)) out.push(`${indent}${ids.get(e.from)} --> ${ids.get(e.to)}`);
  return out;
}

/** The comment that marks a Mermaid file as incc's (isGraphOutput: `graph --out` replaces only its own files). */
export const MERMAID_MARKER = '%% drawn by incc graph';

export function renderMermaid(panels: MermaidPanel[], title: string): string {
  const out: string[] = ['---', `title: ${JSON.stringify(title)}`, '---', 'flowchart BT', `  ${MERMAID_MARKER}`];
  const classes = new Map<string, string[]>();
  if (panels.length === 1) for (const line of body(panels[0]!.view, '', '  ', classes)) out.push(line);
  else {
    panels.forEach((p, i) => {
      const prefix = i === 0 ? 'b_' : 'a_';
      out.push(`  subgraph ${prefix}panel["${text(p.heading ?? `panel ${i + 1}`)}"]`);
      out.push('    direction BT');
      for (const line of body(p.view, prefix, '    ', classes)) out.push(line);
      out.push('  end');
    });
  }
  for (const [k, c] of Object.entries(COLORS))
    out.push(`  classDef ${k} fill:${c.fill},stroke:${c.stroke},color:#1f2328`);
  out.push(`  classDef lint stroke:${MARK_COLORS.lint},stroke-width:3px`);
  out.push(`  classDef rewritten stroke:${MARK_COLORS.rewritten},stroke-width:3px`);
  out.push(`  classDef replaced stroke:${MARK_COLORS.replaced},stroke-width:2px,stroke-dasharray:6 3`);
  for (const [c, ids] of classes) out.push(`  class ${ids.join(',')} ${c}`);
  return `${out.join('\n')}\n`;
}
