/**
 * `incc weights import SOURCE --network FILE --out DIR|FILE.safetensors`: weights of another framework for a
 * network of FILE (backends/import/, spec/weights-import.md). The output is what `compile --weights` and
 * `train --init` read: a folder is written by the tfjs target (an incc tfjs checkpoint: model.json + shards),
 * a `.safetensors` file with model.py's keys. Nothing is written unless every layer fits.
 */
import { buildProgram } from '../../compiler/program/pipeline.js';
import { loadProgram } from '../../compiler/program/node-host.js';
import { parseCommandArgs, parseSetArgs, printDiagnostics, readProgramOrExit, UsageError } from '../io.js';
import type { Command } from '../command.js';
import { targets } from './compile.js';

const options = {
  network: { type: 'string' },
  'network-name': { type: 'string' },
  set: { type: 'string', multiple: true },
  rules: { type: 'string', multiple: true },
  out: { type: 'string' },
  force: { type: 'boolean' },
  list: { type: 'boolean' },
} as const;

const HELP = `Usage: incc weights import SOURCE --network FILE --out DIR|FILE.safetensors
                          [--network-name NAME] [--set NAME=VALUE]... [--rules RULE]...
                          [--force] [--list]

Reads the weights of another framework and maps them onto a network of FILE: by a
documented name mapping where every layer of SOURCE has one (torchvision's
Inception-v3, incc's own model.py keys), else by structure (creation order and
shapes). Every tensor of SOURCE is used and every weight of the network is set, or
the first layer that does not fit is an error and nothing is written.

SOURCE:
  FILE.safetensors   a PyTorch state dict (torchvision's names, incc's, or any in
                     creation order)
  FILE.onnx          an ONNX model's initializers, read through its graph (Conv,
                     BatchNormalization, Gemm, MatMul + Add; torch.onnx's and
                     tf2onnx's exports)
  FILE.keras         a Keras 3 model; FILE.weights.h5 its weights; FILE.h5 Keras's
                     legacy weights (keras.applications): by Keras's layer order

Options:
  --network FILE     the .incp file of the network the weights are for
  --network-name N   the network to use (needed when FILE declares several)
  --set NAME=VALUE   set a network parameter (an .incp expression), e.g. aux_head=true
  --rules RULE       apply a rule after the file's own (repeatable), e.g. bn_gamma
  --out PATH         a folder: an incc tfjs checkpoint (model.json + shards, as
                     compile --target tfjs writes); FILE.safetensors: model.py's keys
  --force            replace --out even if incc did not write it
  --list             print each incc layer and the SOURCE layer it took

Exit codes: 0 written, 1 the weights do not fit the network (or the file is
malformed), or errors in FILE, 2 usage error, unreadable file or an --out that
cannot be written.`;

export const weightsCommand: Command = {
  name: 'weights',
  summary: 'import weights of another framework (a PyTorch state dict as safetensors, ONNX, Keras) for a network',
  options,
  help: HELP,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub !== 'import')
      throw new UsageError(
        sub === undefined ? 'expected a subcommand: import' : `unknown subcommand '${sub}' (known: import)`,
      );
    const { values, positionals } = parseCommandArgs(rest, options);
    if (positionals.length !== 1) throw new UsageError('expected exactly one SOURCE file');
    const sourcePath = positionals[0]!;
    const networkFile = values['network'] as string | undefined;
    if (!networkFile) throw new UsageError('--network FILE is required (the .incp file of the network)');
    const out = values['out'] as string | undefined;
    if (!out) throw new UsageError('--out is required: a folder (tfjs checkpoint) or FILE.safetensors');
    const setArgs = parseSetArgs(values['set'] as string[] | undefined);
    const force = values['force'] === true;

    const program = readProgramOrExit(networkFile, loadProgram);
    if (program === undefined) return 2;
    const built = buildProgram(program, {
      network: values['network-name'] as string | undefined,
      args: setArgs,
      rules: values['rules'] as string[] | undefined,
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
    if (values['list'] === true)
      for (const p of result.pairs) process.stdout.write(`${p.incc.padEnd(40)} <- ${p.source}\n`);
    const how =
      result.mode === 'names' ? `by ${source.naming ?? 'name'} names` : 'by structure (creation order and shapes)';
    const notes = [
      `${result.pairs.length} layers of ${source.format} ${sourcePath} matched ${how}`,
      ...(result.folded > 0 ? [`${result.folded} batch norm gammas folded into their convolutions`] : []),
      ...(result.unitGammas > 0 ? [`${result.unitGammas} batch norm gammas set to 1 (the source has none)`] : []),
      ...(source.readPast.length > 0
        ? [`${source.readPast.length} tensors read past (${source.readPast[0]}, ...)`]
        : []),
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
  },
};
