/**
 * The playground page: a CodeMirror editor for `.incp` and, updated as one types, the diagnostics, the
 * summary, the lint findings, the rewrites and the diagram, all computed by the compiler in a Web Worker
 * (worker.ts). The state lives in the URL fragment (share.ts).
 */
import files from 'incc-playground:files';
import { EditorState } from '@codemirror/state';
import {
  EditorView,
  crosshairCursor,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  hoverTooltip,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  StreamLanguage,
  syntaxHighlighting,
} from '@codemirror/language';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import { builtinLayerNames } from '../compiler/syntax/layer-names.js';
import { incpParser } from './language.js';
import { renderMarkdown } from './markdown.js';
import { menuEntries, type MenuEntry } from './menu.js';
import { decodeState, encodeState } from './share.js';
import { Zoom } from './zoom.js';
import type {
  Checked,
  CompletionResult,
  Drawn,
  Edit,
  HoverResult,
  Linted,
  QueryRequest,
  Response,
  UpdateRequest,
} from './protocol.js';

declare const INCC_KEYWORDS: string[];

const sources = new Map<string, string>(Object.entries(files as Record<string, string>));
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const group = (n: number) => n.toLocaleString('en-US');

// ---------------------------------------------------------------- the worker

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.addEventListener('error', (e) => {
  console.error(`playground worker: ${e.message}`);
  status(`the compiler failed to start: ${e.message}`);
});
let markReady: () => void;
const ready = new Promise<void>((resolve) => (markReady = resolve));
/** Sends to the worker once it is listening. */
function send(message: UpdateRequest | QueryRequest): void {
  void ready.then(() => worker.postMessage(message));
}
let nextId = 1;
const replies = new Map<number, (r: unknown) => void>();

function ask<T>(type: QueryRequest['type'], offset = 0): Promise<T | null> {
  const id = nextId++;
  const req: QueryRequest = { type, id, path: current.file, text: view.state.doc.toString(), offset };
  send(req);
  return new Promise((resolve) => replies.set(id, (r) => resolve(r as T | null)));
}

// ---------------------------------------------------------------- state

interface Current {
  file: string;
  network?: string;
  args: string[];
  instance?: string;
}
const current: Current = { file: '/playground.incp', args: [] };
let version = 0;
/** When each version's edit happened (performance.now()), for the keystroke-to-summary time. */
const editedAt = new Map<number, number>();
const timings: number[] = [];
/** The compiler's share of each (the worker's time for load, build, lint and summary). */
const compilerMs: number[] = [];
let lastSvg = '';
let lastChecked: Checked | undefined;

function update(): void {
  version++;
  editedAt.set(version, performance.now());
  const req: UpdateRequest = {
    type: 'update',
    version,
    path: current.file,
    text: view.state.doc.toString(),
    args: current.args,
    ...(current.network ? { network: current.network } : {}),
    ...(current.instance ? { instance: current.instance } : {}),
  };
  send(req);
  scheduleShare();
}

let shareTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleShare(): void {
  clearTimeout(shareTimer);
  shareTimer = setTimeout(() => void writeFragment(), 300);
}

async function writeFragment(): Promise<void> {
  const fragment = await encodeState({
    file: current.file,
    args: current.args,
    text: view.state.doc.toString(),
    ...(current.network ? { network: current.network } : {}),
  });
  window.history.replaceState(null, '', `#${fragment}`);
}

// ---------------------------------------------------------------- the editor

const keywords = new Set(INCC_KEYWORDS);
const incp = StreamLanguage.define(incpParser(keywords, new Set(builtinLayerNames)));

/** Colours with a contrast of at least 4.5:1 on the editor's white (WCAG AA). */
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#8a1a8a', fontWeight: 'bold' },
  { tag: tags.comment, color: '#4f6b35', fontStyle: 'italic' },
  { tag: tags.string, color: '#a3390f' },
  { tag: tags.number, color: '#0b5c8a' },
  { tag: tags.typeName, color: '#0f6b60', fontWeight: 'bold' },
  { tag: tags.variableName, color: '#1f2328' },
  { tag: tags.operator, color: '#6e3b00' },
  { tag: tags.punctuation, color: '#4a4f55' },
  { tag: tags.invalid, color: '#b4000f', textDecoration: 'underline' },
]);

const hover = hoverTooltip(async (_view, pos) => {
  const r = await ask<HoverResult>('hover', pos);
  if (!r) return null;
  return {
    pos: r.from,
    end: r.to,
    above: true,
    create() {
      const dom = renderMarkdown(r.markdown);
      dom.classList.add('hover');
      return { dom };
    },
  };
});

const completion = autocompletion({
  override: [
    async (ctx) => {
      const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
      if (!word && !ctx.explicit) return null;
      const r = await ask<CompletionResult>('complete', ctx.pos);
      if (!r) return null;
      const options = r.options.map((o) => {
        const { info, ...rest } = o;
        return info ? { ...rest, info: () => renderMarkdown(info) } : rest;
      });
      return { from: r.from, options, validFor: /^[A-Za-z_0-9]*=?$/ };
    },
  ],
});

async function formatBuffer(): Promise<boolean> {
  const edits = await ask<Edit[]>('format');
  if (!edits) {
    status('format: the file has syntax errors; fix them first');
    return true;
  }
  if (edits.length > 0) view.dispatch({ changes: edits });
  status(edits.length > 0 ? 'formatted' : 'already formatted');
  return true;
}

const view = new EditorView({
  parent: $('editor'),
  state: EditorState.create({
    doc: '',
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      dropCursor(),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      rectangularSelection(),
      crosshairCursor(),
      highlightActiveLine(),
      incp,
      syntaxHighlighting(highlight),
      lintGutter(),
      hover,
      completion,
      keymap.of([
        { key: 'Shift-Alt-f', run: () => (void formatBuffer(), true) },
        { key: 'Mod-s', run: () => (void formatBuffer(), true) },
        ...closeBracketsKeymap,
        ...defaultKeymap,
        ...historyKeymap,
        ...completionKeymap,
        // No Tab binding: Tab moves the focus to the next panel, as everywhere on the page.
      ]),
      EditorView.contentAttributes.of({ 'aria-label': '.incp source' }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) update();
        if (u.selectionSet || u.docChanged) showCursor();
      }),
    ],
  }),
});

function showCursor(): void {
  const head = view.state.selection.main.head;
  const line = view.state.doc.lineAt(head);
  $('cursor').textContent = `Ln ${line.number}, Col ${head - line.from + 1}`;
}

function status(text: string): void {
  $('status').textContent = text;
}

/** Puts the cursor at the start of `line` (or at `offset`) and the focus in the editor. */
function jumpTo(line: number, offset?: number): void {
  const doc = view.state.doc;
  const at = offset ?? doc.line(Math.max(1, Math.min(line, doc.lines))).from;
  view.dispatch({ selection: { anchor: Math.min(at, doc.length) }, scrollIntoView: true });
  view.focus();
}

/** A link to `line` (to `offset` in it, when given) that reads `text`; the text alone when there is no line. */
function lineButton(line: number | undefined, text: string, offset?: number): HTMLElement {
  if (line === undefined) {
    const span = document.createElement('span');
    span.textContent = text;
    return span;
  }
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'link';
  b.textContent = text;
  b.addEventListener('click', () => jumpTo(line, offset));
  return b;
}

/**
 * Fills a list of messages (`problems`, `findings`) and its count (`ID-count`): an item a message, of its severity's
 * class, with its line and `data` as data attributes, then the link to its line and its text that `show` gives.
 */
function showMessages<M extends { severity: string; line: number }>(
  id: 'problems' | 'findings',
  messages: readonly M[],
  show: (m: M) => { data: Record<string, string>; link: HTMLElement; text: string },
): void {
  $(id).replaceChildren(
    ...messages.map((m) => {
      const { data, link, text } = show(m);
      const li = document.createElement('li');
      li.className = `sev-${m.severity}`;
      Object.assign(li.dataset, data, { line: String(m.line) });
      li.append(link, text);
      return li;
    }),
  );
  $(`${id}-count`).textContent = messages.length === 0 ? 'none' : String(messages.length);
}

// ---------------------------------------------------------------- results

function showChecked(c: Checked): void {
  lastChecked = c;
  const diagnostics: Diagnostic[] = c.problems.map((p) => ({
    from: Math.min(p.from, view.state.doc.length),
    to: Math.min(Math.max(p.to, p.from), view.state.doc.length),
    severity: p.severity,
    source: p.code,
    message: p.message,
  }));
  view.dispatch(setDiagnostics(view.state, diagnostics));

  showMessages('problems', c.problems, (p) => ({
    data: { code: p.code },
    link: lineButton(p.line, `line ${p.line}:${p.column}`),
    text: ` ${p.severity} ${p.code}: ${p.message}`,
  }));

  const select = $<HTMLSelectElement>('network');
  select.replaceChildren(
    ...c.networks.map((n) => {
      const o = document.createElement('option');
      o.value = n;
      o.textContent = n;
      o.selected = n === c.network;
      return o;
    }),
  );
  select.disabled = c.networks.length < 2;

  const totals = $('totals');
  if (c.totals) {
    const t = c.totals;
    totals.innerHTML = '';
    totals.append(
      `${c.network}: ${group(t.layers)} layers, output ${t.output}; `,
      strong(group(t.params), 'params'),
      ' parameters (trainable ',
      group(t.trainable),
      '), ',
      strong(group(t.macs), 'macs'),
      ' multiply-adds',
    );
  } else {
    totals.textContent = c.networks.length === 0 ? 'This file declares no network.' : 'The network does not build.';
  }
  const body = $('summary-rows');
  const rows = c.rows.slice(0, 2000).map((r) => {
    const tr = document.createElement('tr');
    tr.dataset['node'] = r.name;
    for (const [text, cls] of [
      [r.name, ''],
      [r.op, ''],
      [r.shape, 'num'],
      [group(r.params), 'num'],
      [group(r.macs), 'num'],
    ] as const) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    const td = document.createElement('td');
    td.append(lineButton(r.line, r.line !== undefined ? String(r.line) : r.source));
    tr.append(td);
    return tr;
  });
  body.replaceChildren(...rows);

  const rewrites = $('rewrites');
  rewrites.replaceChildren();
  if (c.rewrites.length === 0) {
    const p = document.createElement('p');
    p.textContent = 'No rule applied (add `apply RULE` to a network, with `import { RULE } from "std/rules"`).';
    rewrites.append(p);
  } else {
    const ol = document.createElement('ol');
    for (const r of c.rewrites) {
      const li = document.createElement('li');
      li.append(
        lineButton(r.line, `${r.rule} at ${r.node}`),
        `: ${r.before} \u2192 ${r.after}; params ${saving(r.params)}, mult-adds ${saving(r.macs)}`,
      );
      ol.append(li);
    }
    rewrites.append(ol);
  }
  if (c.rewriteTotals) {
    const p = document.createElement('p');
    p.className = 'rewrite-totals';
    p.textContent =
      `Network before and after the rules: params ${saving(c.rewriteTotals.params)}, mult-adds ` +
      `${saving(c.rewriteTotals.macs)}`;
    rewrites.append(p);
  }

  const at = editedAt.get(c.version);
  if (at !== undefined) {
    const ms = performance.now() - at;
    timings.push(ms);
    compilerMs.push(c.ms);
    editedAt.delete(c.version);
    $('timing').textContent = `updated in ${Math.round(ms)} ms (compiler ${Math.round(c.ms)} ms)`;
  }
}

function strong(text: string, name: string): HTMLElement {
  const s = document.createElement('strong');
  s.textContent = text;
  s.dataset['total'] = name;
  return s;
}

function saving([before, after]: [number, number]): string {
  if (before === 0) return `${group(before)} \u2192 ${group(after)}`;
  const pct = ((before - after) / before) * 100;
  return `${group(before)} \u2192 ${group(after)} (${pct >= 0 ? 'saves' : 'adds'} ${Math.abs(pct).toFixed(1)}%)`;
}

function showLint(l: Linted): void {
  showMessages('findings', l.findings, (f) => ({
    data: { rule: f.rule },
    link: lineButton(f.line, `line ${f.line}`, f.from),
    text: ` ${f.severity} ${f.rule}: ${f.message}`,
  }));
  $('lint-note').textContent = l.note ?? '';
}

const zoom = new Zoom($('diagram'), $('diagram-canvas'));
$('zoom-in').addEventListener('click', () => zoom.zoomBy(1.25));
$('zoom-out').addEventListener('click', () => zoom.zoomBy(0.8));
$('zoom-fit').addEventListener('click', () => zoom.reset());

function showDiagram(d: Drawn): void {
  const canvas = $('diagram-canvas');
  if (!d.svg) {
    canvas.textContent = `The diagram could not be drawn (${d.instance ?? ''})`;
    return;
  }
  const sameScope = lastSvg !== '' && canvas.dataset['scope'] === (d.instance ?? '');
  canvas.innerHTML = d.svg;
  canvas.dataset['scope'] = d.instance ?? '';
  lastSvg = d.svg;
  if (!sameScope) zoom.reset();
  for (const g of Array.from(canvas.querySelectorAll<SVGGElement>('.node.block'))) {
    const instance = g.getAttribute('data-instance')!;
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.setAttribute('aria-label', `open ${instance} (${g.getAttribute('data-block')})`);
    const open = () => openInstance(instance);
    g.addEventListener('click', open);
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
  }
  const crumbs = $('crumbs');
  crumbs.replaceChildren();
  const items: { label: string; instance?: string }[] = [{ label: lastChecked?.network ?? 'network' }];
  for (const p of d.path) items.push({ label: p, instance: p });
  items.forEach((item, i) => {
    if (i > 0) crumbs.append(' / ');
    if (i === items.length - 1) {
      const s = document.createElement('span');
      s.textContent = item.label;
      s.setAttribute('aria-current', 'true');
      crumbs.append(s);
    } else {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'link';
      b.textContent = item.label;
      b.addEventListener('click', () => openInstance(item.instance));
      crumbs.append(b);
    }
  });
}

function openInstance(instance: string | undefined): void {
  if (instance) current.instance = instance;
  else delete current.instance;
  update();
}

worker.addEventListener('message', (e: MessageEvent<Response>) => {
  const m = e.data;
  if (m.type === 'ready') {
    markReady();
    return;
  }
  if (m.type === 'reply') {
    replies.get(m.id)?.(m.result);
    replies.delete(m.id);
    return;
  }
  if (m.version !== version) return;
  if (m.type === 'checked') showChecked(m);
  else if (m.type === 'lint') showLint(m);
  else showDiagram(m);
});

// ---------------------------------------------------------------- menu, toolbar, downloads

const entries = menuEntries(sources);
const menu = $<HTMLSelectElement>('menu');
{
  const groups = new Map<string, HTMLOptGroupElement>();
  const placeholder = document.createElement('option');
  placeholder.value = '';
  placeholder.textContent = 'Open an example\u2026';
  menu.append(placeholder);
  entries.forEach((entry, i) => {
    let g = groups.get(entry.group);
    if (!g) {
      g = document.createElement('optgroup');
      g.label = entry.group;
      groups.set(entry.group, g);
      menu.append(g);
    }
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = entry.label;
    g.append(o);
  });
}

function open(entry: MenuEntry): void {
  current.file = entry.file;
  current.args = entry.args ?? [];
  if (entry.network) current.network = entry.network;
  else delete current.network;
  delete current.instance;
  $<HTMLInputElement>('args').value = current.args.join(' ');
  $('file').textContent = displayName(entry.file);
  setText(entry.text ?? sources.get(entry.file) ?? '');
}

function setText(text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 } });
  update();
}

const displayName = (path: string) =>
  path.startsWith('/stdlib/') ? `std/${path.slice('/stdlib/'.length)}` : path.slice(1);

menu.addEventListener('change', () => {
  const entry = entries[Number(menu.value)];
  if (menu.value !== '' && entry) open(entry);
  // The menu is an action: back to its prompt, so that choosing the same entry again reopens it.
  menu.value = '';
});

$<HTMLSelectElement>('network').addEventListener('change', (e) => {
  current.network = (e.target as HTMLSelectElement).value;
  delete current.instance;
  update();
});

$<HTMLInputElement>('args').addEventListener('change', (e) => {
  current.args = (e.target as HTMLInputElement).value.split(/\s+/).filter((s) => s !== '');
  update();
});

$('format').addEventListener('click', () => void formatBuffer());

function download(name: string, type: string, text: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

const baseName = () => current.file.slice(current.file.lastIndexOf('/') + 1);

$('download-incp').addEventListener('click', () =>
  download(baseName(), 'text/plain;charset=utf-8', view.state.doc.toString()),
);
$('download-svg').addEventListener('click', () => {
  if (lastSvg)
    download(
      baseName().replace(/\.incp$/, `${current.instance ? `-${current.instance}` : ''}.svg`),
      'image/svg+xml',
      lastSvg,
    );
});
$('share').addEventListener('click', () => {
  void writeFragment().then(async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      status('link copied');
    } catch {
      status('the link is in the address bar');
    }
  });
});

// ---------------------------------------------------------------- start

async function start(): Promise<void> {
  const shared = await decodeState(location.hash.slice(1));
  if (shared) {
    current.file = shared.file;
    current.args = shared.args;
    if (shared.network) current.network = shared.network;
    $<HTMLInputElement>('args').value = current.args.join(' ');
    $('file').textContent = displayName(shared.file);
    setText(shared.text ?? sources.get(shared.file) ?? '');
  } else {
    open(entries.find((e) => e.file === '/examples/tiny_inception.incp') ?? entries[0]!);
  }
  showCursor();
}

void start();

/** For tests and the curious: the editor, the keystroke-to-summary times and the compiler's share (ms). */
(window as unknown as { inccPlayground: unknown }).inccPlayground = { view, timings, compilerMs, jumpTo };
