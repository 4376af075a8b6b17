/**
 * The project's Python environment (scripts/python-env.sh makes it in .venv/; INCC_PYTHON names another
 * interpreter) for the PyTorch backend's tests. Outside CI a test without it is skipped, saying what to run;
 * with CI=true its absence fails the test (.ci/run makes the environment first).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

export { inCi } from './components.js';
import { inCi } from './components.js';
export const MAKE_ENV = 'scripts/python-env.sh';

function works(python: string, modules: string[]): boolean {
  if (!existsSync(python)) return false;
  const r = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  return r.status === 0;
}

/** The venv's python if it imports torch, safetensors, onnx and onnxruntime. */
export const venvPython: string | undefined = (() => {
  const candidate = process.env['INCC_PYTHON'] ?? join(repoRoot, '.venv', 'bin', 'python');
  return works(candidate, ['torch', 'safetensors', 'onnx', 'onnxruntime']) ? candidate : undefined;
})();

/** The venv's ruff (the formatter and linter of generated Python). */
export const venvRuff: string | undefined =
  venvPython && existsSync(join(venvPython, '..', 'ruff')) ? join(venvPython, '..', 'ruff') : undefined;

/**
 * The venv's python if it has Keras 3 on TensorFlow and h5py: the Keras reference (test/helpers/keras_run.py).
 * Looked up without importing them (importing TensorFlow takes seconds).
 */
export const kerasPython: string | undefined = (() => {
  const candidate = process.env['INCC_PYTHON'] ?? join(repoRoot, '.venv', 'bin', 'python');
  if (!existsSync(candidate)) return undefined;
  const r = spawnSync(
    candidate,
    [
      '-c',
      'import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in sys.argv[1:]))',
      'keras',
      'tensorflow',
      'h5py',
    ],
    { encoding: 'utf8' },
  );
  return r.status === 0 ? candidate : undefined;
})();

/** Debian's system python3 with python3-torch and python3-torchvision: the torchvision reference. */
export const torchvisionPython: string | undefined = (() => {
  const candidate = process.env['INCC_TORCHVISION_PYTHON'] ?? '/usr/bin/python3';
  return works(candidate, ['torch', 'torchvision.models.inception']) ? candidate : undefined;
})();

/**
 * `test` when `available`; else (outside CI) `test.skip` with a message saying what is missing, or (in CI)
 * a test that fails with that message.
 */
export function testWith(available: unknown, what: string): jest.It {
  if (available) return test;
  const message =
    `${what} is missing: run ${MAKE_ENV} (it makes .venv/ with ` +
    `pip${what.includes('torchvision') ? ', and as root installs Debian python3-torchvision' : ''})`;
  if (inCi) {
    return ((name: string) =>
      test(name, () => {
        throw new Error(message);
      })) as unknown as jest.It;
  }
  process.stderr.write(`skipping PyTorch tests: ${message}\n`);
  return test.skip;
}

/** Runs python with args (cwd: the repository root); fails loudly with its output on a non-zero exit. */
export function runPython(
  python: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): SpawnSyncReturns<string> {
  const r = spawnSync(python, args, {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '2', ...options.env },
    timeout: options.timeout ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(
      `${python} ${args.join(' ')} exited ${r.status}${r.signal ? ` (${r.signal})` : ''}:\n${r.stdout}\n${r.stderr}`,
    );
  return r;
}
