/**
 * `incc train`: trains the tfjs lowering of an IR graph with the network's recipe (compiler/ir/recipe.ts) in a custom
 * loop (no model.fit(): it can end the process silently without tfjs-node, TOOLCHAIN.md):
 *
 *   for each step: lr from the schedule -> forward (training mode; fused.ts) -> smoothed loss (+ aux x weight,
 *   + weight decay) -> optimizer.computeGradients -> clipping -> optimizer.applyGradients -> EMA update
 *
 * The loss is computed from logits: the model trained is the compiled one with its final softmax taken
 * out (a trailing Softmax or softmax Activation layer is bypassed; a dense / conv layer with
 * activation=softmax is built with a linear activation). Same layer names, same variables: the checkpoint
 * (checkpoint.ts) is the compiled model, softmax included, with the trained weights.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { IRGraph } from '../../../compiler/ir/ir.js';
import { shapeText } from '../../../compiler/print/text.js';
import { modelOfPlan, setInitialWeights, setWeightValues, tfjsWeightNames } from '../model.js';
import { planLayers, type LayerPlan } from '../plan.js';
import { BackendError, selectBackend, type BackendChoice, type SelectedBackend } from './backend.js';
import { checkFolderReplaceable } from '../../common/output.js';
import {
  firstNonFinite,
  isCheckpointFile,
  packTensors,
  readMetrics,
  readSavedCheckpoint,
  STATE_FILE,
  unpackTensor,
  writeCheckpoint,
  type SavedCheckpoint,
  type TensorEntry,
  type TrainState,
} from './checkpoint.js';
import {
  BatchQueue,
  DataError,
  imageFolderDataset,
  mixSeed,
  networkInput,
  permutation,
  syntheticDataset,
  type Dataset,
  type ReadOptions,
  type Split,
} from '../../common/data.js';
import { trainingForward } from './fused.js';
import { StepLog } from './metrics.js';
import { isOutOfMemory, memoryProblem, outOfMemoryMessage } from './fit.js';
import { clipGradients, trainingLoss, smoothedCrossEntropy } from './loss.js';
import { Progress, formatDuration } from './progress.js';
import {
  describeRecipe,
  learningRateAt,
  resolveRecipe,
  type Recipe,
  type RecipeOverrides,
} from '../../../compiler/ir/recipe.js';

export { DataError } from '../../common/data.js';
export { CheckpointDamage } from './checkpoint.js';
export { OutputError } from '../../common/output.js';
export { resolveRecipe, learningRateAt, PAPER_DEFAULTS } from '../../../compiler/ir/recipe.js';
export type { Recipe, RecipeOverrides } from '../../../compiler/ir/recipe.js';

/** A problem that stops training with a message (exit 1), not an internal error. */
export class TrainError extends Error {}

export interface TrainOptions {
  graph: IRGraph;
  /** `synthetic`, `synthetic:N` (N images) or a folder. */
  data: string;
  /** Checkpoints and metrics; none written when left out. */
  out?: string;
  resume?: boolean;
  /** Start over in an --out folder holding a checkpoint, or write into one holding files incc did not write. */
  force?: boolean;
  overrides?: RecipeOverrides;
  /** Random crop and flip of the training images (data.ts). */
  augment?: boolean;
  /** A steps.jsonl record every this many steps (metrics.ts); 0: none. Default 10. */
  logEvery?: number;
  /** TensorBoard event files into this folder (tensorflow backend only). */
  tensorboard?: string;
  /** At most this many steps an epoch (smoke runs). */
  stepsPerEpoch?: number;
  backend?: BackendChoice;
  /** Where progress and messages go (stderr). */
  stream?: NodeJS.WritableStream;
  /** Checked after every step: true stops training after saving. */
  shouldStop?: () => boolean;
  /** `--init`: starting values by weights.ts name for the layers kept (backends/common/init-weights.ts). */
  init?: ReadonlyMap<string, Float32Array>;
  /**
   * `--freeze`: the nodes not trained. Their variables stay as they start, bit for bit; their batch norms run
   * in inference mode (moving statistics used, not updated), as Keras's do with `trainable = False`.
   */
  frozen?: ReadonlySet<number>;
}

export interface EpochMetrics {
  epoch: number;
  step: number;
  lr: number;
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
  grad_norm: number;
  images_per_second: number;
  seconds: number;
  time: string;
}

export interface TrainResult {
  backend: SelectedBackend;
  recipe: Recipe;
  epochs: EpochMetrics[];
  /** Epochs completed in all (resumed ones included). */
  epoch: number;
  globalStep: number;
  stopped: boolean;
  model: tf.LayersModel;
}

/** The plan trained: the compiled plan with each output's softmax taken out (see the header). */
export function logitsPlan(plan: LayerPlan): LayerPlan {
  const layers = plan.layers.map((l) => ({ ...l, config: { ...l.config } }));
  const byName = new Map(layers.map((l) => [l.name, l]));
  const outputs = plan.outputs.map((name) => {
    const l = byName.get(name)!;
    if (l.factory === 'softmax' || (l.factory === 'activation' && l.config['activation'] === 'softmax'))
      return l.inputs[0]!;
    if ((l.factory === 'dense' || l.factory === 'conv2d') && l.config['activation'] === 'softmax')
      l.config['activation'] = 'linear';
    else if (
      l.factory === 'activation' ||
      ((l.factory === 'dense' || l.factory === 'conv2d') && l.config['activation'] !== 'linear')
    ) {
      throw new TrainError(
        `the output ${name} ends in ${String(l.config['activation'])}: incc train needs logits or a softmax ` +
          `at the end of each head`,
      );
    }
    return name;
  });
  const needed = new Set<string>();
  const visit = (n: string): void => {
    if (needed.has(n)) return;
    needed.add(n);
    for (const i of byName.get(n)!.inputs) visit(i);
  };
  outputs.forEach(visit);
  return { ...plan, layers: layers.filter((l) => needed.has(l.name)), outputs };
}

/**
 * tfjs-layers 4.22's BatchNormalization reads `gamma` in training mode even when scale=false (Keras's
 * InceptionV3 setting) and crashes; give such layers a constant gamma of ones (not a variable: the layer's
 * weights and its saved config are unchanged, and ones is what scale=false means).
 */
export function patchBatchNormWithoutScale(model: tf.LayersModel): tf.Tensor[] {
  const made: tf.Tensor[] = [];
  for (const layer of model.layers) {
    const bn = layer as unknown as { gamma?: { read(): tf.Tensor } | null; movingMean?: tf.LayerVariable };
    if (layer.getClassName() !== 'BatchNormalization' || bn.gamma != null || !bn.movingMean) continue;
    const ones = tf.ones(bn.movingMean.shape as number[]);
    made.push(ones);
    bn.gamma = { read: () => ones };
  }
  return made;
}

/**
 * Freezes the nodes `frozen`: returns the names of their variables (left out of training) and puts their batch
 * norm layers in inference mode for good (Keras's `trainable = False`: moving statistics used, never updated).
 */
function freeze(model: tf.LayersModel, graph: IRGraph, plan: LayerPlan, frozen: ReadonlySet<number>): Set<string> {
  const names = new Set<string>();
  if (frozen.size === 0) return names;
  for (const [spec, name] of tfjsWeightNames(graph, plan)) if (frozen.has(spec.node)) names.add(name);
  for (const l of plan.layers) {
    if (!frozen.has(l.node) || l.factory !== 'batchNormalization') continue;
    const layer = model.getLayer(l.name) as unknown as {
      call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
    };
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  }
  return names;
}

function makeOptimizer(r: Recipe): tf.Optimizer {
  const o = r.optimizer;
  switch (o.name) {
    case 'rmsprop':
      return tf.train.rmsprop(o.lr, o.decay, o.momentum, o.epsilon, false);
    case 'momentum':
      return tf.train.momentum(o.lr, o.momentum, o.nesterov);
    case 'sgd':
      return tf.train.sgd(o.lr);
    case 'adam':
      return tf.train.adam(o.lr, o.beta1, o.beta2, o.epsilon);
  }
}

/** The learning rate is read on every step: sgd and momentum keep it as a tensor (setLearningRate). */
function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.learningRate === lr) return;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

function loadData(spec: string, shape: [number, number, number], classes: number, r: Recipe): Dataset {
  const m = /^synthetic(?::(\d+))?$/.exec(spec);
  if (m) {
    const count = m[1] === undefined ? undefined : Number(m[1]);
    if (count !== undefined && count < 4) throw new DataError('synthetic', `needs at least 4 images, not ${count}`);
    return syntheticDataset(shape, classes, { count, seed: r.seed, validationSplit: r.validationSplit });
  }
  return imageFolderDataset(spec, shape, classes, { seed: r.seed, validationSplit: r.validationSplit });
}

/** A batch of images (x / 127.5 - 1) and labels: the pixels read for `indices` of the split. */
function batchOf(
  split: Split,
  indices: ArrayLike<number>,
  pixels: Uint8Array,
  shape: [number, number, number],
): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const n = indices.length;
  const x = networkInput(pixels);
  const y = Int32Array.from(indices, (i) => split.labels[i]!);
  return { x: tf.tensor4d(x, [n, ...shape]), y: tf.tensor1d(y, 'int32') };
}

/** The outputs in inference mode (validation); training runs trainingForward (fused.ts). */
function outputsOf(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D[] {
  const out = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
  return (Array.isArray(out) ? out : [out]) as tf.Tensor2D[];
}

function accuracyOf(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, -1), tf.cast(y, 'int32')), 'float32'));
}

/** Validation: the main head's smoothed loss and accuracy, in batches, inference mode. */
async function evaluate(
  model: tf.LayersModel,
  split: Split,
  shape: [number, number, number],
  batchSize: number,
  eps: number,
  read: ReadOptions,
): Promise<{ loss: number; accuracy: number } | null> {
  if (split.count === 0) return null;
  let loss = 0;
  let correct = 0;
  const order = Int32Array.from({ length: split.count }, (_, i) => i);
  const steps = Math.ceil(split.count / batchSize);
  const queue = new BatchQueue(split, order, batchSize, shape, steps, 0, read);
  for (let step = 0; step < steps; step++) {
    const idx = queue.indicesOf(step);
    const pixels = await queue.next();
    tf.tidy(() => {
      const { x, y } = batchOf(split, idx, pixels, shape);
      const main = outputsOf(model, x)[0]!;
      loss += smoothedCrossEntropy(y, main, eps).dataSync()[0]! * idx.length;
      correct += accuracyOf(main, y).dataSync()[0]! * idx.length;
    });
  }
  return { loss: loss / split.count, accuracy: correct / split.count };
}

/** The exported model's weights from the trained one (or from the averages), by variable name. */
function copyWeights(from: Map<string, tf.Tensor>, to: tf.LayersModel): void {
  for (const w of to.weights) {
    const t = from.get(w.originalName);
    if (!t) throw new Error(`no trained value for ${w.originalName}`);
    w.write(t);
  }
}

/**
 * Trains; a run that cannot fit in memory stops before it starts (fit.ts), and one that runs out anyway
 * (wasm's `Aborted()`) ends with the same kind of message, as a TrainError.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  try {
    return await trainUnchecked(options);
  } catch (e) {
    if (!(e instanceof TrainError) && isOutOfMemory(e)) {
      throw new TrainError(
        outOfMemoryMessage(options.graph, resolveRecipe(options.graph, options.overrides ?? {}), tf.getBackend()),
      );
    }
    throw e;
  }
}

async function trainUnchecked(options: TrainOptions): Promise<TrainResult> {
  const stream = options.stream ?? process.stderr;
  const say = (line: string): void => void stream.write(`${line}\n`);
  const graph = options.graph;
  const recipe = resolveRecipe(graph, options.overrides ?? {});

  const inputNode = graph.nodes[graph.input]!;
  const outputNode = graph.nodes[graph.output]!;
  if (inputNode.shape.length !== 3) {
    throw new TrainError(
      `the input of ${graph.network} is ${shapeText(inputNode.shape)}: incc train needs an image input HxWxC`,
    );
  }
  if (outputNode.shape.length !== 1) {
    throw new TrainError(
      `the output of ${graph.network} is ${shapeText(outputNode.shape)}: incc train needs a vector of class scores`,
    );
  }
  const shape = inputNode.shape as [number, number, number];
  const classes = outputNode.shape[0]!;
  for (const h of graph.aux) {
    const s = graph.nodes[h.output]!.shape;
    if (s.length !== 1 || s[0] !== classes)
      throw new TrainError(
        `the aux head ${h.name} gives ${shapeText(s)}, not the ${classes} classes of the main output`,
      );
  }

  // The output folder and the checkpoint to resume are checked before anything loads or is written.
  const out = options.out;
  let saved: SavedCheckpoint | undefined;
  let metricsLines: string[] = [];
  if (out) {
    checkFolderReplaceable(out, isCheckpointFile, { force: options.force, keepsFolder: true });
    const hasState = existsSync(join(out, STATE_FILE));
    if (options.resume) {
      if (!hasState) throw new TrainError(`${out} has no checkpoint to resume (${STATE_FILE} is missing)`);
      saved = readSavedCheckpoint(out);
      const metrics = readMetrics(out, saved.state.epoch);
      metricsLines = metrics.lines;
      if (metrics.note) say(metrics.note);
    } else if (hasState && !options.force) {
      throw new TrainError(
        `${out} holds a checkpoint: --resume continues it; --force starts over, replacing it ` +
          '(and its metrics.jsonl) when the first epoch ends',
      );
    }
  } else if (options.resume) throw new TrainError('--resume needs --out DIR (the folder of the checkpoint)');

  const backend = await selectBackend(options.backend ?? 'auto').catch((e: unknown) => {
    throw e instanceof BackendError ? new TrainError(e.message) : e;
  });
  for (const f of backend.failures) say(`incc train: ${f}; falling back`);
  say(`incc train: ${graph.network} on the ${backend.name} backend (${backend.package})`);
  if (backend.advice) say(backend.advice);
  const tooBig = memoryProblem(graph, recipe, backend);
  if (tooBig) throw new TrainError(tooBig);

  if (options.tensorboard && !backend.summaryFileWriter) {
    throw new TrainError(
      `--tensorboard needs the tensorflow backend (@tensorflow/tfjs-node), not ${backend.name}: steps.jsonl ` +
        `and metrics.jsonl in --out have the same numbers`,
    );
  }
  const data = loadData(options.data, shape, classes, recipe);
  const decode = backend.decodeImage;
  say(
    `data: ${data.source}, ${data.classNames.length} classes, ${data.train.count} training and ` +
      `${data.validation.count} validation images at ${shapeText(shape)}`,
  );
  if (data.train.count === 0) throw new DataError(data.source, 'leaves no training images after the validation split');
  for (const line of describeRecipe(recipe)) say(`  ${line}`);

  // The model trained (logits) and the model exported (as compiled).
  const plan = planLayers(graph);
  const trainPlan = logitsPlan(plan);
  const model = modelOfPlan(trainPlan);
  setInitialWeights(model, graph, trainPlan, recipe.seed);
  if (options.init) setWeightValues(model, graph, trainPlan, options.init, true);
  const constants = patchBatchNormWithoutScale(model);
  const frozenNames = freeze(model, graph, trainPlan, options.frozen ?? new Set());
  const forward = trainingForward(model, trainPlan, options.frozen);
  const trainable = model.trainableWeights.filter((w) => !frozenNames.has(w.originalName));
  const variables = trainable.map((w) => w.read() as tf.Variable);
  // L2 weight decay on every kernel: conv, dense, a sepconv's depthwise and pointwise ones (as in train.py).
  const decayed = new Set(
    trainable.filter((w) => /\/(depthwise_|pointwise_)?kernel$/.test(w.originalName)).map((w) => w.originalName),
  );
  const optimizer = makeOptimizer(recipe);

  const batchSize = recipe.batchSize;
  const fullSteps = Math.ceil(data.train.count / batchSize);
  const stepsPerEpoch = Math.max(1, Math.min(fullSteps, options.stepsPerEpoch ?? fullSteps));

  let epoch = 0;
  let stepInEpoch = 0;
  let globalStep = 0;
  let ema: tf.Variable[] | null = recipe.ema ? variables.map((v) => tf.variable(v.clone(), false)) : null;

  if (saved && out) {
    const { state, bin } = saved;
    if (state.network !== graph.network)
      throw new TrainError(`the checkpoint in ${out} is of network ${state.network}, not ${graph.network}`);
    if (state.data.classNames.join('\n') !== data.classNames.join('\n'))
      throw new TrainError(
        `the checkpoint in ${out} was trained on other classes (${state.data.classNames.join(', ')})`,
      );
    if (state.optimizer.name !== recipe.optimizer.name)
      throw new TrainError(
        `the checkpoint in ${out} used ${state.optimizer.name}, the recipe says ${recipe.optimizer.name}`,
      );
    // The weights: model.json's, or with ema the live ones of the state.
    const values = new Map<string, tf.Tensor>();
    if (state.live) for (const e of state.live) values.set(e.name, unpackTensor(bin, e));
    else for (const [name, w] of saved.weights) values.set(name, tf.tensor(w.values, w.shape, 'float32'));
    for (const w of model.weights) {
      const t = values.get(w.originalName);
      if (!t || t.shape.join(',') !== w.shape.join(','))
        throw new TrainError(
          `the checkpoint in ${out} does not fit ${graph.network}: ${w.originalName} is ` +
            `${t ? `[${t.shape}]` : 'missing'}`,
        );
      w.write(t);
    }
    tf.dispose([...values.values()]);
    const slots = state.optimizer.slots.map((e) => ({ name: e.name, tensor: unpackTensor(bin, e) }));
    if (slots.length > 0) await optimizer.setWeights(slots);
    if (ema && state.ema) {
      ema.forEach((v, i) => v.assign(unpackTensor(bin, state.ema![i]!)));
    }
    epoch = state.epoch;
    stepInEpoch = state.stepsPerEpoch === stepsPerEpoch ? state.stepInEpoch : 0;
    globalStep = state.globalStep;
    say(
      `resuming ${out}: ${epoch} epoch${epoch === 1 ? '' : 's'} done, step ` +
        `${globalStep}${stepInEpoch ? ` (${stepInEpoch} into epoch ${epoch + 1})` : ''}`,
    );
    if (epoch >= recipe.epochs) say(`already trained ${epoch} epochs: pass --epochs N with N > ${epoch} to train more`);
  } else if (recipe.optimizer.name === 'rmsprop' && recipe.optimizer.initialMeanSquare !== 0) {
    // TF1's RMSProp starts its mean square at 1 (tfjs's at 0): set the slots before the first step.
    const ms = variables.map((v) => ({
      name: `${v.name}/rms`,
      tensor: tf.fill(v.shape, recipe.optimizer.name === 'rmsprop' ? recipe.optimizer.initialMeanSquare : 0),
    }));
    const mom = variables.map((v) => ({ name: `${v.name}/momentum`, tensor: tf.zerosLike(v) }));
    await optimizer.setWeights([{ name: 'iter', tensor: tf.scalar(0, 'int32') }, ...ms, ...mom]);
  }

  let exportModel: tf.LayersModel | undefined;
  if (out) mkdirSync(out, { recursive: true });
  /** The epoch of the checkpoint on disk (none: -1). */
  let savedEpoch = saved ? saved.state.epoch : -1;

  /** Writes the checkpoint, or throws a TrainError (writing nothing) when a weight or state is not finite. */
  const checkpoint = async (last: EpochMetrics | null): Promise<void> => {
    if (!out) return;
    exportModel ??= modelOfPlan(plan);
    const values = new Map<string, tf.Tensor>();
    for (const w of model.weights) values.set(w.originalName, w.read());
    if (ema) trainable.forEach((w, i) => values.set(w.originalName, ema![i]!));
    copyWeights(values, exportModel);
    for (const w of exportModel.weights) {
      const finite = firstNonFinite((await w.read().data()) as Float32Array) < 0;
      if (!finite) throw diverged(`the weight ${w.originalName} is NaN or infinite`);
    }
    const slots = await optimizer.getWeights();
    const named = [
      ...slots.map((s) => ({ name: `optimizer/${s.name}`, tensor: s.tensor })),
      ...(ema ? model.weights.map((w) => ({ name: `live/${w.originalName}`, tensor: w.read() as tf.Tensor })) : []),
      ...(ema ? trainable.map((w, i) => ({ name: `ema/${w.originalName}`, tensor: ema![i]! as tf.Tensor })) : []),
    ];
    const { entries, data: bin } = await packTensors(named);
    const bad = firstNonFinite(bin);
    if (bad >= 0) {
      throw diverged(`the saved state (${entries.filter((e) => e.offset <= bad).pop()!.name}) is NaN or infinite`);
    }
    const strip = (prefix: string): TensorEntry[] =>
      entries.filter((e) => e.name.startsWith(prefix)).map((e) => ({ ...e, name: e.name.slice(prefix.length) }));
    const state: TrainState = {
      format: 'incc-train-state',
      version: 1,
      network: graph.network,
      file: graph.file,
      args: graph.args,
      epoch,
      stepInEpoch,
      globalStep,
      stepsPerEpoch,
      recipe,
      data: {
        source: data.source,
        classNames: data.classNames,
        train: data.train.count,
        validation: data.validation.count,
      },
      optimizer: { name: recipe.optimizer.name, slots: strip('optimizer/') },
      live: ema ? strip('live/') : null,
      ema: ema ? strip('ema/') : null,
      lastMetrics: last as unknown as Record<string, unknown> | null,
      saved: new Date().toISOString(),
    };
    const metadata = {
      incc: { network: graph.network, file: graph.file, classNames: data.classNames, epoch, ema: recipe.ema !== null },
    };
    await writeCheckpoint(out, exportModel, metadata, state, bin, metricsLines.join(''));
    savedEpoch = epoch;
  };
  const kept = (): string => (savedEpoch >= 0 ? `keeps the checkpoint of epoch ${savedEpoch}` : 'has no checkpoint');
  /** A run that stops because the numbers went non-finite: the checkpoint on disk stays the last finite one. */
  const diverged = (what: string): TrainError =>
    new TrainError(
      `${what} at step ${globalStep}: stopping without saving (lower the learning rate, or clip the gradients)` +
        (out === undefined ? '' : `; ${out} ${kept()}`),
    );

  const stepLog = new StepLog(
    options.logEvery ?? 10,
    out,
    options.tensorboard ? backend.summaryFileWriter!(options.tensorboard) : null,
  );
  const progress = new Progress(stream);
  const history: EpochMetrics[] = [];
  let stopped = false;
  const evalWithEma = async (): Promise<{ loss: number; accuracy: number } | null> => {
    if (!ema) return evaluate(model, data.validation, shape, batchSize, recipe.labelSmoothing, { decode });
    // Swap the averages in for validation.
    const live = variables.map((v) => tf.clone(v));
    variables.forEach((v, i) => v.assign(ema![i]!));
    try {
      return await evaluate(model, data.validation, shape, batchSize, recipe.labelSmoothing, { decode });
    } finally {
      variables.forEach((v, i) => v.assign(live[i]!));
      tf.dispose(live);
    }
  };

  while (epoch < recipe.epochs && !stopped) {
    const order = permutation(data.train.count, mixSeed(recipe.seed, 0xe90c, epoch));
    progress.startEpoch();
    const t0 = performance.now();
    let lossSum = 0;
    let accSum = 0;
    let seen = 0;
    let lastNorm = 0;
    let lr = learningRateAt(recipe, globalStep, stepsPerEpoch);
    const firstStep = stepInEpoch;
    const augment = options.augment ? { seed: recipe.seed, epoch } : undefined;
    const queue = new BatchQueue(data.train, order, batchSize, shape, stepsPerEpoch, firstStep, { augment, decode });
    for (let step = firstStep; step < stepsPerEpoch; step++) {
      const idx = queue.indicesOf(step);
      const pixels = await queue.next();
      lr = learningRateAt(recipe, globalStep, stepsPerEpoch);
      setLearningRate(optimizer, lr);
      const [loss, acc, norm] = tf.tidy(() => {
        const { x, y } = batchOf(data.train, idx, pixels, shape);
        let accuracy: tf.Scalar | undefined;
        const { value, grads } = optimizer.computeGradients(() => {
          const [main, ...aux] = forward(x) as tf.Tensor2D[];
          const parts = trainingLoss(y, main!, aux, recipe.labelSmoothing, recipe.auxWeights);
          accuracy = tf.keep(accuracyOf(main!, y));
          let total = parts.total;
          if (recipe.weightDecay > 0) {
            const l2 = tf.addN(
              trainable.filter((w) => decayed.has(w.originalName)).map((w) => tf.sum(tf.square(w.read()))),
            );
            total = tf.add(total, tf.mul(l2, recipe.weightDecay / 2));
          }
          return total;
        }, variables);
        const clipped = clipGradients(grads, recipe.clip);
        // Every variable, in a fixed order (the optimizer keeps its slots by position); none missing.
        optimizer.applyGradients(
          variables.map((v) => ({ name: v.name, tensor: clipped.grads[v.name] ?? tf.zerosLike(v) })),
        );
        if (ema) {
          const d = Math.min(recipe.ema!.decay, (1 + globalStep) / (10 + globalStep));
          ema.forEach((e, i) => e.assign(tf.sub(e, tf.mul(tf.sub(e, variables[i]!), 1 - d))));
        }
        const r = [value.dataSync()[0]!, accuracy!.dataSync()[0]!, clipped.norm.dataSync()[0]!];
        accuracy!.dispose();
        return r;
      });
      lossSum += loss * idx.length;
      accSum += acc * idx.length;
      seen += idx.length;
      lastNorm = norm;
      globalStep++;
      stepInEpoch = step + 1;
      const elapsed = (performance.now() - t0) / 1000;
      const rate = seen / Math.max(elapsed, 1e-9);
      stepLog.step({
        epoch: epoch + 1,
        step: globalStep,
        lr,
        loss,
        accuracy: acc,
        grad_norm: norm,
        images_per_second: rate,
        time: new Date().toISOString(),
      });
      const done = step + 1 - firstStep;
      progress.update(epoch + 1, recipe.epochs, {
        step: step + 1,
        steps: stepsPerEpoch,
        loss: lossSum / seen,
        accuracy: accSum / seen,
        imagesPerSecond: seen / Math.max(elapsed, 1e-9),
        eta: (elapsed / done) * (stepsPerEpoch - step - 1),
      });
      if (!Number.isFinite(loss)) {
        progress.interrupt();
        throw diverged(`the loss is ${loss}`);
      }
      // Let signal handlers (Ctrl-C) run between steps.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    if (stopped && stepInEpoch < stepsPerEpoch) {
      progress.note(
        `stopped in epoch ${epoch + 1} at step ` +
          `${stepInEpoch}/${stepsPerEpoch}${out ? `; saving the state to ${out}` : ''}`,
      );
      await checkpoint(null);
      break;
    }
    epoch++;
    stepInEpoch = 0;
    const val = await evalWithEma();
    const m: EpochMetrics = {
      epoch,
      step: globalStep,
      lr,
      loss: lossSum / Math.max(seen, 1),
      accuracy: accSum / Math.max(seen, 1),
      val_loss: val?.loss ?? null,
      val_accuracy: val?.accuracy ?? null,
      grad_norm: lastNorm,
      images_per_second: seen / Math.max(seconds, 1e-9),
      seconds,
      time: new Date().toISOString(),
    };
    history.push(m);
    stepLog.epoch(m);
    progress.endEpoch(
      `epoch ${epoch}/${recipe.epochs}  loss ${m.loss.toFixed(4)}  acc ${m.accuracy.toFixed(3)}` +
        (val ? `  val_loss ${val.loss.toFixed(4)}  val_acc ${val.accuracy.toFixed(3)}` : '') +
        `  lr ${lr.toPrecision(4)}  ${m.images_per_second.toFixed(1)} img/s  ${formatDuration(seconds)}`,
    );
    if (out) {
      metricsLines.push(`${JSON.stringify(m)}\n`);
      await checkpoint(m);
    }
  }

  if (ema) variables.forEach((v, i) => v.assign(ema![i]!));
  optimizer.dispose();
  if (ema) tf.dispose(ema);
  ema = null;
  exportModel?.dispose();
  tf.dispose(constants);
  return { backend, recipe, epochs: history, epoch, globalStep, stopped, model };
}
