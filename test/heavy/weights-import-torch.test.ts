/**
 * @jest-environment ./test/helpers/ort-environment.cjs
 */
/**
 * `incc weights import` from torchvision, against torchvision itself. One reference is made per run, in the test
 * (test/helpers/torchvision_reference.py, Debian's python3 with torch 1.13 + torchvision 0.14):
 * inception_v3(init_weights=True, aux_logits=True, transform_input=False) with randomised weights and batch norm
 * statistics, saved as safetensors, its torch.onnx export, its outputs (main and aux) on a batch in [-1, 1], and
 * the mismatched files. Then:
 *
 * - safetensors -> `compile --target onnx` (onnxruntime) and -> a tfjs checkpoint loaded by stock tfjs
 *   (tfjs-node), with `--set count_include_pad=true` (std/inception_v3's branch pools then count the zero
 *   padding, as torchvision's do): torchvision's outputs as shipped, aux head included, to 1e-4 of the output
 *   scale. The measure: the largest absolute difference of the class probabilities over the batch, divided by
 *   the largest probability. Without the --set the import warns (weights-pool-padding, naming the --set) and
 *   the outputs differ by more than 1e-2 (checked too);
 * - the ONNX export (torch 1.13: a Pad of zeros before each branch AveragePool) -> `compile --target onnx`: the
 *   same, main head (the export has no aux head), and the warning without the --set;
 * - fine-tuning `train --init ... --set classes=4 --freeze mixed7` on a generated image folder: the frozen
 *   variables bit-identical after training, the classifiers re-initialised, the loss falls;
 * - a ResNet-like state dict, a v3 with a changed layer, a truncated safetensors and ONNX file: exit 1, the
 *   diagnostic naming the layer (with the incc layer's file and line) or the byte offset, nothing written.
 *
 * test/heavy/ runs alone, after the other tests. With CI=true nothing here skips.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import pngjs from 'pngjs';
import { frozenNodes } from '../../backends/common/init-weights.js';
import { weightSpecs } from '../../backends/common/weights.js';
import { readCheckpoint, tfjsCheckpointNames } from '../../backends/tfjs/checkpoint.js';
import { readWeightsFound } from '../../cli/weights-file.js';
import { incc, repoRoot } from '../helpers/cli.js';
import { tfjsNodeLoads } from '../helpers/components.js';
import { jsonLines } from '../helpers/jsonl.js';
import { stdlibGraph } from '../helpers/graphs.js';
import { runPython, testWith, torchvisionPython } from '../helpers/python.js';
import { joinedRegExp } from '../helpers/regexp.js';

const work = mkdtempSync(join(tmpdir(), 'incc-wimport-tv-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ready = torchvisionPython !== undefined && tfjsNodeLoads().ok;
const tvTest = testWith(
  ready,
  "torchvision (Debian's python3-torchvision in /usr/bin/python3) and @tensorflow/tfjs-node",
);

interface Reference {
  shape: number[];
  main: number[];
  aux: number[];
}

let made: Reference | undefined;
/** The reference files in `work`, made once (about a minute and a half on two cores). */
function reference(): Reference {
  if (made) return made;
  runPython(torchvisionPython!, [join(repoRoot, 'test', 'helpers', 'torchvision_reference.py'), work]);
  made = JSON.parse(readFileSync(join(work, 'reference.json'), 'utf8')) as Reference;
  return made;
}

const V3 = ['--network', 'stdlib/inception_v3.incp'];
/** The aux head on, as torchvision's inception_v3 has it. */
const AUX_HEAD = ['--set', 'aux_head=true'];
/** std/inception_v3 with torchvision's branch pools (spec/weights-import.md, "Average pools"). */
const TV_POOLS = ['--set', 'count_include_pad=true'];
const POOL_WARNING = 'warning weights-pool-padding';
const at = (name: string) => join(work, name);
/** `incc weights import SOURCE --network stdlib/inception_v3.incp ARGS...`. */
const importV3 = (source: string, ...args: string[]) => incc(['weights', 'import', source, ...V3, ...args]);
/** `incc compile stdlib/inception_v3.incp SETTINGS... --target onnx --weights WEIGHTS --out OUT`, succeeding. */
const compileV3Onnx = (weights: string, out: string, settings: string[]) =>
  ok(
    incc(['compile', 'stdlib/inception_v3.incp', ...settings, '--target', 'onnx', '--weights', weights, '--out', out]),
  );

function softmax(logits: readonly number[], classes: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < logits.length / classes; b++) {
    const row = logits.slice(b * classes, (b + 1) * classes);
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, v) => a + v, 0);
    out.push(...e.map((v) => v / sum));
  }
  return out;
}

/** max |a - b| / max |b|: the difference relative to the output scale. */
function relative(a: ArrayLike<number>, b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

async function onnxOutputs(path: string, ref: Reference): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path);
  const bytes = readFileSync(at('input.bin'));
  const x = new ort.Tensor('float32', new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), ref.shape);
  const out = await session.run({ [session.inputNames[0]!]: x });
  return out[session.outputNames[0]!]!.data as Float32Array;
}

function ok(r: ReturnType<typeof incc>): void {
  if (r.status !== 0) throw new Error(`incc exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
}

describe("incc weights import against torchvision's inception_v3", () => {
  tvTest(
    'state dict (safetensors) -> ONNX (onnxruntime) and tfjs (stock tfjs), torchvision as shipped: 1e-4, ' +
      'aux head included',
    async () => {
      const ref = reference();
      const w = at('v3.safetensors');
      // Into the network as it is (Keras's pools): the weights fit, and the import warns of the pools.
      const r = importV3(at('inception_v3.safetensors'), ...AUX_HEAD, '--out', w);
      ok(r);
      // 94 convolutions + 2 of the aux head, each with its batch norm, the fc and the aux fc.
      expect(r.stderr).toContain('194 layers of safetensors');
      expect(r.stderr).toContain('by torchvision inception_v3 names');
      expect(r.stderr).toContain('96 batch norm gammas folded');
      expect(r.stderr).toContain('96 tensors read past');
      expect(r.stderr).toContain(POOL_WARNING);
      expect(r.stderr).toContain(
        "torchvision's Inception-v3 counts the zero padding in the average of a padded window; " +
          '`mixed0/branch_pool/avgpool1` and 8 more avgpools do not',
      );
      expect(r.stderr).toContain('--set count_include_pad=true makes them agree');
      expect(r.stderr).toMatch(/std\/inception_v3\.incp:\d+:\d+: warning weights-pool-padding/);

      // The weights do not depend on the pools: compiled with torchvision's pools and without.
      compileV3Onnx(w, at('v3.onnx'), [...AUX_HEAD, ...TV_POOLS]);
      compileV3Onnx(w, at('v3-keras-pools.onnx'), AUX_HEAD);
      const expectedMain = softmax(ref.main, 1000);
      const onnxMain = relative(await onnxOutputs(at('v3.onnx'), ref), expectedMain);
      const kerasPools = relative(await onnxOutputs(at('v3-keras-pools.onnx'), ref), expectedMain);

      // With batch norm gammas (--rules bn_gamma: torchvision's own layers), as a tfjs checkpoint.
      const dir = at('v3-tfjs');
      const t = importV3(at('inception_v3.safetensors'), ...AUX_HEAD, ...TV_POOLS, '--rules', 'bn_gamma', '--out', dir);
      ok(t);
      expect(t.stderr).not.toContain(POOL_WARNING);
      const p = spawnSync(
        process.execPath,
        [join(repoRoot, 'test', 'helpers', 'tfjs-predict.mjs'), dir, at('input.bin'), ref.shape.join(',')],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      if (p.status !== 0) throw new Error(p.stderr);
      const [tfMain, tfAux] = JSON.parse(p.stdout) as { shape: number[]; values: number[] }[];
      const tfjsMain = relative(tfMain!.values, expectedMain);
      const tfjsAux = relative(tfAux!.values, softmax(ref.aux, 1000));
      process.stderr.write(
        `weights-import-torch: torchvision as shipped, relative to the output scale, with --set ` +
          `count_include_pad=true: onnx main ${onnxMain.toExponential(2)}, tfjs main ${tfjsMain.toExponential(2)}, ` +
          `tfjs aux ${tfjsAux.toExponential(2)}; without it (pools leaving the padding out) onnx main ` +
          `${kerasPools.toExponential(2)}\n`,
      );
      expect(onnxMain).toBeLessThan(1e-4);
      expect(tfjsMain).toBeLessThan(1e-4);
      expect(tfjsAux).toBeLessThan(1e-4);
      // The probabilities are not flat (a comparison that could fail), and the pool convention shows.
      expect(Math.max(...expectedMain)).toBeGreaterThan(0.05);
      expect(kerasPools).toBeGreaterThan(1e-2);
    },
    1_200_000,
  );

  tvTest(
    "torchvision's ONNX export -> ONNX (onnxruntime): the outputs to 1e-4",
    async () => {
      const ref = reference();
      const w = at('v3-from-onnx.safetensors');
      // The export's pools count the padding (torch 1.13 writes a Pad of zeros before each AveragePool; later
      // versions count_include_pad = 1): into Keras's pools, a warning naming the --set.
      const warned = importV3(at('inception_v3.onnx'), '--out', w);
      ok(warned);
      expect(warned.stderr).toContain(POOL_WARNING);
      expect(warned.stderr).toMatch(
        joinedRegExp(
          /ONNX AveragePool \/Mixed_5b\/\S+ /,
          /\((after Pad \S+: its zeros counted|count_include_pad = 1)\) counts the zero padding/,
        ),
      );
      expect(warned.stderr).toContain('--set count_include_pad=true makes them agree');
      const r = importV3(at('inception_v3.onnx'), ...TV_POOLS, '--out', w, '--force');
      ok(r);
      expect(r.stderr).not.toContain(POOL_WARNING);
      // 94 convolutions with their batch norms folded in (each also sets the incc batch norm), and the fc.
      expect(r.stderr).toContain('189 layers of ONNX');
      compileV3Onnx(w, at('v3b.onnx'), TV_POOLS);
      const main = await onnxOutputs(at('v3b.onnx'), ref);
      const rel = relative(main, softmax(ref.main, 1000));
      process.stderr.write(`weights-import-torch: from the ONNX export, onnx main ${rel.toExponential(2)}\n`);
      expect(rel).toBeLessThan(1e-4);
    },
    1_200_000,
  );

  tvTest(
    'fine-tuning: --init with classes=4 re-initialises the classifiers, --freeze mixed7 keeps the frozen ' +
      'weights bit for bit, the loss falls',
    () => {
      reference();
      const init = at('v3.safetensors');
      if (!existsSync(init)) ok(importV3(at('inception_v3.safetensors'), ...AUX_HEAD, '--out', init));
      // A small image folder: 4 classes of 6 images, each class its own colour with noise.
      const data = at('images');
      const colours = [
        [220, 40, 40],
        [40, 200, 60],
        [50, 60, 230],
        [230, 220, 60],
      ];
      let s = 7;
      const noise = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 60 - 30;
      colours.forEach((c, k) => {
        mkdirSync(join(data, `class${k}`), { recursive: true });
        for (let i = 0; i < 6; i++) {
          const png = new pngjs.PNG({ width: 48, height: 48 });
          for (let p = 0; p < 48 * 48; p++) {
            for (let ch = 0; ch < 3; ch++) png.data[4 * p + ch] = Math.max(0, Math.min(255, c[ch]! + noise()));
            png.data[4 * p + 3] = 255;
          }
          writeFileSync(join(data, `class${k}`, `${i}.png`), pngjs.PNG.sync.write(png));
        }
      });
      const out = at('run');
      const args = ['stdlib/inception_v3.incp', ...AUX_HEAD, '--set', 'classes=4', ...TV_POOLS];
      const r = incc([
        'train',
        ...args,
        '--init',
        init,
        '--freeze',
        'mixed7',
        '--data',
        data,
        '--epochs',
        '2',
        '--batch-size',
        '8',
        '--backend',
        'tensorflow',
        '--out',
        out,
      ]);
      ok(r);
      expect(r.stderr).toMatch(/init: \d+ layers kept from/);
      expect(r.stderr).toMatch(
        /init: predictions re-initialised \(predictions\/kernel is \[2048, 1000\], the network's \[2048, 4\]\)/,
      );
      expect(r.stderr).toMatch(/init: aux_logits\/logits re-initialised/);
      expect(r.stderr).toMatch(/freeze: \d+ layers frozen/);

      const losses = jsonLines<{ loss: number }>(join(out, 'metrics.jsonl')).map((m) => m.loss);
      process.stderr.write(
        `weights-import-torch: fine-tuning losses by epoch ${losses.map((l) => l.toFixed(4)).join(' ')}\n`,
      );
      expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);

      // The frozen variables (every node up to mixed7, aux head excepted) are the imported ones, bit for bit.
      const graph = stdlibGraph('inception_v3.incp', undefined, {
        aux_head: true,
        classes: 4,
        count_include_pad: true,
      });
      const frozen = frozenNodes(graph, 'mixed7');
      const start = readWeightsFound(graph, init);
      const names = tfjsCheckpointNames(graph);
      const trained = new Map(readCheckpoint(join(out, 'model.json')).map((x) => [names.get(x.name) ?? x.name, x]));
      let same = 0;
      let moved = 0;
      for (const spec of weightSpecs(graph)) {
        const before = start.get(spec.name)?.values;
        const now = trained.get(spec.name)!.values;
        const identical = before !== undefined && now.every((v, i) => Object.is(v, before[i]));
        if (frozen.has(spec.node)) {
          if (!identical) throw new Error(`the frozen ${spec.name} changed in training`);
          same++;
        } else if (!identical) moved++;
      }
      // 70 convolutions up to mixed7 (5 in the stem; mixed0-2: 7 each; mixed3: 4; mixed4-7: 10 each), each with
      // a kernel, a beta and two moving statistics.
      expect(same).toBe(70 * 4);
      expect(moved).toBeGreaterThan(10);
    },
    1_800_000,
  );

  tvTest('mismatched sources: the layer or byte offset named, exit 1, nothing written', () => {
    reference();
    const out = at('nothing.safetensors');
    const run = (source: string) => importV3(source, ...AUX_HEAD, '--out', out);

    const resnet = run(at('resnet_like.safetensors'));
    expect(resnet.status).toBe(1);
    expect(resnet.stderr).toContain('error weights-layer-mismatch');
    expect(resnet.stderr).toContain(
      // Its keys are sorted (as the safetensors library writes them): natural order puts bn1 first.
      'safetensors layer `bn1` (batch norm of 64 channels, with gamma) does not fit layer `conv1` (conv ' +
        'kernel 3x3x3x32, no bias)',
    );
    expect(resnet.stderr).toMatch(/std\/inception_v3\.incp:\d+:\d+: error/);

    const changed = run(at('v3_changed.safetensors'));
    expect(changed.status).toBe(1);
    expect(changed.stderr).toContain(
      'safetensors layer `Mixed_6b.branch7x7_2.conv` (conv kernel 1x5x128x128, no bias) does not fit layer ' +
        '`mixed4/branch7x7/conv2` (conv kernel 1x7x128x128, no bias)',
    );
    expect(changed.stderr).toMatch(/std\/modules\.incp:\d+:\d+: error/);

    const bytes = readFileSync(at('inception_v3.safetensors'));
    writeFileSync(at('cut.safetensors'), bytes.subarray(0, 50_000_000));
    const cut = run(at('cut.safetensors'));
    expect(cut.status).toBe(1);
    expect(cut.stderr).toContain('error weights-source-unreadable');
    expect(cut.stderr).toMatch(/\(bytes \d+\.\.\d+\) lies outside the file, which ends at byte 50000000/);

    const onnxBytes = readFileSync(at('inception_v3.onnx'));
    writeFileSync(at('cut.onnx'), onnxBytes.subarray(0, 40_000_000));
    const cutOnnx = importV3(at('cut.onnx'), '--out', out);
    expect(cutOnnx.status).toBe(1);
    expect(cutOnnx.stderr).toContain('error weights-source-unreadable');
    expect(cutOnnx.stderr).toMatch(
      /cannot read .*cut\.onnx as ONNX: the protobuf of its 40000000 bytes does not decode/,
    );

    expect(existsSync(out)).toBe(false);
  });
});
