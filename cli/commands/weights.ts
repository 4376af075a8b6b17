/**
 * `incc weights import SOURCE --network FILE --out DIR|FILE.safetensors`: weights of another framework for a
 * network of FILE (backends/import/, spec/weights-import.md). The output is what `compile --weights` and
 * `train --init` read: a folder is written by the tfjs target (an incc tfjs checkpoint: model.json + shards),
 * a `.safetensors` file with model.py's keys. Nothing is written unless every layer fits.
 */
import { buildProgram } from '../../compiler/program/pipeline.js';
import { loadProgram } from '../../compiler/program/node-host.js';
import { parseSetArgs, printDiagnostics, readProgramOrExit, UsageError } from '../io.js';
import type { CommandLine } from '../command.js';
import { targets } from './compile.js';
import type { weightsUsage } from '../usage/weights.js';

export async function run({ values, positionals }: CommandLine<typeof weightsUsage>): Promise<number> {
  const [sub, ...operands] = positionals;
  if (sub !== 'import')
    throw new UsageError(
      sub === undefined ? 'expected a subcommand: import' : `unknown subcommand '${sub}' (known: import)`,
    );
  if (operands.length !== 1) throw new UsageError('expected exactly one SOURCE file');
  const sourcePath = operands[0]!;
  const networkFile = values.network;
  if (!networkFile) throw new UsageError('--network FILE is required (the .incp file of the network)');
  const { out } = values;
  if (!out) throw new UsageError('--out is required: a folder (tfjs checkpoint) or FILE.safetensors');
  const setArgs = parseSetArgs(values.set);
  const force = values.force === true;

  const program = readProgramOrExit(networkFile, loadProgram);
  if (program === undefined) return 2;
  const built = buildProgram(program, {
    network: values['network-name'],
    args: setArgs,
    rules: values.rules,
  });
  printDiagnostics(built.diagnostics, program.sourceOf);
  const graph = built.networks[0]?.graph;
  if (!graph) return 1;

  const imports = await import('../../backends/import/index.js');
  let result: Awaited<ReturnType<typeof imports.importWeights>>;
  try {
    result = await imports.importWeights(graph, sourcePath);
  } catch (e) {
    if (e instanceof imports.ImportFileError) {
      process.stderr.write(`incc weights import: ${e.message}\n`);
      return 2;
    }
    if (e instanceof imports.MatchError) {
      printDiagnostics([e.diagnostic], program.sourceOf);
      process.stderr.write(`incc weights import: nothing written\n`);
      return 1;
    }
    throw e;
  }
  const { source } = result;
  printDiagnostics(result.warnings, program.sourceOf);
  if (values.list === true) for (const p of result.pairs) process.stdout.write(`${p.incc.padEnd(40)} <- ${p.source}\n`);
  const how =
    result.mode === 'names' ? `by ${source.naming ?? 'name'} names` : 'by structure (creation order and shapes)';
  const notes = [
    `${result.pairs.length} layers of ${source.format} ${sourcePath} matched ${how}`,
    ...(result.folded > 0 ? [`${result.folded} batch norm gammas folded into their convolutions`] : []),
    ...(result.unitGammas > 0 ? [`${result.unitGammas} batch norm gammas set to 1 (the source has none)`] : []),
    ...(source.readPast.length > 0 ? [`${source.readPast.length} tensors read past (${source.readPast[0]}, ...)`] : []),
  ];
  process.stderr.write(`incc weights import: ${notes.join('; ')}\n`);
  const from = `imported from ${source.format} ${sourcePath}`;

  if (out.toLowerCase().endsWith('.safetensors')) {
    const { OutputError } = await import('../../backends/common/output.js');
    try {
      const size = imports.writeImportedSafetensors(graph, result.weights, out, from, force);
      process.stdout.write(`wrote ${out}: ${graph.network}, ${(size / 1e6).toFixed(1)} MB; weights ${from}\n`);
      return 0;
    } catch (e) {
      if (e instanceof OutputError) {
        process.stderr.write(`incc weights import: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  }
  const tfjs = await targets['tfjs']!();
  const r = await tfjs.compile({
    graph,
    out,
    seed: 0,
    options: { force },
    weights: result.weights,
    weightsFrom: sourcePath,
    weightsSource: from,
    sourceOf: program.sourceOf,
  });
  if (r.ok) {
    process.stdout.write(`${r.summary}\n`);
    return 0;
  }
  if ('cannotWrite' in r || 'cannotRead' in r) {
    process.stderr.write(`incc weights import: ${'cannotWrite' in r ? r.cannotWrite : r.cannotRead}\n`);
    return 2;
  }
  if ('usage' in r) throw new UsageError(r.usage);
  printDiagnostics(r.diagnostics, program.sourceOf);
  return 1;
}
