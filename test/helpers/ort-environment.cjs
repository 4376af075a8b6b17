/**
 * A Jest environment for tests that run onnxruntime-node: Jest evaluates tests in a vm context with its own
 * typed-array constructors, while onnxruntime's native binding makes its output arrays in Node's main
 * realm, so `data instanceof Float32Array` fails inside onnxruntime-common ("A float32 tensor's data must
 * be type of function Float32Array()"). This environment gives the test context the main realm's typed
 * arrays and ArrayBuffer, so both sides agree. Use it with a docblock as the first comment of a test file:
 * `@jest-environment ./test/helpers/ort-environment.cjs`.
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
