/**
 * Reading (and writing) little-endian floats, as the weight formats store them (safetensors, tfjs weight shards):
 * one copy where the machine is little-endian, a DataView otherwise. Bytes may sit at any offset of a larger
 * buffer (Node's Buffer pool), so they are copied before being viewed as floats.
 */

/** Whether this machine stores numbers little-endian, as the weight formats do. */
export const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `count` float32 values at the start of `bytes`. */
export function float32LE(bytes: Uint8Array, count: number): Float32Array {
  // Uint8Array's slice copies (Buffer's would not): the floats get an aligned buffer of their own.
  if (littleEndian) return new Float32Array(Uint8Array.prototype.slice.call(bytes, 0, count * 4).buffer, 0, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** The bytes of float32 values, little-endian (ONNX raw_data): a view where the machine is little-endian. */
export function float32Bytes(values: Float32Array): Uint8Array {
  if (littleEndian) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i]!, true);
  return out;
}

/** `count` IEEE half-precision values at the start of `bytes`, widened to float32. */
export function float16LE(bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  return out;
}

/** One IEEE half-precision value (its 16 bits) as a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
