/**
 * A mutable view of a lowered ONNX graph for the optimization passes (backends/onnx/optimize/): who
 * produces and who reads each tensor, float initializers by name, attribute reading, fresh names. The
 * passes edit `graph.node` and `graph.initializer` in place and keep the node list in topological order
 * (each pass says why its edits do).
 */
import pkg from 'onnx-proto';
import { float32Bytes, float32LE } from '../../common/little-endian.js';

const { onnx } = pkg;
export type INodeProto = pkg.onnx.INodeProto;
export type ITensorProto = pkg.onnx.ITensorProto;
export type IGraphProto = pkg.onnx.IGraphProto;
export type IAttributeProto = pkg.onnx.IAttributeProto;

const A = onnx.AttributeProto.AttributeType;
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

export const attrInt = (name: string, i: number): IAttributeProto => ({ name, type: A.INT, i });
export const attrInts = (name: string, ints: number[]): IAttributeProto => ({ name, type: A.INTS, ints });

/** An INT or INTS attribute as numbers (protobufjs may hand back Longs); `fallback` when absent. */
export function intsOf(node: INodeProto, name: string, fallback: number[]): number[] {
  const a = node.attribute?.find((x) => x.name === name);
  if (!a) return fallback;
  if (a.type === A.INTS) return (a.ints ?? []).map(Number);
  return [Number(a.i ?? 0)];
}

export function intOf(node: INodeProto, name: string, fallback: number): number {
  return intsOf(node, name, [fallback])[0]!;
}

/** Whether every value of `xs` equals `v`. */
export const all = (xs: number[], v: number): boolean => xs.every((x) => x === v);

function int64Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return out;
}

export class GraphView {
  /** tensor name -> the node that writes it. */
  private producers = new Map<string, INodeProto>();
  /** tensor name -> the nodes that read it (a node once per input slot). */
  private readers = new Map<string, INodeProto[]>();
  private readonly inits = new Map<string, ITensorProto>();
  private readonly outputs: Set<string>;
  private readonly names = new Set<string>();

  constructor(readonly graph: IGraphProto) {
    this.outputs = new Set((graph.output ?? []).map((o) => o.name!));
    for (const t of graph.initializer ?? []) {
      this.inits.set(t.name!, t);
      this.names.add(t.name!);
    }
    for (const i of graph.input ?? []) this.names.add(i.name!);
    this.reindex();
  }

  /** Rebuilds the producer and reader maps after the node list changed. */
  reindex(): void {
    this.producers = new Map();
    this.readers = new Map();
    for (const n of this.graph.node ?? []) {
      if (n.name) this.names.add(n.name);
      for (const o of n.output ?? []) {
        this.producers.set(o, n);
        this.names.add(o);
      }
      for (const i of n.input ?? []) {
        const list = this.readers.get(i);
        if (list) list.push(n);
        else this.readers.set(i, [n]);
      }
    }
  }

  get nodes(): INodeProto[] {
    return (this.graph.node ??= []);
  }

  producer(tensor: string): INodeProto | undefined {
    return this.producers.get(tensor);
  }

  readersOf(tensor: string): INodeProto[] {
    return this.readers.get(tensor) ?? [];
  }

  isGraphOutput(tensor: string): boolean {
    return this.outputs.has(tensor);
  }

  /** The one node reading `tensor`, when it is read once and is not a graph output. */
  onlyReader(tensor: string): INodeProto | undefined {
    const r = this.readersOf(tensor);
    return r.length === 1 && !this.isGraphOutput(tensor) ? r[0] : undefined;
  }

  /** A name no tensor, node or initializer has yet (`base`, else `base_1`, ...); reserved. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  /** A float32 initializer's dims, or undefined when `name` is not one. */
  floatDims(name: string): number[] | undefined {
    const t = this.inits.get(name);
    return t && t.dataType === FLOAT ? (t.dims ?? []).map(Number) : undefined;
  }

  /** A float32 initializer's dims and values (a copy), or undefined when `name` is not one. */
  floatInit(name: string): { dims: number[]; values: Float32Array } | undefined {
    const t = this.inits.get(name);
    if (!t || t.dataType !== FLOAT) return undefined;
    const dims = (t.dims ?? []).map(Number);
    const count = dims.reduce((a, b) => a * b, 1);
    if (t.rawData && t.rawData.length === count * 4) return { dims, values: float32LE(t.rawData, count) };
    if (t.floatData && t.floatData.length === count) return { dims, values: Float32Array.from(t.floatData) };
    return undefined;
  }

  addFloatInit(base: string, dims: number[], values: Float32Array): string {
    const name = this.fresh(base);
    const t: ITensorProto = { name, dims, dataType: FLOAT, rawData: float32Bytes(values) };
    (this.graph.initializer ??= []).push(t);
    this.inits.set(name, t);
    return name;
  }

  addInt64Init(base: string, values: number[]): string {
    const name = this.fresh(base);
    const t: ITensorProto = { name, dims: [values.length], dataType: INT64, rawData: int64Bytes(values) };
    (this.graph.initializer ??= []).push(t);
    this.inits.set(name, t);
    return name;
  }

  /** Drops initializers that no node reads any more. */
  dropUnusedInitializers(): void {
    const read = new Set((this.graph.node ?? []).flatMap((n) => n.input ?? []));
    this.graph.initializer = (this.graph.initializer ?? []).filter(
      (t) => read.has(t.name!) || this.outputs.has(t.name!),
    );
    for (const name of [...this.inits.keys()]) if (!read.has(name)) this.inits.delete(name);
  }
}

/** A Conv whose kernel is a float initializer, with its attributes (ONNX defaults filled in). */
export interface ConvInfo {
  node: INodeProto;
  /** [out, in / group, kh, kw] */
  dims: number[];
  strides: number[];
  pads: number[];
  dilations: number[];
  group: number;
  hasBias: boolean;
}

export function convInfo(view: GraphView, node: INodeProto): ConvInfo | undefined {
  if (node.opType !== 'Conv' || (node.domain ?? '') !== '') return undefined;
  const input = node.input ?? [];
  const dims = view.floatDims(input[1] ?? '');
  if (!dims || dims.length !== 4) return undefined;
  if (input.length > 2 && input[2] !== '' && !view.floatDims(input[2]!)) return undefined;
  if (
    node.attribute?.some(
      (a) => a.name === 'auto_pad' && a.s && a.s.length > 0 && String.fromCharCode(...a.s) !== 'NOTSET',
    )
  )
    return undefined;
  return {
    node,
    dims,
    strides: intsOf(node, 'strides', [1, 1]),
    pads: intsOf(node, 'pads', [0, 0, 0, 0]),
    dilations: intsOf(node, 'dilations', [1, 1]),
    group: intOf(node, 'group', 1),
    hasBias: input.length > 2 && input[2] !== '',
  };
}

/** A 1x1 convolution with stride 1, no padding, no dilation and one group: a per-pixel matrix product. */
export function isPointwise(c: ConvInfo): boolean {
  return (
    c.dims[2] === 1 && c.dims[3] === 1 && all(c.strides, 1) && all(c.pads, 0) && all(c.dilations, 1) && c.group === 1
  );
}

/** Appends a line to a node's doc string. */
export function note(node: INodeProto, line: string): void {
  node.docString = node.docString ? `${node.docString}\n${line}` : line;
}
