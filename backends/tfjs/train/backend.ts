/**
 * Which tfjs backend trains: @tensorflow/tfjs-node-gpu (CUDA) when installed, else @tensorflow/tfjs-node
 * (libtensorflow on the CPU), else the pure-JS wasm backend (or `cpu`) with the filter-gradient kernels of
 * kernels.ts. The native packages download libtensorflow in their install script, so incc never depends
 * on them: users install them next to incc (README, "Training": `npm install @tensorflow/tfjs-node`, or
 * scripts/tfjs-node-from-wheel.sh where that download is blocked).
 *
 * Telling the truth: a native package that is installed but does not load (no addon built, a missing
 * libtensorflow, a CUDA mismatch) is reported with its load error, on one line, before falling back;
 * `--backend tensorflow` fails with the reasons when neither loads.
 *
 * Pure JS: `wasm` (@tensorflow/tfjs-backend-wasm, XNNPACK convolutions) with the composed filter-gradient
 * kernel of kernels.ts, else `cpu` with the flat-array one. Measured with bench/train.mjs on the CI network
 * (examples/train/mini.incp, batch 32, a shared 2-core machine): a training step took 0.91 s on wasm and
 * 10.7 s on cpu (with the fast filter gradient; tfjs's cpu backend is also slow at the concat gradient
 * SplitV, the broadcasting element-wise ops of batch norm and the pooling gradients). `--backend cpu` (or
 * wasm) picks one.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { ImageDecoder } from '../../common/data.js';
import { registerFastKernels } from './kernels.js';
import type { SummaryWriter } from './metrics.js';
import { importModule } from '../../common/import-module.js';

export type BackendChoice = 'auto' | 'tensorflow' | 'cpu' | 'wasm';

export interface SelectedBackend {
  /** The tfjs backend name: tensorflow, cpu, wasm. */
  name: string;
  /** The package that provides it. */
  package: string;
  gpu: boolean;
  /** Advice printed when a faster one could be installed. */
  advice?: string;
  /** Native packages that are installed but did not load, each with its load error on one line. */
  failures: string[];
  /** tfjs-node's native image decoder (libtensorflow's), on the tensorflow backend. */
  decodeImage?: ImageDecoder;
  /** tfjs-node's TensorBoard event-file writer, on the tensorflow backend. */
  summaryFileWriter?: (dir: string) => SummaryWriter;
}

interface NativeModule {
  node?: {
    decodeImage(contents: Uint8Array, channels?: number, dtype?: 'int32', expandAnimations?: boolean): tf.Tensor;
    summaryFileWriter?(dir: string): SummaryWriter;
  };
}

/** An ImageDecoder over tfjs-node's decodeImage (PNG, JPEG, BMP, GIF; the file's own channel count). */
function nativeDecoder(mod: NativeModule): ImageDecoder | undefined {
  const decode = mod.node?.decodeImage;
  if (typeof decode !== 'function') return undefined;
  return (_path, buf) => {
    const t = tf.tidy(() => decode(buf, 0, 'int32', false));
    try {
      const [height, width, stride] = t.shape as [number, number, number];
      return { width, height, data: Uint8Array.from(t.dataSync()), stride, channels: stride <= 2 ? 1 : 3 };
    } finally {
      t.dispose();
    }
  };
}

/** A backend that was asked for (`--backend tensorflow`, `--backend wasm`) and is not available. */
export class BackendError extends Error {}

export const INSTALL_ADVICE = [
  'faster training: install TensorFlow for Node next to incc, which downloads libtensorflow (about 100-400 MB):',
  '  npm install @tensorflow/tfjs-node        # CPU, with libtensorflow',
  '  npm install @tensorflow/tfjs-node-gpu    # NVIDIA GPU (CUDA 11.2, cuDNN 8.1)',
  '  where that download is blocked: scripts/tfjs-node-from-wheel.sh (in the incc package) builds tfjs-node',
  '  against the libtensorflow of the tensorflow-cpu Python wheel; or TFJS_NODE_BASE_URI=<mirror> npm install ...',
].join('\n');

const NATIVE = [
  ['@tensorflow/tfjs-node-gpu', true],
  ['@tensorflow/tfjs-node', false],
] as const;

/** Where a package is installed, next to incc or in the current project (the file Node would load), or null. */
function installed(name: string): string | null {
  for (const base of [import.meta.url, `${process.cwd()}/`]) {
    try {
      return createRequire(base).resolve(name);
    } catch {
      // not there
    }
  }
  return null;
}

/** The first line of an error, without the stack. */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? 'unknown error'
  );
}

/**
 * Imports a native tfjs package and switches to its `tensorflow` backend: the module when it works, the reason
 * when it does not. libtensorflow's informational log lines are turned off unless TF_CPP_MIN_LOG_LEVEL is set.
 */
async function loadNative(path: string): Promise<string | NativeModule> {
  process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
  let mod: NativeModule;
  try {
    mod = await importModule<NativeModule>(pathToFileURL(path).href);
  } catch (e) {
    return oneLine(e);
  }
  try {
    if (!tf.findBackend('tensorflow'))
      return 'it loaded but registered no tensorflow backend (a second copy of @tensorflow/tfjs?)';
    if (!(await tf.setBackend('tensorflow'))) return 'its tensorflow backend did not start';
  } catch (e) {
    return oneLine(e);
  }
  return mod;
}

/** Silences tfjs's "looks like you are running TensorFlow.js in Node.js" banner (incc prints its own advice). */
function quietCpu(): void {
  const be = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (be) be.firstUse = false;
}

/**
 * Emscripten's runtime in tfjs-backend-wasm prints `Aborted()` (its printErr: console.warn, bound when the
 * backend starts) before it throws when the wasm heap runs out; incc reports that error itself (fit.ts), so
 * that line is dropped. Every other warning passes. Installed once, before the wasm backend starts.
 */
function dropWasmAbortLine(): void {
  const warn = console.warn as typeof console.warn & { incc?: true };
  if (warn.incc) return;
  const filtered = Object.assign(
    (...args: unknown[]): void => {
      if (args.length === 1 && typeof args[0] === 'string' && /^Aborted\(.*\)$/.test(args[0])) return;
      warn.apply(console, args);
    },
    { incc: true as const },
  );
  console.warn = filtered;
}

export async function selectBackend(choice: BackendChoice = 'auto'): Promise<SelectedBackend> {
  const failures: string[] = [];
  if (choice === 'auto' || choice === 'tensorflow') {
    for (const [pkg, gpu] of NATIVE) {
      const path = installed(pkg);
      if (path === null) continue;
      const loaded = await loadNative(path);
      if (typeof loaded !== 'string') {
        const writer = loaded.node?.summaryFileWriter?.bind(loaded.node);
        return {
          name: 'tensorflow',
          package: pkg,
          gpu,
          failures,
          decodeImage: nativeDecoder(loaded),
          summaryFileWriter: writer,
        };
      }
      failures.push(`${pkg} is installed but does not load: ${loaded}`);
    }
    if (choice === 'tensorflow') {
      const reasons =
        failures.length > 0
          ? failures.join('\n')
          : 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed';
      throw new BackendError(`--backend tensorflow is not available: ${reasons}\n${INSTALL_ADVICE}`);
    }
  }
  if (choice === 'auto' || choice === 'wasm') {
    const wasm = '@tensorflow/tfjs-backend-wasm';
    let why: string | null = null;
    try {
      dropWasmAbortLine();
      await importModule(wasm);
      if (!(await tf.setBackend('wasm'))) why = 'the backend did not start';
    } catch (e) {
      why = oneLine(e);
    }
    if (why === null) {
      registerFastKernels('wasm');
      const pkg = `${wasm} (pure JavaScript and WebAssembly, with incc's filter-gradient kernel)`;
      return { name: 'wasm', package: pkg, gpu: false, advice: INSTALL_ADVICE, failures };
    }
    if (choice === 'wasm') throw new BackendError(`--backend wasm is not available: ${wasm}: ${why}`);
    failures.push(`${wasm} does not load: ${why}`);
  }
  await tf.setBackend('cpu');
  quietCpu();
  registerFastKernels('cpu');
  const pkg = "@tensorflow/tfjs (pure JavaScript, with incc's fast filter-gradient kernel)";
  return { name: 'cpu', package: pkg, gpu: false, advice: INSTALL_ADVICE, failures };
}
