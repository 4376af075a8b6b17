/**
 * The training report of `incc report RUN_DIR`: the loss and accuracy curves of a run (metrics.jsonl, one
 * line per epoch; steps.jsonl, a line every N steps) drawn as inline SVG in one self-contained html page
 * (no script, nothing fetched). Loads no tfjs.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  label: string;
  colour: string;
  points: Point[];
}

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number): string => String(Math.round(v * 100) / 100);

/** Ticks at 1, 2 or 5 x 10^k covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** One chart: the series as polylines over shared axes, with a legend; x is the training step. */
/** Marks a report as incc's: `incc report` replaces an existing report only when it carries this. */
export const REPORT_GENERATOR = '<meta name="generator" content="incc report">';

/** Whether a file's first bytes are a report incc wrote. */
export function isTrainingReport(head: Buffer): boolean {
  return head.toString('utf8').includes(REPORT_GENERATOR);
}

export function lineChart(title: string, series: Series[], width = 640, height = 320): string {
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const pad = { left: 56, right: 16, top: 28, bottom: 40 };
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(1, ...xs);
  let y0 = Math.min(...ys, 0);
  let y1 = Math.max(...ys, 1e-9);
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  const sx = (x: number): number => pad.left + ((x - x0) / (x1 - x0)) * (width - pad.left - pad.right);
  const sy = (y: number): number => height - pad.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ` +
      `${width} ${height}" role="img" aria-label="${escape(title)}">`,
    `<text x="${pad.left}" y="18" class="title">${escape(title)}</text>`,
    `<line x1="${pad.left}" y1="${sy(y0)}" x2="${width - pad.right}" y2="${sy(y0)}" class="axis"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" class="axis"/>`,
  ];
  for (const t of ticks(y0, y1))
    parts.push(`<text x="${pad.left - 6}" y="${num(sy(t) + 4)}" class="tick" text-anchor="end">${t}</text>`);
  for (const t of ticks(x0, x1))
    parts.push(`<text x="${num(sx(t))}" y="${height - pad.bottom + 16}" class="tick" text-anchor="middle">${t}</text>`);
  parts.push(
    `<text x="${(pad.left + width - pad.right) / 2}" y="${height - 6}" class="tick" text-anchor="middle">step</text>`,
  );
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.y));
    if (pts.length === 0) return;
    const d = pts.map((p) => `${num(sx(p.x))},${num(sy(p.y))}`).join(' ');
    parts.push(
      `<polyline class="series" data-series="${escape(s.label)}" fill="none" stroke="${s.colour}" ` +
        `stroke-width="1.5" points="${d}"/>`,
    );
    if (pts.length === 1)
      parts.push(`<circle cx="${num(sx(pts[0]!.x))}" cy="${num(sy(pts[0]!.y))}" r="3" fill="${s.colour}"/>`);
    const ly = pad.top + 4 + i * 16;
    parts.push(
      `<line x1="${width - pad.right - 150}" y1="${ly}" x2="${width - pad.right - 130}" y2="${ly}" ` +
        `stroke="${s.colour}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${width - pad.right - 124}" y="${ly + 4}" class="tick">${escape(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

interface EpochLine {
  epoch: number;
  step: number;
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
}
interface StepLine {
  step: number;
  loss: number;
  accuracy: number;
}

/** A metric's points against the step, where it was recorded. */
const pointsOf = <T extends { step: number }>(rows: T[], y: (r: T) => number | null | undefined): Point[] =>
  rows.flatMap((r) => {
    const v = y(r);
    return typeof v === 'number' ? [{ x: r.step, y: v }] : [];
  });

/** The html page: a loss chart and an accuracy chart (per step where recorded, per epoch, validation). */
export function trainingReport(title: string, epochs: EpochLine[], steps: StepLine[]): string {
  /** One metric's chart: per step where recorded, per epoch, and on the validation split. */
  const chart = (title: string, metric: 'loss' | 'accuracy') =>
    lineChart(title, [
      { label: 'training (steps)', colour: '#9ab', points: pointsOf(steps, (r) => r[metric]) },
      { label: 'training (epochs)', colour: '#1f77b4', points: pointsOf(epochs, (r) => r[metric]) },
      { label: 'validation', colour: '#d62728', points: pointsOf(epochs, (r) => r[`val_${metric}`]) },
    ]);
  const loss = chart('Loss', 'loss');
  const accuracy = chart('Accuracy', 'accuracy');
  const last = epochs[epochs.length - 1];
  const summary = last
    ? `${epochs.length} epoch${epochs.length === 1 ? '' : 's'}, step ${last.step}: loss ` +
      `${last.loss.toFixed(4)}, accuracy ${last.accuracy.toFixed(3)}` +
      (last.val_accuracy !== null ? `, validation accuracy ${last.val_accuracy.toFixed(3)}` : '')
    : 'no epoch finished yet';
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8">${REPORT_GENERATOR}`,
    `<title>${escape(title)}</title>`,
    '<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}.chart{display:block;margin:12px 0}' +
      '.title{font-weight:600}.tick{font-size:11px;fill:#555}.axis{stroke:#888}</style>',
    '</head><body>',
    `<h1>${escape(title)}</h1>`,
    `<p>${escape(summary)}</p>`,
    loss,
    accuracy,
    '</body></html>',
    '',
  ].join('\n');
}
