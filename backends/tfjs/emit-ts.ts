/**
 * `incc compile --target tfjs --emit-ts`: model.ts, a TypeScript module that builds the same model with the
 * tf.layers API, for people who want to read or edit it. It prints the same plan buildModel runs
 * (plan.ts): one statement per layer, each block instance of the network (`mixed0`, `aux_logits`, ...) a
 * function, formatted with prettier.
 *
 * Nothing that comes from a .incp file reaches the code unescaped: every string (layer names, the
 * network's name, its arguments) is printed with JSON.stringify (and U+2028 / U+2029 escaped as well);
 * identifiers are made from names by keeping [A-Za-z0-9_] only, then checked against a pattern and the
 * reserved words; comments print names through the same escaping and with `*\/` broken up.
 */
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';
import type { ConfigValue, LayerFactory, LayerPlan, PlannedLayer } from './plan.js';
import { importModule } from '../common/import-module.js';
import type * as Prettier from 'prettier';

/** A string literal that cannot end early or start a new line, in any JS or TS context. */
export function stringLiteral(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for inside a comment: no line terminators, no `*\/`. */
export function commentText(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/[\r\n\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\*\//g, '*\\/');
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in ' +
    ('instanceof new null return super switch this throw true try typeof var void while with as implements ' +
      'interface let package private ') +
    ('protected public static yield any boolean constructor declare get module require number set string ' +
      'symbol type from of async await ') +
    'arguments eval undefined NaN Infinity globalThis process console'
  ).split(' '),
);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Unique identifiers in one scope, made from arbitrary names. */
class Identifiers {
  private readonly used: Set<string>;

  constructor(parent?: Identifiers, taken: string[] = []) {
    this.used = new Set([...(parent ? parent.used : []), ...taken]);
  }

  take(text: string): string {
    let base = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
    if (base === '') base = 'v';
    if (/^[0-9]/.test(base)) base = `_${base}`;
    let name = base;
    for (let k = 2; this.used.has(name) || RESERVED.has(name); k++) name = `${base}_${k}`;
    if (!IDENTIFIER.test(name) || RESERVED.has(name))
      throw new Error(`model.ts: ${JSON.stringify(name)} is not a safe identifier`);
    this.used.add(name);
    return name;
  }
}

/** A config value as a TypeScript literal. */
function literal(v: ConfigValue): string {
  if (typeof v === 'string') return stringLiteral(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`model.ts: ${v} is not a finite number`);
    return Object.is(v, -0) ? '0' : String(v);
  }
  return `[${(v as ConfigValue[]).map((x) => literal(x)).join(', ')}]`;
}

function configLiteral(config: Record<string, ConfigValue>): string {
  return `{ ${Object.entries(config)
    .map(([k, v]) => {
      if (!IDENTIFIER.test(k)) throw new Error(`model.ts: bad config key ${JSON.stringify(k)}`);
      return `${k}: ${literal(v)}`;
    })
    .join(', ')} }`;
}

interface Group {
  instance: string;
  block: string;
  line: number;
  layers: PlannedLayer[];
  /** Layers outside the group whose outputs it reads, in order of first use. */
  inputs: string[];
  /** Its one layer read from outside (or a model output). */
  output: string;
  /** Index in plan.layers of its last layer: where the call goes. */
  at: number;
}

/** Block instances (a node's outermost frame) that can be a function: one output, read only after the group. */
function functionGroups(graph: IRGraph, plan: LayerPlan): Map<string, Group> {
  const nodes: IRNode[] = graph.nodes;
  const byInstance = new Map<string, { layers: PlannedLayer[]; indices: number[] }>();
  plan.layers.forEach((l, i) => {
    const frame = nodes[l.node]!.origin[0];
    if (!frame) return;
    const g = byInstance.get(frame.instance) ?? { layers: [], indices: [] };
    g.layers.push(l);
    g.indices.push(i);
    byInstance.set(frame.instance, g);
  });
  const groups = new Map<string, Group>();
  for (const [instance, { layers, indices }] of byInstance) {
    const own = new Set(layers.map((l) => l.name));
    const inputs: string[] = [];
    for (const l of layers) for (const i of l.inputs) if (!own.has(i) && !inputs.includes(i)) inputs.push(i);
    const at = indices[indices.length - 1]!;
    const readOutside = new Set<string>();
    let readTooEarly = false;
    plan.layers.forEach((l, i) => {
      if (own.has(l.name)) return;
      for (const src of l.inputs) {
        if (!own.has(src)) continue;
        readOutside.add(src);
        if (i < at) readTooEarly = true;
      }
    });
    for (const o of plan.outputs) if (own.has(o)) readOutside.add(o);
    if (readOutside.size !== 1 || readTooEarly || inputs.length === 0) continue;
    const frame = nodes[layers[0]!.node]!.origin[0]!;
    groups.set(instance, {
      instance,
      block: frame.block,
      line: frame.span.startLine,
      layers,
      inputs,
      output: [...readOutside][0]!,
      at,
    });
  }
  return groups;
}

/**
 * Options model.ts leaves out because they are tfjs's defaults (the model built either way has the same
 * layer configs: test/tfjs-compile.test.ts compares them).
 */
const DEFAULTS: Partial<Record<LayerFactory, Record<string, ConfigValue>>> = {
  conv2d: { strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true },
  batchNormalization: { axis: -1, center: true },
  dense: { activation: 'linear', useBias: true },
  concatenate: { axis: -1 },
  softmax: { axis: -1 },
};

function withoutDefaults(l: PlannedLayer): Record<string, ConfigValue> {
  const defaults = DEFAULTS[l.factory] ?? {};
  return Object.fromEntries(
    Object.entries(l.config).filter(([k, v]) => !(k in defaults) || JSON.stringify(defaults[k]) !== JSON.stringify(v)),
  );
}

function applyStatement(l: PlannedLayer, variable: string, vars: Map<string, string>): string {
  const config = configLiteral(withoutDefaults(l));
  if (l.factory === 'input') return `const ${variable} = tf.input(${config});`;
  const args = l.inputs.map((i) => vars.get(i)!);
  return `const ${variable} = apply(tf.layers.${l.factory}(${config}), ${args.join(', ')});`;
}

/** The part of a layer name after its group's scope, for a readable variable name. */
function localName(layer: string, scope: string): string {
  return layer.startsWith(`${scope}/`) ? layer.slice(scope.length + 1) : layer;
}

export interface EmitOptions {
  /** incc's version, for the header. */
  version?: string;
}

/** The TypeScript source (not yet formatted). */
export function typeScriptSource(graph: IRGraph, plan: LayerPlan, options: EmitOptions = {}): string {
  const moduleScope = new Identifiers(undefined, ['tf', 'apply', 'buildModel', 'renamed']);
  const groups = functionGroups(graph, plan);
  const functionNames = new Map<string, string>();
  for (const g of groups.values()) functionNames.set(g.instance, moduleScope.take(g.instance));
  const groupOf = new Map<string, Group>();
  for (const g of groups.values()) for (const l of g.layers) groupOf.set(l.name, g);

  const out: string[] = [];
  const args = JSON.stringify(graph.args);
  const version = options.version ? ` ${options.version}` : '';
  out.push(
    `// ${commentText(`${graph.network}, compiled by incc${version} from ${graph.file}`)}`,
    `// ${commentText(`Network arguments: ${args}`)}`,
    '//',
    "// buildModel() makes the model with tfjs's own random initial weights; the compiled weights are in",
    "// model.json next to this file (tf.loadLayersModel). Layer names are the IR's qualified names; see",
    '// `renamed` for names tfjs does not accept as they are.',
    '',
    "import * as tf from '@tensorflow/tfjs';",
    '',
    '/** Applies a layer to one or more symbolic tensors. */',
    'function apply(layer: tf.layers.Layer, ...inputs: tf.SymbolicTensor[]): tf.SymbolicTensor {',
    '  return layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;',
    '}',
    '',
  );

  const renamed = graph.nodes.filter((n) => plan.nodeOutput[n.id] !== undefined && firstLayerOf(plan, n) !== n.name);
  out.push('/** IR node names that tfjs does not accept, by the tfjs layer name used instead. */');
  out.push(
    `export const renamed: Record<string, string> = { ` +
      `${renamed.map((n) => `${stringLiteral(firstLayerOf(plan, n))}: ${stringLiteral(n.name)}`).join(', ')} };`,
    '',
  );

  for (const g of groups.values()) {
    const scope = new Identifiers(moduleScope);
    const vars = new Map<string, string>();
    const params = g.inputs.map((i) => {
      const p = scope.take(g.inputs.length === 1 ? 'x' : localName(i, g.instance));
      vars.set(i, p);
      return p;
    });
    out.push(`/** ${commentText(`${g.instance}: ${g.block} (${graph.file} line ${g.line})`)} */`);
    out.push(
      `function ` +
        `${functionNames.get(g.instance)!}(${params.map((p) => `${p}: tf.SymbolicTensor`).join(', ')}): ` +
        `tf.SymbolicTensor {`,
    );
    for (const l of g.layers) {
      const v = scope.take(localName(l.name, g.instance));
      out.push(applyStatement(l, v, vars));
      vars.set(l.name, v);
    }
    out.push(`return ${vars.get(g.output)!};`, '}', '');
  }

  const scope = new Identifiers(moduleScope);
  const vars = new Map<string, string>();
  out.push(`/** ${commentText(`Builds ${graph.network}: outputs ${plan.outputs.join(', ')}.`)} */`);
  out.push('export function buildModel(): tf.LayersModel {');
  plan.layers.forEach((l, i) => {
    const g = groupOf.get(l.name);
    if (g) {
      if (g.at !== i) return;
      const v = scope.take(`${g.instance}_out`);
      out.push(`const ${v} = ${functionNames.get(g.instance)!}(${g.inputs.map((x) => vars.get(x)!).join(', ')});`);
      vars.set(g.output, v);
      return;
    }
    const v = scope.take(l.name);
    out.push(applyStatement(l, v, vars));
    vars.set(l.name, v);
  });
  const outputs = plan.outputs.map((o) => vars.get(o)!);
  out.push(
    `return tf.model({ inputs: ${vars.get(plan.input)!}, outputs: ` +
      `${outputs.length === 1 ? outputs[0]! : `[${outputs.join(', ')}]`}, name: ` +
      `${stringLiteral(plan.modelName)} });`,
    '}',
    '',
    'export default buildModel;',
    '',
  );
  return out.join('\n');
}

/** The node's own layer (for a conv with batch norm the conv; for an average pool after its padding, the pool). */
function firstLayerOf(plan: LayerPlan, n: IRNode): string {
  return plan.layers.find((l) => l.node === n.id && l.role === 'layer')!.name;
}

/** model.ts, formatted with prettier (parser "typescript"). */
export async function emitTypeScript(graph: IRGraph, plan: LayerPlan, options: EmitOptions = {}): Promise<string> {
  const prettier = await importModule<typeof Prettier>('prettier');
  return prettier.format(typeScriptSource(graph, plan, options), {
    parser: 'typescript',
    printWidth: 120,
    singleQuote: true,
  });
}
