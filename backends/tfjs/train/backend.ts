/**
 * Which tfjs backend trains: @tensorflow/tfjs-node-gpu (CUDA) when installed, else @tensorflow/tfjs-node
 * (libtensorflow on the CPU), else the pure-JS `cpu` backend with the fast filter-gradient kernel of
 * kernels.ts. The native packages download libtensorflow in their install script, so incc never depends
 * on them: users who can download install them next to incc (README, "Training").
 *
 * Pure JS: `wasm` (@tensorflow/tfjs-backend-wasm, XNNPACK convolutions) with the composed filter-gradient
 * kernel of kernels.ts, else `cpu` with the flat-array one. Measured with bench/train.mjs on the CI network
 * (examples/train/mini.incp, batch 32, a shared 2-core machine): a training step took 0.91 s on wasm and
 * 10.7 s on cpu (with the fast filter gradient; tfjs's cpu backend is also slow at the concat gradient
 * SplitV, the broadcasting element-wise ops of batch norm and the pooling gradients). `--backend cpu` (or
 * wasm) picks one.
 */
import * as tf from '@tensorflow/tfjs';
import { registerFastKernels } from './kernels.js';

export type BackendChoice = 'auto' | 'tensorflow' | 'cpu' | 'wasm';

export interface SelectedBackend {
  /** The tfjs backend name: tensorflow, cpu, wasm. */
  name: string;
  /** The package that provides it. */
  package: string;
  gpu: boolean;
  /** Advice printed when a faster one could be installed. */
  advice?: string;
}

export const INSTALL_ADVICE = [
  'faster training: install TensorFlow for Node next to incc, which downloads libtensorflow (about 100-400 MB):',
  '  npm install @tensorflow/tfjs-node        # CPU, with libtensorflow',
  '  npm install @tensorflow/tfjs-node-gpu    # NVIDIA GPU (CUDA 11.2, cuDNN 8.1)',
  '  behind a mirror: TFJS_NODE_BASE_URI=<mirror of the libtensorflow downloads> (or TFJS_NODE_CDN_STORAGE) npm install ...',
].join('\n');

async function tryImport(name: string): Promise<boolean> {
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

/** Silences tfjs's "looks like you are running TensorFlow.js in Node.js" banner (incc prints its own advice). */
function quietCpu(): void {
  const be = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (be) be.firstUse = false;
}

export async function selectBackend(choice: BackendChoice = 'auto'): Promise<SelectedBackend> {
  if (choice === 'auto' || choice === 'tensorflow') {
    for (const [pkg, gpu] of [
      ['@tensorflow/tfjs-node-gpu', true],
      ['@tensorflow/tfjs-node', false],
    ] as const) {
      if ((await tryImport(pkg)) && (await tf.setBackend('tensorflow'))) return { name: 'tensorflow', package: pkg, gpu };
    }
    if (choice === 'tensorflow') throw new Error(`neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed\n${INSTALL_ADVICE}`);
  }
  if (choice === 'auto' || choice === 'wasm') {
    const wasm = '@tensorflow/tfjs-backend-wasm';
    const ok = (await tryImport(wasm)) && (await tf.setBackend('wasm').catch(() => false));
    if (ok) {
      registerFastKernels('wasm');
      return { name: 'wasm', package: `${wasm} (pure JavaScript and WebAssembly, with incc's filter-gradient kernel)`, gpu: false, advice: INSTALL_ADVICE };
    }
    if (choice === 'wasm') throw new Error(`the wasm backend (${wasm}) is not installed or did not start`);
  }
  await tf.setBackend('cpu');
  quietCpu();
  registerFastKernels('cpu');
  return { name: 'cpu', package: '@tensorflow/tfjs (pure JavaScript, with incc\'s fast filter-gradient kernel)', gpu: false, advice: INSTALL_ADVICE };
}
