/**
 * The parts of incc that need optional packages (TensorFlow.js for `compile --target tfjs` and `train`) are
 * imported when a command needs them. An installation made without them (`npm install incc
 * --omit=optional`, the light profile for check, lint, fmt, graph and ONNX export) gets a usage error that
 * names the package to install, never a module-resolution stack trace.
 */
import { UsageError } from './io.js';

/** The package a failed import could not find, if that is why it failed. */
export function missingPackage(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const m = /Cannot find (?:package|module) '((?:@[^/']+\/)?[^/']+)/.exec((e as Error).message);
  return m?.[1];
}

/** Imports what `load` imports, or fails with a usage error naming the missing package. */
export async function loadOptional<T>(load: () => Promise<T>, feature: string): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const missing = missingPackage(e);
    if (missing === undefined) throw e;
    throw new UsageError(
      `${feature} needs ${missing}, which this installation of incc leaves out (installed with --omit=optional?): ` +
        `npm install ${missing}`,
      false,
    );
  }
}
