/**
 * The messages between the page (main.ts) and the compiler's worker (worker.ts). Positions are 0-based
 * offsets into the editor's text; lines are 1-based, as the compiler's spans.
 */

/** The page's request to compile its text: the answers come in stages (checked, lint, diagram). */
export interface UpdateRequest {
  type: 'update';
  version: number;
  /** The buffer's path in the memory host (`/examples/tiny_inception.incp`, `/playground.incp`). */
  path: string;
  text: string;
  /** The network to summarize and draw (none: the file's first). */
  network?: string;
  /** `NAME=VALUE` pairs, as `--set` takes them. */
  args: string[];
  /** The block instance to draw (none: the whole network). */
  instance?: string;
}

export interface QueryRequest {
  type: 'hover' | 'complete' | 'format';
  id: number;
  path: string;
  text: string;
  offset: number;
}

export type Request = UpdateRequest | QueryRequest;

export interface Problem {
  from: number;
  to: number;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
}

export interface Row {
  name: string;
  op: string;
  shape: string;
  params: number;
  macs: number;
  /** The line in the buffer (the layer's own, or the call that made it), when there is one. */
  line?: number;
  source: string;
}

export interface Checked {
  type: 'checked';
  version: number;
  problems: Problem[];
  networks: string[];
  network?: string;
  rows: Row[];
  totals?: { layers: number; params: number; trainable: number; nonTrainable: number; macs: number; output: string };
  /** The rewrite pass: one entry per application, and the totals before and after. */
  rewrites: {
    rule: string;
    node: string;
    line?: number;
    before: string;
    after: string;
    params: [number, number];
    macs: [number, number];
  }[];
  rewriteTotals?: { params: [number, number]; macs: [number, number] };
  /** Milliseconds spent in the worker (load, build, summary). */
  ms: number;
}

export interface Finding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  line: number;
  column: number;
  from: number;
  to: number;
  node?: string;
}

export interface Linted {
  type: 'lint';
  version: number;
  findings: Finding[];
  /** Why lint found nothing to say (the file does not compile). */
  note?: string;
}

export interface Drawn {
  type: 'diagram';
  version: number;
  svg: string;
  /** The instance drawn, and the instances above it (for the breadcrumb). */
  instance?: string;
  path: string[];
}

export interface Reply {
  type: 'reply';
  id: number;
  result: unknown;
  error?: string;
}

/** The worker is listening (sent once, when it has loaded). */
export interface Ready {
  type: 'ready';
}

export type Response = Checked | Linted | Drawn | Reply | Ready;

export interface HoverResult {
  from: number;
  to: number;
  /** The language service's hover, in Markdown. */
  markdown: string;
}

export interface CompletionResult {
  from: number;
  /** CodeMirror's completions: `apply` is the text inserted when it is not the label. */
  options: { label: string; type: string; detail?: string; info?: string; apply?: string }[];
}

/** A change to the buffer (formatting): replace `from`..`to` by `insert`. */
export interface Edit {
  from: number;
  to: number;
  insert: string;
}
