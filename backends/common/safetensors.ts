/**
 * safetensors, read and written without Python (https://github.com/huggingface/safetensors, "Format"):
 *
 *   8 bytes: N, the header's length, an unsigned little-endian 64-bit integer
 *   N bytes: a UTF-8 JSON object {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}
 *   the rest: the tensors' bytes, little-endian, row-major, at data_offsets relative to the end of the header
 *
 * The writer pads the header with spaces to a multiple of 8 bytes (as the reference implementation does),
 * lays the tensors out in the order given, with no gaps, and writes nothing that depends on the machine: the
 * same tensors give the same bytes. The reader checks what the format requires (offsets inside the data,
 * contiguous, sizes that match shapes and dtypes) and gives float tensors as float32.
 */
import { float16LE, float32LE, littleEndian } from './little-endian.js';

export type SafetensorsDtype = 'F32' | 'F64' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  /** F32 values, or I64 values (as a BigInt64Array) for integer buffers such as num_batches_tracked. */
  values: Float32Array | BigInt64Array;
}

export interface ReadTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** The values as float32 for float dtypes (F64, F16 and BF16 converted); undefined for other dtypes. */
  values?: Float32Array;
}

export class SafetensorsError extends Error {}

const BYTES: Record<SafetensorsDtype, number> = {
  F32: 4,
  F64: 8,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
/** The reference implementation refuses headers over 100 MB. */
const MAX_HEADER = 100_000_000;

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The file's bytes: header and tensors in the order given. */
export function encodeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || Object.hasOwn(header, t.name))
      throw new SafetensorsError(`tensor name ${t.name} is used twice or reserved`);
    const dtype = t.values instanceof BigInt64Array ? 'I64' : 'F32';
    if (t.values.length !== sizeOf(t.shape))
      throw new SafetensorsError(`tensor ${t.name}: ${t.values.length} values for shape [${t.shape.join(', ')}]`);
    const bytes = t.values.length * BYTES[dtype];
    header[t.name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json);
  json += ' '.repeat((8 - (jsonBytes % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    const v = t.values;
    if (littleEndian) out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    else if (v instanceof BigInt64Array) for (let i = 0; i < v.length; i++) view.setBigInt64(at + 8 * i, v[i]!, true);
    else for (let i = 0; i < v.length; i++) view.setFloat32(at + 4 * i, v[i]!, true);
    at += v.byteLength;
  }
  return out;
}

function floatsOf(dtype: SafetensorsDtype, data: Uint8Array, count: number): Float32Array | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      return float32LE(data, count);
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    case 'F16':
      return float16LE(data, count);
    case 'BF16': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return out;
    }
    default:
      return undefined;
  }
}

/** The tensors and metadata of a safetensors file's bytes; `where` names the file in errors. */
export function decodeSafetensors(
  bytes: Uint8Array,
  where = 'the file',
): { tensors: ReadTensor[]; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SafetensorsError(`${where} is not a safetensors file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, bytes.length - 8)))
    throw new SafetensorsError(
      `${where} is not a safetensors file (a header of ${n} bytes does not fit in its ${bytes.length} bytes)`,
    );
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, headerEnd)).toString('utf8'));
  } catch {
    throw new SafetensorsError(`${where} is not a safetensors file (its header is not JSON)`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new SafetensorsError(`${where}: the header is not a JSON object`);
  const data = bytes.subarray(headerEnd);
  const tensors: (ReadTensor & { begin: number; end: number })[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = e.dtype as SafetensorsDtype;
    const shape = e.shape;
    const offsets = e.data_offsets;
    if (typeof dtype !== 'string' || !Object.hasOwn(BYTES, dtype))
      throw new SafetensorsError(`${where}: tensor ${name} has an unknown dtype ${JSON.stringify(e.dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new SafetensorsError(`${where}: tensor ${name} has a bad shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(`${where}: tensor ${name} has bad data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin || end > data.length)
      throw new SafetensorsError(
        `${where}: tensor ${name} (bytes ${headerEnd + begin}..${headerEnd + end}) lies outside the file, ` +
          `which ends at byte ${bytes.length} (truncated?)`,
      );
    if (end - begin !== sizeOf(shape) * BYTES[dtype])
      throw new SafetensorsError(
        `${where}: tensor ${name} has ${end - begin} bytes for ${dtype} [${shape.join(', ')}]`,
      );
    tensors.push({ name, dtype, shape: shape as number[], begin, end });
  }
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const t of sorted) {
    if (t.begin !== expected) throw new SafetensorsError(`${where}: the tensors' data is not contiguous at ${t.name}`);
    expected = t.end;
  }
  if (expected !== data.length)
    throw new SafetensorsError(`${where}: ${data.length - expected} bytes after the last tensor`);
  return {
    tensors: tensors.map(({ name, dtype, shape, begin, end }) => ({
      name,
      dtype,
      shape,
      values: floatsOf(dtype, data.subarray(begin, end), sizeOf(shape)),
    })),
    metadata,
  };
}
