/**
 * Backend detection of `incc train` (backends/tfjs/train/backend.ts) tells the truth:
 * - a native package that is installed but does not load (here a @tensorflow/tfjs-node-gpu in the current
 *   project whose addon fails as a CUDA-less machine's does) is named with its load error on one line,
 *   before training falls back to another backend;
 * - with tfjs-node installed (.ci/run builds it: scripts/tfjs-node-from-wheel.sh), training picks the
 *   tensorflow backend by itself and prints neither the install advice nor libtensorflow's log lines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { incc, repoRoot } from './helpers/cli.js';
import { tfjsNodeTest } from './helpers/components.js';
import { tempFolder } from './helpers/files.js';

const work = tempFolder('incc-backend-');
const mini = join(repoRoot, 'examples', 'train', 'mini.incp');
const quick = ['--data', 'synthetic:32', '--epochs', '1', '--steps-per-epoch', '1', '--batch-size', '8'];

test('an installed native package that does not load is named with its error, then training falls back', () => {
  const pkg = join(work, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', version: '4.22.0', main: 'index.js' }),
  );
  writeFileSync(
    join(pkg, 'index.js'),
    "throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory\\n    at more');\n",
  );
  const r = incc(['train', mini, ...quick, '--backend', 'auto'], work);
  expect(r.stderr).toContain(
    'incc train: @tensorflow/tfjs-node-gpu is installed but does not load: libcudart.so.11.0: cannot open ' +
      'shared object file: No such file or directory; falling back',
  );
  expect(r.stderr).not.toContain('at more');
  expect(r.stderr).toMatch(/MiniInception on the (tensorflow|wasm|cpu) backend/);
  expect(r.status).toBe(0);
});

tfjsNodeTest('test/train-backend.test.ts')(
  'with tfjs-node installed, training picks the tensorflow backend, quietly',
  () => {
    const r = incc(['train', mini, ...quick]);
    expect(r.stderr).toContain('MiniInception on the tensorflow backend (@tensorflow/tfjs-node)');
    expect(r.stderr).not.toContain('install TensorFlow for Node');
    expect(r.stderr).not.toContain('cpu_feature_guard');
    expect(r.stderr).not.toContain('Hi there');
    expect(r.status).toBe(0);
    const forced = incc(['train', mini, ...quick, '--backend', 'tensorflow']);
    expect(forced.stderr).toContain('on the tensorflow backend');
    expect(forced.status).toBe(0);
  },
);
