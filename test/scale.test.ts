/**
 * Every command at the node limit (issue 15, section 3): a chain of 50,000 layers (the deepest graph) and a
 * module of 16,666 three-layer branches joined by one concat (the widest), each run through check, summary,
 * lint, fmt, rewrite with a rule that matches every layer, graph in every format, and compile to tfjs and
 * ONNX. Each used to overflow the stack (tfjs's model class, ELK's layout), take minutes (the rewrite pass,
 * dot and mermaid) or run out of memory. Only success and hand-counted sizes are checked, never time
 * (bench/scale.mjs measures that). Also: the node limit after rewriting, and a target refusing weights it
 * cannot hold.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_NODES } from '../compiler/ir/elaborate.js';
import { cliPath, plainEnv } from './helpers/cli.js';
import { chainNetwork, wideNetwork, WIDE_DEPTH } from './helpers/scale.js';

const dir = mkdtempSync(join(tmpdir(), 'incc-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function incc(args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: plainEnv(),
    maxBuffer: 1 << 30,
  });
}

function ok(args: string[]): string {
  const r = incc(args);
  if (r.status !== 0) throw new Error(`incc ${args.join(' ')} exited ${r.status}\n${r.stderr.slice(0, 2000)}`);
  return r.stdout;
}

const count = (text: string, s: string) => text.split(s).length - 1;
const branches = Math.floor((MAX_NODES - 2) / WIDE_DEPTH);

// Hand counts. Chain: the input and 49,999 convolutions, one after another: 49,999 arrows. Wide: the input,
// 16,666 branches of 3 convolutions (49,998) and the concat; each branch has 4 arrows (from the input,
// between its 3 layers, into the concat).
const cases = [
  { name: 'chain', file: 'chain.incp', text: chainNetwork(MAX_NODES), convs: MAX_NODES - 1, edges: MAX_NODES - 1 },
  {
    name: 'wide',
    file: 'wide.incp',
    text: wideNetwork(MAX_NODES),
    convs: branches * WIDE_DEPTH,
    edges: branches * (WIDE_DEPTH + 1),
  },
];

describe.each(cases)('$name network at the node limit', ({ file, text, convs, edges }) => {
  beforeAll(() => writeFileSync(join(dir, file), text));

  test('the network has exactly the limit of nodes', () => {
    expect(1 + convs + (edges === convs ? 0 : 1)).toBe(MAX_NODES);
  });

  test('check, summary, lint and fmt --check succeed', () => {
    ok(['check', file]);
    const summary = ok(['summary', file]);
    // Each convolution: a 1x1 kernel over 1 channel and a bias, 2 parameters.
    expect(summary).toContain(`Total params: ${(2 * convs).toLocaleString('en-US')}`);
    ok(['lint', file]);
    ok(['fmt', file, '--check']);
  }, 600_000);

  test('rewrite with a rule that matches every convolution', () => {
    const explained = ok(['rewrite', file, '--explain', '--rules', 'same']);
    expect(explained).toContain(`Total: ${convs} applications`);
  }, 600_000);

  test.each(['svg', 'dot', 'mermaid', 'html'])(
    'graph --format %s',
    (format) => {
      const out = `${file}.${format}`;
      ok(['graph', file, '--format', format, '--out', out]);
      const drawn = readFileSync(join(dir, out), 'utf8');
      if (format === 'svg') {
        expect(count(drawn, 'data-node="')).toBe(MAX_NODES);
        expect(count(drawn, '<path class="edge"')).toBe(edges);
      }
      if (format === 'dot') expect(count(drawn, '" -> "')).toBe(edges);
      if (format === 'mermaid') expect(count(drawn, ' --> ')).toBe(edges);
    },
    600_000,
  );

  test('compile --target tfjs and --target onnx', () => {
    const tfjs = ok(['compile', file, '--target', 'tfjs', '--out', `${file}.tfjs`]);
    // One tfjs layer per node: convolutions without batch norm keep their activation inside.
    expect(tfjs).toContain(`${MAX_NODES} tfjs layers, ${(2 * convs).toLocaleString('en-US')} parameters`);
    const json = JSON.parse(readFileSync(join(dir, `${file}.tfjs`, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: unknown[] } };
    };
    expect(json.modelTopology.config.layers).toHaveLength(MAX_NODES);
    ok(['compile', file, '--target', 'onnx', '--out', `${file}.onnx`]);
    expect(existsSync(join(dir, `${file}.onnx`))).toBe(true);
  }, 600_000);
});

describe('limits that used to run for minutes or crash', () => {
  test('a rule that doubles every layer stops at the node limit: rewrite-too-large at the --rules', () => {
    // 30,000 convolutions, each made two: 60,001 nodes, over the limit.
    const text = chainNetwork(30_001).replace(
      'replace conv 1x1 filters',
      'replace conv 1x1 filters -> conv 1x1 filters',
    );
    writeFileSync(join(dir, 'double.incp'), text);
    const r = incc(['rewrite', 'double.incp', '--explain', '--rules', 'same']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `error rewrite-too-large: applying rule same would make the network larger than ${MAX_NODES} nodes`,
    );
  }, 600_000);

  test('weights a tfjs model cannot hold: weights-too-large with the size, nothing written', () => {
    // dense 3,000,000 on 3,000,000 inputs: 3e6 * 3e6 + 3e6 weights of 4 bytes = 36,000,012,000,000 bytes,
    // / 2^40 = 32.74 TiB; it used to end in `internal error: Invalid typed array length`.
    writeFileSync(join(dir, 'huge.incp'), 'network Huge {\n  input 1x1x3000000\n  flatten\n  big: dense 3000000\n}\n');
    const r = incc(['compile', 'huge.incp', '--target', 'tfjs', '--out', 'huge']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'huge.incp:1:1: error weights-too-large: network Huge has 32.74 TiB of weights, more than the 2 GiB a ' +
        'tfjs model can hold',
    );
    expect(r.stderr).toContain('the largest layer, big, holds 32.74 TiB');
    expect(existsSync(join(dir, 'huge'))).toBe(false);
  }, 600_000);
});
