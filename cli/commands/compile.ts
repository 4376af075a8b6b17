/**
 * `incc compile FILE --target T --out PATH`: the network after rules, lowered by one backend.
 *
 * Each target is loaded only when asked for (a dynamic import in `targets`), so no other command, and no
 * other target, loads tfjs or onnxruntime (test/light-path.test.ts). A target module exports a
 * CompileTarget (backends/common/target.ts); adding one is a line in `targets` and its options in `options`
 * below. `--weights` is read here (cli/weights-file.ts, through the backend that owns the format) into
 * weights by variable name that every target taking weights accepts; the CLI prints what the target returns.
 */
import type { CompileTarget, TargetResult } from '../../backends/common/target.js';
import { buildProgram } from '../../compiler/program/pipeline.js';
import { loadProgram } from '../../compiler/program/node-host.js';
import { parseCommandArgs, parseSetArgs, printDiagnostics, readProgramOrExit, UsageError } from '../io.js';
import type { Command } from '../command.js';
import { loadOptional } from '../optional.js';

/** --target NAME -> the module that implements it, imported on use. */
export const targets: Record<string, () => Promise<CompileTarget>> = {
  tfjs: async () =>
    (await loadOptional(() => import('../../backends/tfjs/target.js'), 'incc compile --target tfjs')).tfjsTarget,
  onnx: async () => (await import('../../backends/onnx/target.js')).onnxTarget,
  pytorch: async () => (await import('../../backends/pytorch/target.js')).pytorchTarget,
};

const options = {
  target: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  network: { type: 'string' },
  set: { type: 'string', multiple: true },
  rules: { type: 'string', multiple: true },
  force: { type: 'boolean' },
  // tfjs
  'emit-ts': { type: 'boolean' },
  names: { type: 'string' },
  // onnx
  layout: { type: 'string' },
  weights: { type: 'string' },
  'no-fold-bn': { type: 'boolean' },
  optimize: { type: 'string' },
  quantize: { type: 'string' },
  calibrate: { type: 'string' },
  'calibration-size': { type: 'string' },
  activations: { type: 'string' },
} as const;

export const compileCommand: Command = {
  name: 'compile',
  options,
  summary: 'lower a network to TensorFlow.js (model.json + weights, optionally model.ts), ONNX or PyTorch',
  help: `Usage: incc compile FILE --target tfjs --out DIR [--seed N | --weights PATH] [--emit-ts]
                    [--names tfjs|keras]
       incc compile FILE --target onnx --out FILE.onnx [--seed N | --weights PATH]
                    [--no-fold-bn] [--layout nchw|nhwc] [--optimize none|default|all|LIST]
                    [--quantize int8 [--calibrate DIR] [--calibration-size N]
                     [--activations uint8|int8]]
       incc compile FILE --target pytorch --out DIR [--seed N | --weights PATH]
  common options: [--network NAME] [--set NAME=VALUE]... [--rules RULE]... [--force]

Elaborates one network of FILE, applies its rules, and writes it for a target.
The output appears complete or not at all.

  --target tfjs      DIR/model.json (tfjs layers format: modelTopology +
                     weightsManifest) and its weight shards (group1-shard*.bin,
                     4 MiB each). Stock @tensorflow/tfjs loads it with
                     tf.loadLayersModel(tf.io.fromMemory(...)); with
                     @tensorflow/tfjs-node: tf.loadLayersModel('file://DIR/model.json')
  --target onnx      an ONNX model (opset 13) for inference
  --target pytorch   DIR/model.py (a torch.nn.Module), train.py (the network's
                     recipe; torchrun, DDP), weights.safetensors, requirements.txt
                     and README.md (spec/pytorch.md)

Options:
  --out PATH         where to write (tfjs, pytorch: a folder; onnx: a file). An
                     existing one is replaced only if incc wrote it (a folder
                     holding nothing but an earlier compile's files, an ONNX
                     file incc wrote); a symbolic link is written through
  --force            replace --out even if incc did not write it
  --seed N           seed of the initial weights (default 0): the same file,
                     arguments and seed give byte-identical output
  --emit-ts          tfjs: also DIR/model.ts, a TypeScript module that builds the
                     same model with tf.layers
  --names keras      tfjs: layer names without '/' (mixed0_branch1x1_bn), which
                     Keras 3 accepts when it rebuilds the model from model.json
                     (default tfjs: mixed0/branch1x1/bn)
  --weights PATH     weights (instead of --seed's) from a tfjs checkpoint (model.json)
                     or a safetensors file with model.py's keys (train.py's output)
  --no-fold-bn       onnx: keep BatchNormalization nodes
  --layout L         onnx: nchw (default) or nhwc input
  --optimize O       onnx: graph optimizations: default (pool-conv, concat), none,
                     all, or a comma-separated list of pool-conv, horizontal,
                     concat and default (spec/onnx.md)
  --quantize int8    onnx: an int8 model in the QDQ format (per-channel int8
                     weights, per-tensor activations), calibrated by running
                     the float model in onnxruntime-node (which it needs)
  --calibrate DIR    onnx, with --quantize: calibrate on the images in DIR (as
                     incc train reads them); without it, on generated images
                     (the synthetic shapes of incc train, from --seed)
  --calibration-size N  how many calibration images (default 64)
  --activations T    onnx, with --quantize: uint8 (default) or int8 activations
  --network NAME     the network to compile (needed when FILE declares several)
  --set NAME=VALUE   set a network parameter (an .incp expression)
  --rules RULE       apply a rule after the file's own (repeatable)

Exit codes: 0 done, 1 errors in the file, 2 usage error, unreadable file or
output that cannot be written.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, options);
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    const targetName = values['target'] as string | undefined;
    if (targetName === undefined) throw new UsageError(`--target is required (${Object.keys(targets).join(', ')})`);
    const loadTarget = Object.hasOwn(targets, targetName) ? targets[targetName] : undefined;
    if (!loadTarget) throw new UsageError(`unknown target '${targetName}' (known: ${Object.keys(targets).join(', ')})`);
    const out = values['out'] as string | undefined;
    if (out === undefined || out === '') throw new UsageError('--out is required');
    const seedText = (values['seed'] as string | undefined) ?? '0';
    if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff)
      throw new UsageError(`--seed takes an integer from 0 to 4294967295, got '${seedText}'`);
    const setArgs = parseSetArgs(values['set'] as string[] | undefined);

    const weightsPath = values['weights'] as string | undefined;
    if (weightsPath !== undefined && values['seed'] !== undefined)
      throw new UsageError('--seed and --weights exclude each other');

    const program = readProgramOrExit(positionals[0]!, loadProgram);
    if (program === undefined) return 2;
    const network = values['network'] as string | undefined;
    const built = buildProgram(program, { network, args: setArgs, rules: values['rules'] as string[] | undefined });
    printDiagnostics(built.diagnostics, program.sourceOf);
    const graph = built.networks[0]?.graph;
    if (!graph) return 1;

    const target: CompileTarget = await loadTarget();
    if (weightsPath !== undefined && !target.takesWeights)
      throw new UsageError(`--target ${targetName} takes no --weights`);
    let weights: Map<string, Float32Array> | undefined;
    let weightsSource: string | undefined;
    if (weightsPath !== undefined) {
      const { isSafetensors, readWeightsFile, SafetensorsError } = await import('../weights-file.js');
      const { CheckpointError } = await import('../../backends/tfjs/checkpoint.js');
      const { WeightsMismatchError } = await import('../../backends/common/weights-match.js');
      try {
        weights = readWeightsFile(graph, weightsPath);
        weightsSource = `${isSafetensors(weightsPath) ? 'safetensors' : 'checkpoint'} ${weightsPath}`;
      } catch (e) {
        if (e instanceof CheckpointError || e instanceof SafetensorsError) {
          process.stderr.write(`incc compile: ${e.message}\n`);
          return 2;
        }
        if (e instanceof WeightsMismatchError) {
          process.stderr.write(`incc compile: error: ${e.message}\n`);
          return 1;
        }
        throw e;
      }
    }
    const targetOptions = Object.fromEntries(
      Object.entries(values).filter((e): e is [string, string | boolean] => !Array.isArray(e[1])),
    );
    const result = await target.compile({
      graph,
      out,
      seed: Number(seedText),
      options: targetOptions,
      weights,
      weightsFrom: weightsPath,
      weightsSource,
      sourceOf: program.sourceOf,
    });
    return report(result, program.sourceOf);
  },
};

/** Prints what a target returned; its exit code. */
function report(result: TargetResult, sourceOf: (file: string) => string | undefined): number {
  if (result.ok) {
    process.stdout.write(`${result.summary}\n`);
    return 0;
  }
  if ('usage' in result) throw new UsageError(result.usage);
  if ('cannotWrite' in result || 'cannotRead' in result) {
    process.stderr.write(`incc compile: ${'cannotWrite' in result ? result.cannotWrite : result.cannotRead}\n`);
    return 2;
  }
  printDiagnostics(result.diagnostics, sourceOf);
  return 1;
}
