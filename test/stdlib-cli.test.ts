/**
 * Every stdlib file passes `incc check`, and `incc summary --json` works for every network in it
 * (run through the built CLI, dist/cli/incc.js, as a user would).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { networksOf } from '../compiler/ir/elaborate.js';
import { loadProgram } from '../compiler/program/node-host.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'incc.js');
const stdlib = join(root, 'stdlib');

/** Every stdlib file, and the networks it declares (read by the loader, so a new file is covered too). */
const files = readdirSync(stdlib)
  .filter((f) => f.endsWith('.incp'))
  .sort();
const networks = files.flatMap((file) =>
  networksOf(loadProgram(join(stdlib, file))).map((n) => [file, n.name.name] as [string, string]),
);

function incc(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
}

describe('stdlib through the CLI', () => {
  beforeAll(() => {
    if (!existsSync(cli)) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root });
  });

  test('the networks of this issue are all there', () => {
    expect(networks).toEqual(
      expect.arrayContaining([
        ['googlenet.incp', 'GoogLeNet'],
        ['inception_v2.incp', 'InceptionV2'],
        ['inception_v3.incp', 'InceptionV3'],
        ['lowres.incp', 'InceptionV3Res151'],
        ['lowres.incp', 'InceptionV3Res79'],
      ]),
    );
  });

  test.each(files)('incc check std/%s', (file) => {
    const r = incc('check', join(stdlib, file));
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  test.each(networks)('incc summary std/%s --network %s --json', (file, network) => {
    const r = incc('summary', join(stdlib, file), '--network', network, '--json');
    expect([r.status, r.stderr]).toEqual([0, '']);
    const s = JSON.parse(r.stdout) as {
      network: string;
      output: number[];
      params: { total: number };
      nodes: unknown[];
    };
    expect(s.network).toBe(network);
    expect(s.output.length).toBeGreaterThan(0);
    expect(s.nodes.length).toBeGreaterThan(1);
    expect(s.params.total).toBeGreaterThan(0);
  });

  test('--set reaches the stdlib networks (GoogLeNet as torchvision builds it)', () => {
    const r = incc(
      'summary',
      join(stdlib, 'googlenet.incp'),
      '--set',
      'batch_norm=true',
      '--set',
      'bn_scale=true',
      '--set',
      'b5_kernel=3',
      '--json',
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).params.trainable).toBe(6_624_904);
  });
});
