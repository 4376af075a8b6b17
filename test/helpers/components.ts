/**
 * Tests that need a component .ci/run installs (tfjs-node built from the TensorFlow wheel, Debian's
 * Chromium): with CI=true a missing component fails the test (CI must run it); elsewhere the tests are
 * skipped with a line saying what to install.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

export const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

/**
 * `test` when the component is there; otherwise `test.skip` after printing how to install it, or with
 * CI=true a test that fails saying the component is missing.
 */
export function testWith(component: string, available: boolean, install: string, file: string): jest.It {
  if (available) return test;
  if (inCi) {
    const failing = ((name: string) =>
      test(name, () => {
        throw new Error(`${component} is missing, and CI=true runs every test: ${install}`);
      })) as unknown as jest.It;
    return failing;
  }
  process.stderr.write(`${file}: ${component} is missing, so these tests are skipped (${install})\n`);
  return test.skip;
}

/** Whether @tensorflow/tfjs-node resolves and its native addon loads (in a child: a crash stays there). */
export function tfjsNodeLoads(): { ok: boolean; error?: string } {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('@tensorflow/tfjs-node');
  } catch {
    return { ok: false, error: 'not installed' };
  }
  const binding = main.replace(/dist[\\/]index\.js$/, '');
  // node-pre-gyp puts the addon at lib/napi-v<N>/tfjs_binding.node.
  const built = ['8', '9', '7', '6', '5', '4', '3'].some((v) =>
    existsSync(`${binding}lib/napi-v${v}/tfjs_binding.node`),
  );
  return built ? { ok: true } : { ok: false, error: 'installed, but its native addon is not built' };
}

export const TFJS_NODE_INSTALL =
  'install it with scripts/tfjs-node-from-wheel.sh, or npm install @tensorflow/tfjs-node';

/** `test` for tests that need @tensorflow/tfjs-node (testWith, for the test file `file`). */
export const tfjsNodeTest = (file: string): jest.It =>
  testWith('@tensorflow/tfjs-node', tfjsNodeLoads().ok, TFJS_NODE_INSTALL, file);
