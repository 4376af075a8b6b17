/**
 * `horizontal`: the 1x1 convolutions that read the same tensor (three or four per Inception module: the
 * 1x1 branch, the reductions before the larger kernels and, after `pool-conv`, the pool branch's) become
 * one convolution with all their filters, followed by a Split into the original tensors (what TensorRT
 * does with such siblings).
 *
 * Exact: each output channel of a convolution depends only on its own filter and bias, so stacking the
 * filters ([out, in, 1, 1] kernels concatenated along out; biases likewise, zeros for a convolution
 * without one) computes the same channels side by side. When every member is followed by the same
 * activation and nothing else reads its output (the folded conv -> Relu chain), the activation runs once
 * on the wide output and the Split yields the activations' tensors; otherwise (a pool moved after its
 * convolution by `pool-conv`, a BatchNormalization kept by --no-fold-bn) the Split comes right after the
 * convolution and every member's readers stay as they were.
 *
 * The fused nodes take the place of the first member in the node list: they read only the shared input,
 * written before it, and every reader of a member's output came after that member.
 */
import {
  attrInt,
  attrInts,
  convInfo,
  intsOf,
  isPointwise,
  type ConvInfo,
  type GraphView,
  type INodeProto,
} from './graph.js';

/** Activations that may run once on the fused output: elementwise, no attributes, one input. */
const ELEMENTWISE = new Set(['Relu', 'Sigmoid', 'Tanh']);

/** The longest common `/`-separated prefix of the names (`mixed0/`), or ''. */
function commonPrefix(names: string[]): string {
  const parts = names.map((n) => n.split('/').slice(0, -1));
  const first = parts[0]!;
  let k = 0;
  while (k < first.length && parts.every((p) => p[k] === first[k])) k++;
  return k === 0 ? '' : `${first.slice(0, k).join('/')}/`;
}

/** The activation that alone reads `conv`'s output, when every member has the same one. */
function sharedActivation(view: GraphView, members: ConvInfo[]): INodeProto[] | undefined {
  const acts = members.map((m) => view.onlyReader(m.node.output![0]!));
  const first = acts[0];
  if (!first || !ELEMENTWISE.has(first.opType!) || (first.domain ?? '') !== '') return undefined;
  const ok = acts.every(
    (a) => a && a.opType === first.opType && (a.domain ?? '') === '' && a.input!.length === 1 && !a.attribute?.length,
  );
  return ok ? (acts as INodeProto[]) : undefined;
}

function fuse(view: GraphView, members: ConvInfo[]): INodeProto[] {
  const x = members[0]!.node.input![0]!;
  const cin = members[0]!.dims[1]!;
  const widths = members.map((m) => m.dims[0]!);
  const total = widths.reduce((a, b) => a + b, 0);
  const base = `${commonPrefix(members.map((m) => m.node.name ?? ''))}fused_1x1`;
  const name = view.fresh(base);
  const kernel = new Float32Array(total * cin);
  const bias = new Float32Array(total);
  let o = 0;
  for (const m of members) {
    kernel.set(view.floatInit(m.node.input![1]!)!.values, o * cin);
    if (m.hasBias) bias.set(view.floatInit(m.node.input![2]!)!.values, o);
    o += m.dims[0]!;
  }
  const inputs = [x, view.addFloatInit(`${name}/kernel`, [total, cin, 1, 1], kernel)];
  if (members.some((m) => m.hasBias)) inputs.push(view.addFloatInit(`${name}/bias`, [total], bias));
  const doc = [
    `${name}: ${members.length} 1x1 convolutions reading ${x}, fused by incc's horizontal optimization:`,
    ...members.map((m) => `  ${m.node.name} (${m.dims[0]} filters)`),
    ...members.map((m) => m.node.docString ?? ''),
  ].join('\n');
  const wide = view.fresh(`${name}/conv`);
  const out: INodeProto[] = [
    {
      name,
      opType: 'Conv',
      input: inputs,
      output: [wide],
      attribute: [
        attrInts('kernel_shape', [1, 1]),
        attrInts('strides', [1, 1]),
        attrInts('pads', [0, 0, 0, 0]),
        attrInts('dilations', [1, 1]),
        attrInt('group', 1),
      ],
      docString: doc,
    },
  ];
  const acts = sharedActivation(view, members);
  let splitInput = wide;
  let targets = members.map((m) => m.node.output![0]!);
  if (acts) {
    const act = acts[0]!;
    splitInput = view.fresh(`${name}/${act.opType!.toLowerCase()}`);
    out.push({
      name: splitInput,
      opType: act.opType,
      input: [wide],
      output: [splitInput],
      attribute: [],
      docString: doc,
    });
    targets = acts.map((a) => a.output![0]!);
  }
  out.push({
    name: view.fresh(`${name}/split`),
    opType: 'Split',
    input: [splitInput, view.addInt64Init(`${name}/split_sizes`, widths)],
    output: targets,
    attribute: [attrInt('axis', 1)],
    docString: doc,
  });
  return out;
}

/** Fuses every group of 1x1 convolutions reading one tensor; returns how many groups were fused. */
export function horizontal(view: GraphView): number {
  const groups = new Map<string, ConvInfo[]>();
  for (const n of view.nodes) {
    const c = convInfo(view, n);
    if (!c || !isPointwise(c) || intsOf(n, 'kernel_shape', [1, 1]).length !== 2) continue;
    const x = n.input![0]!;
    const list = groups.get(x);
    if (list) list.push(c);
    else groups.set(x, [c]);
  }
  // Groups are disjoint and fusing one renames no tensor another's checks read: build every
  // replacement, then rewrite the node list once.
  const replacements = new Map<INodeProto, INodeProto[]>();
  const replaced = new Set<INodeProto>();
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    for (const n of [...members.map((m) => m.node), ...(sharedActivation(view, members) ?? [])]) replaced.add(n);
    replacements.set(members[0]!.node, fuse(view, members));
  }
  if (replacements.size === 0) return 0;
  view.graph.node = view.nodes.flatMap((n) => replacements.get(n) ?? (replaced.has(n) ? [] : [n]));
  view.reindex();
  view.dropUnusedInitializers();
  return replacements.size;
}
