/**
 * `incc compile FILE --target T --out PATH`: the network after rules, lowered by one backend.
 *
 * Each target is loaded only when asked for (a dynamic import in `targets`), so no other command, and no
 * other target, loads tfjs or onnxruntime (test/light-path.test.ts). A target module exports a
 * CompileTarget (backends/common/target.ts); adding one is a line in `targets` and its options and help in
 * cli/usage/compile.ts. `--weights` is read here (cli/weights-file.ts, through the backend that owns the format) into
 * weights by variable name that every target taking weights accepts; the CLI prints what the target returns.
 */
import type { CompileTarget, TargetResult } from '../../backends/common/target.js';
import { buildProgram } from '../../compiler/program/pipeline.js';
import { loadProgram } from '../../compiler/program/node-host.js';
import { parseSetArgs, printDiagnostics, readProgramOrExit, UsageError } from '../io.js';
import type { CommandLine } from '../command.js';
import { loadOptional } from '../optional.js';
import type { compileUsage } from '../usage/compile.js';

/** --target NAME -> the module that implements it, imported on use. */
export const targets: Record<string, () => Promise<CompileTarget>> = {
  tfjs: async () =>
    (await loadOptional(() => import('../../backends/tfjs/target.js'), 'incc compile --target tfjs')).tfjsTarget,
  onnx: async () => (await import('../../backends/onnx/target.js')).onnxTarget,
  pytorch: async () => (await import('../../backends/pytorch/target.js')).pytorchTarget,
};

export async function run({ values, operand }: CommandLine<typeof compileUsage>): Promise<number> {
  const file = operand('FILE');
  const targetName = values.target;
  if (targetName === undefined) throw new UsageError(`--target is required (${Object.keys(targets).join(', ')})`);
  const loadTarget = Object.hasOwn(targets, targetName) ? targets[targetName] : undefined;
  if (!loadTarget) throw new UsageError(`unknown target '${targetName}' (known: ${Object.keys(targets).join(', ')})`);
  const { out } = values;
  if (out === undefined || out === '') throw new UsageError('--out is required');
  const seedText = values.seed ?? '0';
  if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff)
    throw new UsageError(`--seed takes an integer from 0 to 4294967295, got '${seedText}'`);
  const setArgs = parseSetArgs(values.set);

  const weightsPath = values.weights;
  if (weightsPath !== undefined && values.seed !== undefined)
    throw new UsageError('--seed and --weights exclude each other');

  const program = readProgramOrExit(file, loadProgram);
  if (program === undefined) return 2;
  const built = buildProgram(program, { network: values.network, args: setArgs, rules: values.rules });
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
}

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
