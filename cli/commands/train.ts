import { DiagnosticError } from '../../compiler/diagnostics/diagnostics.js';
import { printDiagnostics, UsageError } from '../io.js';
import type { CommandLine } from '../command.js';
import { buildNetworkOrExit } from '../network-args.js';
import { loadOptional } from '../optional.js';
import type { IRGraph } from '../../compiler/ir/ir.js';
import type { trainUsage } from '../usage/train.js';

function positiveInt(name: string, v: unknown, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} needs an integer >= ${min}, got '${String(v)}'`);
  return n;
}

export async function run({ values, operand }: CommandLine<typeof trainUsage>): Promise<number> {
  const file = operand('FILE');
  const { data } = values;
  if (!data) throw new UsageError('--data is required: a folder of class subfolders, or synthetic');
  const backend = values.backend ?? 'auto';
  if (!['auto', 'tensorflow', 'cpu', 'wasm'].includes(backend))
    throw new UsageError(`--backend is auto, tensorflow, cpu or wasm, not '${backend}'`);
  if (values.resume && !values.out) throw new UsageError('--resume needs --out DIR (the folder of the checkpoint)');
  const overrides = {
    epochs: positiveInt('epochs', values.epochs),
    batchSize: positiveInt('batch-size', values['batch-size']),
    seed: positiveInt('seed', values.seed, 0),
  };
  const stepsPerEpoch = positiveInt('steps-per-epoch', values['steps-per-epoch']);

  const built = buildNetworkOrExit(file, values);
  if (typeof built === 'number') return built;
  const { program, result } = built;

  // The recipe was checked with the network (compiler/ir/recipe.ts): a bad setting is reported before tfjs loads.
  // tfjs loads here, never for the other commands.
  const start = await initialState(result.graph, values.init, values.freeze);
  if (typeof start === 'number') return start;
  if (start.init && values.resume === true) throw new UsageError('--init and --resume exclude each other');
  const trainer = await loadOptional(() => import('../../backends/tfjs/train/index.js'), 'incc train');
  let stop = false;
  const onSigint = (): void => {
    if (stop) {
      process.stderr.write('\nincc train: interrupted again: quitting without saving\n');
      process.exit(130);
    }
    stop = true;
    process.stderr.write('\nincc train: stopping after this step and saving (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const r = await trainer.train({
      graph: result.graph,
      data,
      out: values.out,
      resume: values.resume === true,
      force: values.force === true,
      overrides,
      stepsPerEpoch,
      augment: values.augment === true,
      logEvery: positiveInt('log-every', values['log-every'], 0),
      tensorboard: values.tensorboard,
      backend: backend as 'auto',
      shouldStop: () => stop,
      init: start.init,
      frozen: start.frozen,
    });
    const last = r.epochs[r.epochs.length - 1];
    if (last?.val_accuracy != null)
      process.stderr.write(`validation accuracy ${(last.val_accuracy * 100).toFixed(1)}% after ${r.epoch} epochs\n`);
    if (values.out) process.stderr.write(`checkpoint: ${values.out}/model.json\n`);
    return stop ? 130 : 0;
  } catch (e) {
    if (e instanceof trainer.DataError || e instanceof trainer.TrainError || e instanceof trainer.CheckpointDamage) {
      process.stderr.write(`incc train: ${e.message}\n`);
      return 1;
    }
    if (e instanceof trainer.OutputError) {
      process.stderr.write(`incc train: ${e.message}\n`);
      return 2;
    }
    if (e instanceof DiagnosticError) {
      printDiagnostics([e.diagnostic], program.sourceOf);
      return 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * `--init` and `--freeze`, read and checked before tfjs loads (backends/common/init-weights.ts); says which layers
 * are kept, re-initialised and frozen. An exit status when the file cannot be used.
 */
async function initialState(
  graph: IRGraph,
  initPath: string | undefined,
  freezeArg: string | undefined,
): Promise<{ init?: Map<string, Float32Array>; frozen?: Set<number> } | number> {
  const { InitError, frozenNodes, layerList, planInit } = await import('../../backends/common/init-weights.js');
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  let frozen: Set<number> | undefined;
  if (typeof freezeArg === 'string') {
    try {
      frozen = frozenNodes(graph, freezeArg);
    } catch (e) {
      if (e instanceof InitError) throw new UsageError(e.message);
      throw e;
    }
  }
  let init: Map<string, Float32Array> | undefined;
  if (initPath !== undefined) {
    const { readWeightsFound, SafetensorsError } = await import('../weights-file.js');
    const { CheckpointError } = await import('../../backends/tfjs/checkpoint.js');
    try {
      const plan = planInit(graph, readWeightsFound(graph, initPath), initPath);
      init = plan.values;
      say(`init: ${plan.kept.length} layers kept from ${initPath}: ${layerList(plan.kept)}`);
      for (const r of plan.reinitialised) say(`init: ${r.node.name} re-initialised (${r.why})`);
    } catch (e) {
      if (e instanceof CheckpointError || e instanceof SafetensorsError) {
        say(`incc train: ${e.message}`);
        return 2;
      }
      if (e instanceof InitError) {
        say(`incc train: error: ${e.message}`);
        return 1;
      }
      throw e;
    }
  }
  if (frozen) {
    const layers = new Set(graph.nodes.filter((n) => n.params.trainable + n.params.nonTrainable > 0));
    const still = graph.nodes.filter((n) => frozen.has(n.id) && layers.has(n));
    const trained = graph.nodes.filter((n) => !frozen.has(n.id) && layers.has(n));
    say(
      `freeze: ${still.length} layers frozen (${layerList(still)}); ${trained.length} trained: ${layerList(trained)}`,
    );
  }
  return { ...(init ? { init } : {}), ...(frozen ? { frozen } : {}) };
}
