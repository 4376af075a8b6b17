/**
 * Reading the diagrams `incc graph` writes (spec/graph.md, "Reading a diagram"), for the tests: the boxes
 * and arrows of an SVG, the node and edge statements of a dot file. Plain parsing of the documented
 * markup, so a test checks what is drawn, not how the code that drew it works.
 */

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]!] = unescape(m[2]!);
  return out;
}

export interface SvgBox {
  classes: string[];
  kind: 'layer' | 'block' | 'external';
  /** data-node, data-instance or data-external. */
  name: string;
  op?: string;
  arity?: number;
  block?: string;
  members?: string[];
  /** The small name line, then the box's lines. */
  caption: string;
  lines: string[];
  rect: { x: number; y: number; width: number; height: number };
  /** The `<title>` tooltip. */
  title: string;
  /** The panel (index) the box is in. */
  panel: number;
}

export interface SvgEdge {
  from: string;
  to: string;
  index: number;
  points: [number, number][];
  panel: number;
}

export interface SvgNote {
  for: string;
  rule: string;
  node: string;
  classes: string[];
  text: string;
  panel: number;
}

export interface ParsedSvg {
  root: Record<string, string>;
  title: string;
  panels: (string | undefined)[];
  boxes: SvgBox[];
  edges: SvgEdge[];
  notes: SvgNote[];
  footnotes: string[];
}

export function parseSvg(svg: string): ParsedSvg {
  const rootTag = /<svg ([^>]*)>/.exec(svg);
  if (!rootTag) throw new Error('no <svg> element');
  const root = attributes(rootTag[1]!);
  const title = unescape(/<title>([^<]*)<\/title>/.exec(svg)?.[1] ?? '');
  const boxes: SvgBox[] = [];
  const edges: SvgEdge[] = [];
  const notes: SvgNote[] = [];
  const panelTexts = svg.split(/<g class="panel"/).slice(1);
  const panels = panelTexts.map((p) => {
    const h = /^[^>]*data-heading="([^"]*)"/.exec(p);
    return h ? unescape(h[1]!) : undefined;
  });
  panelTexts.forEach((text, panel) => {
    for (const m of text.matchAll(/<g class="(node [^"]*)" id="[^"]*" ([^>]*)>([\s\S]*?)<\/g>/g)) {
      const classes = m[1]!.split(' ');
      const a = attributes(m[2]!);
      const inner = m[3]!;
      const kind = classes.includes('block') ? 'block' : classes.includes('external') ? 'external' : 'layer';
      const texts = [...inner.matchAll(/<text class="(nm|l0|ln)"[^>]*>([^<]*)<\/text>/g)].map((t) => ({
        cls: t[1]!,
        text: unescape(t[2]!),
      }));
      const r = attributes(/<rect ([^>]*)\/>/.exec(inner)![1]!);
      boxes.push({
        classes,
        kind,
        name: a['data-node'] ?? a['data-instance'] ?? a['data-external']!,
        ...(a['data-op'] ? { op: a['data-op'] } : {}),
        ...(a['data-arity'] ? { arity: Number(a['data-arity']) } : {}),
        ...(a['data-block'] ? { block: a['data-block'] } : {}),
        ...(a['data-members'] ? { members: JSON.parse(a['data-members']) as string[] } : {}),
        caption: texts.find((t) => t.cls === 'nm')?.text ?? '',
        lines: texts.filter((t) => t.cls !== 'nm').map((t) => t.text),
        rect: { x: Number(r['x']), y: Number(r['y']), width: Number(r['width']), height: Number(r['height']) },
        title: unescape(/<title>([^<]*)<\/title>/.exec(inner)?.[1] ?? ''),
        panel,
      });
    }
    for (const m of text.matchAll(/<path class="edge" ([^>]*)\/>/g)) {
      const a = attributes(m[1]!);
      const points = [...a['d']!.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map(
        (p) => [Number(p[1]), Number(p[2])] as [number, number],
      );
      edges.push({ from: a['data-from']!, to: a['data-to']!, index: Number(a['data-index']), points, panel });
    }
    for (const m of text.matchAll(/<g (class="note [^"]*"[^>]*)>(.*?)<\/g>/g)) {
      const a = attributes(m[1]!);
      notes.push({
        for: a['data-for']!,
        rule: a['data-rule']!,
        node: a['data-node']!,
        classes: a['class']!.split(' '),
        text: [...m[2]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => unescape(t[1]!)).join(' '),
        panel,
      });
    }
  });
  const footnotes = [...svg.matchAll(/<text class="footnote"[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1]!));
  return { root, title, panels, boxes, edges, notes, footnotes };
}

export interface DotGraph {
  nodes: Map<string, Record<string, string>>;
  edges: { from: string; to: string }[];
}

/** The node and edge statements of the dot `incc graph --format dot` writes (one statement a line). */
export function parseDot(dot: string): DotGraph {
  const str = String.raw`"((?:[^"\\]|\\.)*)"`;
  const undot = (s: string) => s.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  const nodes = new Map<string, Record<string, string>>();
  const edges: { from: string; to: string }[] = [];
  for (const line of dot.split('\n')) {
    const e = new RegExp(`^\\s*${str} -> ${str};$`).exec(line);
    if (e) {
      edges.push({ from: undot(e[1]!), to: undot(e[2]!) });
      continue;
    }
    const n = new RegExp(`^\\s*${str} \\[(.*)\\];$`).exec(line);
    if (n) {
      const attrs: Record<string, string> = {};
      for (const a of n[2]!.matchAll(new RegExp(`(\\w+)=(?:${str}|([\\w.]+))`, 'g')))
        attrs[a[1]!] = a[2] !== undefined ? undot(a[2]) : a[3]!;
      nodes.set(undot(n[1]!), attrs);
    }
  }
  return { nodes, edges };
}
