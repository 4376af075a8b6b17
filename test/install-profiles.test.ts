/**
 * Installing incc as a user does, from the packed tarball: the light profile (`npm install incc
 * --omit=optional`, no TensorFlow.js) runs check, lint, fmt, graph and ONNX export, and the commands that
 * need TensorFlow.js say which package to install. The sizes of both profiles are printed for the README.
 * Needs the npm registry or npm's cache (`npm ci` fills it; --prefer-offline reads it first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plainEnv, repoRoot } from './helpers/cli.js';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: { ...plainEnv(), ONNXRUNTIME_NODE_INSTALL: 'skip' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

let work: string;
let tarball: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'incc-install-'));
  // dist/ is built by `npm test` before the tests run; pack it as npm publish would, without rebuilding.
  const name = npm(['pack', '--ignore-scripts', '--pack-destination', work], repoRoot).trim().split('\n').at(-1)!;
  tarball = join(work, name);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function install(profile: string, flags: string[]): string {
  const dir = join(work, profile);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `incc-${profile}`, private: true }));
  npm(['install', tarball, ...flags], dir);
  const mb = sizeOf(join(dir, 'node_modules')) / 1e6;
  process.stdout.write(`install profile ${profile}: node_modules ${mb.toFixed(0)} MB\n`);
  return dir;
}

test('the light profile (--omit=optional) checks, lints, formats, draws and exports ONNX without tfjs', () => {
  const dir = install('light', ['--omit=optional']);
  expect(readdirSync(join(dir, 'node_modules')).includes('@tensorflow')).toBe(false);
  // Node looks for packages in every node_modules above the installation too: one there would lend it tfjs.
  expect(resolvedFrom(join(dir, 'node_modules', 'incc'), '@tensorflow/tfjs')).toBeUndefined();
  cpSync(join(repoRoot, 'examples', 'tiny_inception.incp'), join(dir, 'tiny.incp'));
  const incc = (...args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'node_modules', 'incc', 'dist', 'bin', 'incc.js'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: plainEnv(),
    });
  for (const args of [
    ['check', 'tiny.incp'],
    ['summary', 'tiny.incp'],
    ['lint', 'tiny.incp'],
    ['fmt', '--check', 'tiny.incp'],
    ['graph', 'tiny.incp', '--format', 'svg', '--out', 'tiny.svg'],
    ['compile', 'tiny.incp', '--target', 'onnx', '--out', 'tiny.onnx'],
  ]) {
    const r = incc(...args);
    expect([args.join(' '), r.status, r.stderr]).toEqual([args.join(' '), 0, '']);
  }
  expect(statSync(join(dir, 'tiny.onnx')).size).toBeGreaterThan(1000);
  for (const [args, feature] of [
    [['compile', 'tiny.incp', '--target', 'tfjs', '--out', 'tfjs-out'], 'incc compile --target tfjs'],
    [['train', 'tiny.incp', '--data', 'synthetic:8', '--epochs', '1', '--out', 'run'], 'incc train'],
  ] as const) {
    const r = incc(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `incc ${args[0]}: ${feature} needs @tensorflow/tfjs, which this installation of incc leaves out ` +
        '(installed with --omit=optional?): npm install @tensorflow/tfjs\n',
    );
  }
}, 300_000);

test('the full profile installs TensorFlow.js with incc', () => {
  const dir = install('full', []);
  expect(readdirSync(join(dir, 'node_modules', '@tensorflow')).sort()).toEqual(
    expect.arrayContaining(['tfjs', 'tfjs-backend-wasm', 'tfjs-core', 'tfjs-layers']),
  );
}, 300_000);

/** Where `name` resolves from `dir` as Node's module resolution finds it, or undefined if it does not. */
function resolvedFrom(dir: string, name: string): string | undefined {
  try {
    return createRequire(join(dir, 'index.js')).resolve(name);
  } catch {
    return undefined;
  }
}

/**
 * The layout of a file's code lines spoiled (no indentation, spaces tripled); comments (whose text the printer
 * keeps) and strings left as they are.
 */
function spoil(source: string): string {
  let inBlockComment = false;
  return source
    .split('\n')
    .map((line) => {
      const keep = inBlockComment || /\/\/|\/\*|"/.test(line);
      if (line.includes('/*')) inBlockComment = true;
      if (line.includes('*/')) inBlockComment = false;
      return keep ? line : line.trimStart().replace(/ (?=\S)/g, '   ');
    })
    .join('\n');
}

// The plugin is declared for prettier ^3.0.0 (a peer dependency): the oldest and the newest 3.x format every
// stdlib and example file as `incc fmt` does (they are in its canonical form: CI runs `incc fmt --check`), and
// restore that form from a copy with its layout spoiled.
test.each(['3.0.0', '3'])(
  'the Prettier plugin with prettier@%s formats as incc fmt does',
  (version) => {
    const dir = install(`prettier-${version}`, ['--omit=optional', `prettier@${version}`]);
    const installed = execFileSync(
      process.execPath,
      [join(dir, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '-v'],
      {
        encoding: 'utf8',
      },
    ).trim();
    expect(installed.startsWith(version === '3' ? '3.' : version)).toBe(true);
    const files: string[] = [];
    for (const folder of ['stdlib', 'examples'])
      for (const name of readdirSync(join(repoRoot, folder)).filter((n) => n.endsWith('.incp'))) {
        const target = `${folder}-${name}`;
        cpSync(join(repoRoot, folder, name), join(dir, target));
        files.push(target);
      }
    const prettier = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [join(dir, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--plugin', 'incc/prettier', ...args],
        {
          cwd: dir,
          encoding: 'utf8',
          env: plainEnv(),
        },
      );
    const check = prettier('--check', ...files);
    expect([check.status, check.stderr]).toEqual([0, '']);
    const spoiled = files.map((f) => {
      const canonical = readFileSync(join(dir, f), 'utf8');
      writeFileSync(join(dir, f), spoil(canonical));
      return [f, canonical] as const;
    });
    expect(prettier('--check', ...files).status).toBe(1);
    const write = prettier('--write', ...files);
    expect(write.status).toBe(0);
    for (const [f, canonical] of spoiled) expect([f, readFileSync(join(dir, f), 'utf8')]).toEqual([f, canonical]);
  },
  300_000,
);
