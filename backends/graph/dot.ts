/**
 * Graphviz dot from views, for people who keep Graphviz at hand (`incc graph --format dot | dot -Tpdf`).
 * The same boxes and conventions as the SVG: bottom to top (rankdir=BT), a concat's inputs in branch order
 * (`ordering=in`), the same colors; marks outline the box in red (lint) or orange (rewrite) with the message
 * as an external label. Two views (--diff) become two clusters, `before` and `after`. No layout is run here.
 */
import { COLORS, MARK_COLORS, family } from './svg.js';
import { edgesInTargetOrder, type Mark, type View, type ViewNode } from './scope.js';

export interface DotPanel {
  view: View;
  heading?: string;
}

/** A dot string literal. */
export const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

const markText = (m: Mark) => (m.kind === 'lint' ? `${m.rule}: ${m.text}` : `${m.kind} (${m.rule}): ${m.text}`);

function nodeStatement(v: ViewNode, id: string): string {
  const c = COLORS[family(v)]!;
  const label = [v.short, ...v.lines].join('\n');
  const attrs: string[] = [
    `label=${dotString(label)}`,
    `class=${dotString(`${v.kind} ${family(v)}${v.kind === 'layer' ? ` op-${v.op}` : ''}`)}`,
  ];
  attrs.push(`fillcolor=${dotString(c.fill)}`);
  const lint = v.marks.filter((m) => m.kind === 'lint');
  const rewrite = v.marks.find((m) => m.kind !== 'lint');
  if (lint.length > 0)
    attrs.push(
      `color=${dotString(lint.every((m) => m.severity === 'info') ? MARK_COLORS.info : MARK_COLORS.lint)}`,
      'penwidth=3',
    );
  else if (rewrite)
    attrs.push(`color=${dotString(MARK_COLORS[rewrite.kind as 'rewritten' | 'replaced'])}`, 'penwidth=3');
  else attrs.push(`color=${dotString(c.stroke)}`);
  const styles = [
    'filled',
    v.kind === 'block' ? 'rounded' : '',
    v.kind === 'external' || v.marks.some((m) => m.kind === 'replaced') ? 'dashed' : '',
  ].filter(Boolean);
  attrs.push(`style=${dotString(styles.join(','))}`);
  if (v.marks.length > 0) attrs.push(`xlabel=${dotString(v.marks.map(markText).join('\n'))}`);
  if (v.kind === 'layer' && v.arity > 1) attrs.push('ordering=in');
  if (v.source) attrs.push(`tooltip=${dotString(`${v.name} (${v.source})`)}`);
  return `  ${id} [${attrs.join(', ')}];`;
}

function body(view: View, prefix: string, indent: string): string[] {
  const out: string[] = [];
  for (const v of view.nodes) out.push(indent + nodeStatement(v, dotString(prefix + v.key)).trimStart());
  // Edges into each target in branch order: with `ordering=in`, dot keeps them left to right.
  for (const e of edgesInTargetOrder(view)) {
    out.push(`${indent}${dotString(prefix + e.from)} -> ${dotString(prefix + e.to)};`);
  }
  return out;
}

/** The comment that marks a dot file as incc's (isGraphOutput: `graph --out` replaces only its own files). */
export const DOT_MARKER = '// drawn by incc graph';

export function renderDot(panels: DotPanel[], title: string, subtitle?: string): string {
  const out: string[] = [];
  out.push(`digraph ${dotString(title)} {`);
  out.push(
    `  graph [rankdir=BT, label=${dotString(subtitle ? `${title}\n${subtitle}` : title)}, labelloc=t, ` +
      `fontname="DejaVu Sans", fontsize=12, nodesep=0.25, ranksep=0.3, forcelabels=true];`,
  );
  out.push('  node [shape=box, fontname="DejaVu Sans Mono", fontsize=10, margin="0.12,0.06"];');
  out.push('  edge [arrowsize=0.6, color="#57606a"];');
  out.push(`  ${DOT_MARKER}`);
  if (panels.length === 1) {
    for (const line of body(panels[0]!.view, '', '  ')) out.push(line);
  } else {
    panels.forEach((p, i) => {
      const name = p.heading?.split(':')[0]?.trim() || `panel${i + 1}`;
      out.push(`  subgraph ${dotString(`cluster_${name}`)} {`);
      out.push(`    label=${dotString(p.heading ?? name)};`);
      for (const line of body(p.view, `${name}:`, '    ')) out.push(line);
      out.push('  }');
    });
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
