/**
 * @jest-environment ./test/helpers/ort-environment.cjs
 */
/**
 * Numerical parity of the PyTorch backend with the ONNX backend: the same graph and the same weights
 * (random batch-norm statistics and gammas, so that the ONNX side's folding and the PyTorch side's
 * BatchNorm2d really differ in form) give the same outputs from model.py (eval mode, torch CPU, loading
 * weights.safetensors with strict keys) and from incc's ONNX export in onnxruntime, within 1e-4 max abs
 * difference. An intermediate conv output is compared too (relative to its largest value), so the check
 * does not rest on a saturated softmax; with an aux head, the aux output as well (training mode with batch
 * norm in inference form on the PyTorch side, an extra graph output on the ONNX side).
 *
 * All model.py folders run in one Python process (importing torch is the slow part).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IRGraph } from '../compiler/ir/ir.js';
import { lowerToOnnx, encodeModel } from '../backends/onnx/lower.js';
import { pytorchFiles } from '../backends/pytorch/index.js';
import { pythonIdentifiers } from '../backends/common/torch-state.js';
import { repoRoot } from './helpers/cli.js';
import { maxAbs, maxAbsDiff, toNchw } from './helpers/arrays.js';
import { graphOf, randomInput, randomizedWeights, stdlibGraph } from './helpers/graphs.js';
import { runOrt } from './helpers/onnx.js';
import { runPython, testWith, venvPython } from './helpers/python.js';

const TOLERANCE = 1e-4;

/** Asymmetric kernels, odd grids under stride-2 SAME convs and pools, average pools over padding, the other ops. */
const EDGE_CASES = `
network EdgeCases(classes: int = 5) {
  input 15x13x3
  c1: conv 3x3/2 8 bn=true act=relu // 8x7x8, SAME pads 1 and 1 on both axes
  c2: conv 1x7 8 bn=true bn_scale=false act=relu6
  c3: conv 7x1 8 bias=false bn=true act=tanh
  even: conv 2x2/2 6 act=sigmoid // 4x4x6: no row pad, columns 0 before and 1 after
  m: concat {
    a: avgpool 3x3/2 // asymmetric (0, 1) average pool: the mean leaves the pad out
    b: maxpool 3x3/2 -> conv 1x1 6 // asymmetric max pool
    c: conv 3x3/2 6 // asymmetric conv pad
    d: avgpool 3x3 -> conv 1x1/2 6 // symmetric average pool over padding
  }
  bnorm: batchnorm scale=false momentum=0.9
  relu
  drop: dropout 0.3
  flatten // NHWC order before the dense layer
  h: dense 16 act=relu bias=false
  v: batchnorm
  out: dense classes
  softmax
}
`;

/** An odd input under asymmetric pools: 9x9 with 2x2 windows (TF pads 0 before, 1 after). */
const ODD_POOLS = `
network OddPools(classes: int = 3) {
  input 9x9x4
  p: concat {
    a: avgpool 2x2/2
    b: maxpool 2x2/2
    c: avgpool 4x4/2
    d: conv 4x4/2 4 act=relu
  }
  conv 3x1/2 8 act=relu
  gap
  out: dense classes act=softmax
  aux1: aux from p weight 0.3 { avgpool 5x5/3 valid; conv 1x1 4 bn=true act=relu; flatten; dense classes act=softmax }
}
`;

/**
 * Depthwise-separable convolutions: SAME pads that differ before and after (stride 2 on odd grids), VALID, an
 * asymmetric kernel, with and without bias, batch norm with and without scale, in a concat and as the head.
 */
const SEPARABLE = `
network Separable(classes: int = 4) {
  input 15x13x6
  s1: sepconv 3x3/2 8 bn=true act=relu // 8x7, pads (1, 1) on both axes
  s2: sepconv 1x5 8 bias=false act=relu6
  s3: sepconv 5x1 12 bias=false bn=true bn_scale=false act=tanh
  m: concat {
    a: sepconv 2x2/2 6 act=sigmoid // 4x4: no row pad, columns 0 before and 1 after
    b: sepconv 3x3/2 6 bn=true act=relu // 4x4: rows 0 before and 1 after, columns 1 and 1
  }
  s4: sepconv 3x3 10 valid bn=true act=relu // 2x2
  gap
  out: dense classes act=softmax
}
`;

/**
 * Average pools that count their padding (count_include_pad=true): symmetric pads (nn.AvgPool2d with
 * count_include_pad=True), asymmetric ones (nn.ZeroPad2d then nn.AvgPool2d).
 */
const COUNTED_POOLS = `
network CountedPools(classes: int = 4) {
  input 11x9x3
  conv 3x3 6 bn=true act=relu
  p: concat {
    a: avgpool 3x3/2 count_include_pad=true // 6x5, pads 1 and 1
    b: avgpool 2x2/2 count_include_pad=true // pads 0 before, 1 after
    c: avgpool 6x6/2 count_include_pad=true // pads 2 before, 3 after
  }
  q: avgpool 3x3 count_include_pad=true -> conv 1x1 8 act=relu
  gap
  out: dense classes act=softmax
}
`;

interface Case {
  label: string;
  graph: IRGraph;
  aux?: boolean;
}

function cases(): Case[] {
  const out: Case[] = [
    { label: 'inception_v3 (no aux head)', graph: stdlibGraph('inception_v3.incp') },
    {
      label: 'inception_v3 with its aux head',
      graph: stdlibGraph('inception_v3.incp', undefined, { aux_head: true }),
      aux: true,
    },
    { label: 'lowres InceptionV3Res151', graph: stdlibGraph('lowres.incp', 'InceptionV3Res151') },
    {
      label: 'lowres InceptionV3Res79 with aux head',
      graph: stdlibGraph('lowres.incp', 'InceptionV3Res79', { aux_head: true }),
      aux: true,
    },
    { label: 'edge cases: asymmetric kernels and pads, pools over padding', graph: graphOf(EDGE_CASES) },
    { label: 'odd grids with stride-2 SAME pools and convs, aux head', graph: graphOf(ODD_POOLS), aux: true },
    { label: 'depthwise-separable convolutions (sepconv)', graph: graphOf(SEPARABLE) },
    { label: 'average pools counting their padding', graph: graphOf(COUNTED_POOLS) },
  ];
  for (let row = 1; row <= 5; row++)
    out.push({ label: `Table 3 row ${row}`, graph: stdlibGraph('table3.incp', undefined, { row }) });
  return out;
}

/** The last conv (or sepconv) of the main head, the probe. */
function probeOf(g: IRGraph): IRGraph['nodes'][number] {
  const convs = g.nodes.filter((n) => (n.attrs.op === 'conv' || n.attrs.op === 'sepconv') && n.head === 'main');
  return convs[convs.length - 1]!;
}

interface Measured {
  label: string;
  main: number;
  probe: number;
  aux?: number;
}

let measured: Promise<Measured[]> | undefined;

async function measure(): Promise<Measured[]> {
  const dir = mkdtempSync(join(tmpdir(), 'incc-pt-parity-'));
  try {
    const jobs: object[] = [];
    const expected: { label: string; ort: Float32Array[]; outs: string[]; probeShape: number[]; aux: boolean }[] = [];
    for (const [i, c] of cases().entries()) {
      const g = c.graph;
      const weights = randomizedWeights(g, 11 + i);
      const folder = join(dir, `case${i}`);
      const { files } = pytorchFiles(g, { weights });
      const { mkdirSync } = await import('node:fs');
      mkdirSync(folder);
      for (const [name, data] of files) writeFileSync(join(folder, name), data);
      const [h, w, ch] = g.nodes[g.input]!.shape as [number, number, number];
      const n = 2;
      const x = toNchw(randomInput(n * h * w * ch, 5 + i), n, h, w, ch);
      writeFileSync(join(folder, 'input.bin'), Buffer.from(x.buffer));
      const probe = probeOf(g);
      const outputs = [probe.name, ...(c.aux ? g.aux.map((a) => g.nodes[a.output]!.name) : [])];
      const lowered = lowerToOnnx(g, { weights, outputs });
      if (!lowered.model) throw new Error(lowered.diagnostics.map((d) => d.message).join('; '));
      const ort = (await runOrt(encodeModel(lowered.model), x, [n, ch, h, w])).map((o) => o.data);
      const outs = ort.map((_, k) => join(folder, `out${k}.bin`));
      jobs.push({
        dir: folder,
        input: join(folder, 'input.bin'),
        shape: [n, ch, h, w],
        outputs: outs,
        probe: pythonIdentifiers(g).get(probe.id),
        aux: c.aux === true,
      });
      expected.push({ label: c.label, ort, outs, probeShape: probe.shape, aux: c.aux === true });
    }
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    runPython(venvPython!, [join(repoRoot, 'test', 'helpers', 'pytorch_run.py'), join(dir, 'jobs.json')]);
    return expected.map((e) => {
      const got = e.outs.map((p) => {
        const b = readFileSync(p);
        return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      });
      return {
        label: e.label,
        main: maxAbsDiff(got[0]!, e.ort[0]!),
        probe: maxAbsDiff(got[1]!, e.ort[1]!) / Math.max(maxAbs(e.ort[1]!), 1e-6),
        ...(e.aux ? { aux: Math.max(...got.slice(2).map((a, k) => maxAbsDiff(a, e.ort[2 + k]!))) } : {}),
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pythonTest = testWith(venvPython, 'the Python environment (torch, safetensors)');

describe('model.py (PyTorch, eval) against the ONNX export (onnxruntime), same weights and input', () => {
  pythonTest(
    'every case within 1e-4',
    async () => {
      measured ??= measure();
      const results = await measured;
      for (const r of results) {
        // One line per case, for the record of the run.
        process.stdout.write(
          `${r.label}: main ${r.main.toExponential(2)}, probe ` +
            `${r.probe.toExponential(2)}${r.aux !== undefined ? `, aux ${r.aux.toExponential(2)}` : ''}\n`,
        );
      }
      expect(results.map((r) => r.label)).toHaveLength(cases().length);
      for (const r of results) {
        expect({
          label: r.label,
          ok: r.main <= TOLERANCE && r.probe <= TOLERANCE && (r.aux ?? 0) <= TOLERANCE,
          r,
        }).toEqual({ label: r.label, ok: true, r });
      }
    },
    900_000,
  );
});
