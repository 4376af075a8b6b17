// Loads a tfjs layers model (model.json + shards, as `incc weights import --out DIR` and `incc compile
// --target tfjs` write it) with stock tfjs on the tensorflow backend (tfjs-node), runs a float32 NCHW batch
// (raw little-endian) through it in NHWC and prints every output as JSON: [{shape, values}, ...].
//   node tfjs-predict.mjs MODEL_DIR INPUT N,C,H,W
// For test/heavy/weights-import-torch.test.ts.
import { readFileSync } from 'node:fs';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
const tf = await import('@tensorflow/tfjs-node');
const [dir, input, dims] = process.argv.slice(2);
const [n, c, h, w] = dims.split(',').map(Number);
const bytes = readFileSync(input);
const x = tf.tensor4d(new Float32Array(bytes.buffer, bytes.byteOffset, n * c * h * w), [n, c, h, w]);
const model = await tf.loadLayersModel(`file://${dir}/model.json`);
const y = model.predict(tf.transpose(x, [0, 2, 3, 1]));
const outputs = Array.isArray(y) ? y : [y];
const result = [];
for (const o of outputs) result.push({ shape: o.shape, values: Array.from(await o.data()) });
process.stdout.write(`${JSON.stringify(result)}\n`);
