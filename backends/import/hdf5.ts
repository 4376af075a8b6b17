/**
 * Reading HDF5 files (Keras's `.weights.h5` and `.h5`) with h5wasm, the HDF5 library compiled to WebAssembly
 * (an optional dependency: imported when a Keras file is read). The bytes are copied into h5wasm's in-memory
 * file system and opened read-only there; HDF5's own errors become SourceErrors whose message is the
 * library's innermost reason (for a truncated file: where the file ends and where its superblock says it
 * should), never its error stack on standard error.
 */
import type * as H5wasmModule from 'h5wasm';
import { SourceError } from './source.js';
import { halfToFloat } from '../common/little-endian.js';
import { importModule } from '../common/import-module.js';

type H5wasm = typeof H5wasmModule;
type H5File = InstanceType<H5wasm['File']>;

let loaded: Promise<H5wasm> | undefined;

async function h5wasm(): Promise<H5wasm> {
  loaded ??= (async () => {
    let module: H5wasm;
    try {
      module = await importModule<H5wasm>('h5wasm');
    } catch (e) {
      loaded = undefined;
      const code = (e as { code?: unknown } | null)?.code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw e;
      throw new SourceError(
        'reading HDF5 needs the package h5wasm, which this installation of incc leaves out (installed with ' +
          '--omit=optional?): npm install h5wasm',
      );
    }
    const wasm = await module.ready;
    // HDF5 errors as exceptions carrying the error stack, instead of printed to standard error.
    wasm.activate_throwing_error_handler();
    return module;
  })();
  return loaded;
}

/** HDF5's innermost reason from its error stack (`#006: ...H5Fsuper.c line 577 in H5F__super_read(): WHY`). */
export function hdf5Reason(message: string): string {
  const reasons = [...message.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)/g)].map((m) => m[1]!.trim());
  const reason = reasons.at(-1) ?? message.trim().split('\n').at(-1)?.trim() ?? 'unknown error';
  const truncated = /truncated file: eof = (\d+),.*stored_eof = (\d+)/.exec(reason);
  if (truncated)
    return (
      `the file is truncated: it ends at byte ${truncated[1]}, and its HDF5 superblock says it is ` +
      `${truncated[2]} bytes`
    );
  if (/file signature not found/.test(reason)) return 'it is not an HDF5 file (no HDF5 signature)';
  return `HDF5: ${reason}`;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

let opened = 0;

/** A read-only HDF5 file in memory: groups, attributes and float datasets by path. */
export class Hdf5File {
  private constructor(
    private readonly lib: H5wasm,
    private readonly file: H5File,
    private readonly memPath: string,
  ) {}

  /** Opens `bytes`. Throws SourceError. */
  static async open(bytes: Uint8Array): Promise<Hdf5File> {
    const lib = await h5wasm();
    const memPath = `/incc-import-${process.pid}-${opened++}.h5`;
    lib.FS!.writeFile(memPath, bytes);
    try {
      return new Hdf5File(lib, new lib.File(memPath, 'r'), memPath);
    } catch (e) {
      lib.FS!.unlink(memPath);
      throw new SourceError(hdf5Reason(errorText(e)));
    }
  }

  close(): void {
    try {
      this.file.close();
    } finally {
      this.lib.FS!.unlink(this.memPath);
    }
  }

  private entity(path: string) {
    try {
      return this.file.get(path);
    } catch (e) {
      throw new SourceError(`${path}: ${hdf5Reason(errorText(e))}`);
    }
  }

  /** The names in the group at `path`, or undefined when there is no group there. */
  children(path: string): string[] | undefined {
    const e = this.entity(path);
    if (!(e instanceof this.lib.Group)) return undefined;
    try {
      return e.keys();
    } catch (err) {
      throw new SourceError(`${path}: ${hdf5Reason(errorText(err))}`);
    }
  }

  isDataset(path: string): boolean {
    return this.entity(path) instanceof this.lib.Dataset;
  }

  /** An attribute of the object at `path`: strings and numbers as they are, arrays as arrays. */
  attribute(path: string, name: string): unknown {
    const e = this.entity(path);
    if (!e || !('attrs' in e)) return undefined;
    try {
      const attrs = e.attrs;
      return Object.hasOwn(attrs, name) ? attrs[name]!.json_value : undefined;
    } catch (err) {
      throw new SourceError(`${path}: attribute ${name}: ${hdf5Reason(errorText(err))}`);
    }
  }

  /** A float dataset's shape and values as float32. Throws SourceError for anything else. */
  floats(path: string): { shape: number[]; values: Float32Array } {
    const e = this.entity(path);
    if (!(e instanceof this.lib.Dataset)) throw new SourceError(`${path} is not a dataset`);
    try {
      const meta = e.metadata;
      const shape = e.shape ?? [];
      // H5T_FLOAT is class 1.
      if (meta.type !== 1 || ![2, 4, 8].includes(meta.size))
        throw new SourceError(`${path} holds ${JSON.stringify(e.dtype)} values, not floats`);
      const value = e.value;
      if (value instanceof Float32Array) return { shape, values: value };
      if (value instanceof Float64Array) return { shape, values: Float32Array.from(value) };
      if (value instanceof Uint16Array) return { shape, values: Float32Array.from(value, halfToFloat) };
      if (typeof value === 'number') return { shape, values: Float32Array.of(value) };
      throw new SourceError(`${path} holds values incc cannot read as floats`);
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError(`${path}: ${hdf5Reason(errorText(err))}`);
    }
  }
}
