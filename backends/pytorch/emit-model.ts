/**
 * model.py: the IR graph as a self-contained torch.nn.Module (spec/pytorch.md).
 *
 * One attribute per IR node that has a layer (conv, sepconv, dense, batch norm, pools, dropout), named by
 * backends/common/torch-state.ts, created in IR order; parameterless steps (concat, global average pool,
 * flatten, activations) are written inline in `forward`, which follows the IR order with one local
 * variable per node (named like its attribute). Nodes of auxiliary heads run only in training mode, where
 * `forward` returns (main, aux...). `forward(x, logits=True)` leaves out the final softmax of each head
 * (the training loss is computed from logits).
 *
 * TF's padding is reproduced exactly for the compiled input size: "SAME" pads that are the same on both
 * sides are the PyTorch layer's own `padding`; where TF pads one more row or column at the end, an explicit
 * pad comes first (zeros for convolutions, -inf for max pools; an average pool divides by the number of
 * real inputs in each window, as TF does). Batch norm keeps Keras's epsilon and takes PyTorch's momentum
 * convention (1 - Keras momentum); without Keras's `scale` the gamma is frozen at 1.
 */
import type { Activation, BatchNormAttrs, IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { axisPads } from '../../compiler/ir/kinds/spatial.js';
import { pythonIdentifiers } from '../common/torch-state.js';
import { call, pyBool, pyFloat, pyString, pyTuple, type Arg } from './python.js';

export interface ModelSource {
  /** model.py's text. */
  text: string;
  /** The class name. */
  className: string;
}

/** PyTorch's momentum for a Keras momentum, without the float noise of 1 - m (0.99 -> 0.01). */
export function torchMomentum(kerasMomentum: number): number {
  return Number((1 - kerasMomentum).toPrecision(12));
}

/** `inception_v3` -> `InceptionV3`; a name of model.py's own helpers gets `Net` after it. */
export function className(network: string): string {
  let name = network
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  if (name === '' || /^[0-9]/.test(name)) name = `Net${name}`;
  if (['ConvBN', 'SepConvBN', 'Dense', 'AvgPoolSame', 'Model'].includes(name)) name = `${name}Net`;
  return name;
}

/** [left, right, top, bottom] of TF's padding for a layer reading an [h, w] map. */
function tfPads(
  inShape: number[],
  kernel: [number, number],
  stride: [number, number],
  padding: 'same' | 'valid',
): [number, number, number, number] {
  const [top, bottom] = axisPads(inShape[0]!, kernel[0], stride[0], padding);
  const [left, right] = axisPads(inShape[1]!, kernel[1], stride[1], padding);
  return [left, right, top, bottom];
}

const symmetric = (p: [number, number, number, number]): boolean => p[0] === p[1] && p[2] === p[3];

/** A Python `__init__` signature of a model.py helper class: `self`, then `parameters`, one a line. */
function pyInit(parameters: string[]): string[] {
  return ['    def __init__(', '        self,', ...parameters.map((p) => `        ${p},`), '    ) -> None:'];
}

/** The nodes the outputs (main and aux) depend on. */
function liveNodes(graph: IRGraph): Set<number> {
  const live = new Set<number>();
  const stack = [graph.output, ...graph.aux.map((a) => a.output)];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    stack.push(...graph.nodes[id]!.inputs);
  }
  return live;
}

/** Keras's softmax at the end of a head: taken out when forward is asked for logits. */
function endsInSoftmax(n: IRNode): boolean {
  const a = n.attrs;
  return (
    a.op === 'softmax' ||
    (a.op === 'activation' && a.activation === 'softmax') ||
    ((a.op === 'conv' || a.op === 'sepconv' || a.op === 'dense') && a.activation === 'softmax')
  );
}

const ACTIVATION_CALL: Record<Exclude<Activation, 'linear'>, (x: string) => string> = {
  relu: (x) => `torch.relu(${x})`,
  relu6: (x) => `F.relu6(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  softmax: (x) => `torch.softmax(${x}, dim=1)`,
};

class ModelWriter {
  readonly ids: Map<number, string>;
  readonly live: Set<number>;
  readonly heads: Set<number>;
  readonly init: string[] = [];
  readonly forward: string[] = [];
  readonly uses = new Set<'ConvBN' | 'SepConvBN' | 'Dense' | 'AvgPoolSame' | 'batch_norm' | 'F'>();

  constructor(readonly graph: IRGraph) {
    this.ids = pythonIdentifiers(graph);
    this.live = liveNodes(graph);
    this.heads = new Set([graph.output, ...graph.aux.map((a) => a.output)]);
    this.convDefaults = this.commonConv();
  }

  id(n: number): string {
    return this.ids.get(n)!;
  }

  inShape(n: IRNode): number[] {
    return this.graph.nodes[n.inputs[0]!]!.shape;
  }

  /** ConvBN's and SepConvBN's defaults: the most common batch norm and activation of the network's convolutions. */
  readonly convDefaults: { bn: string; scale: boolean; activation: string };

  bnText(bn: BatchNormAttrs | null): string {
    return bn ? `(${pyFloat(bn.epsilon)}, ${pyFloat(torchMomentum(bn.momentum))})` : 'None';
  }

  commonConv(): { bn: string; scale: boolean; activation: string } {
    const counts = new Map<string, number>();
    let best = { bn: 'None', scale: true, activation: 'linear' };
    let bestCount = 0;
    for (const n of this.graph.nodes) {
      if (n.attrs.op !== 'conv' && n.attrs.op !== 'sepconv') continue;
      const c = {
        bn: this.bnText(n.attrs.bn),
        scale: n.attrs.bn ? n.attrs.bn.scale : true,
        activation: this.convActivation(n),
      };
      const key = JSON.stringify(c);
      const k = (counts.get(key) ?? 0) + 1;
      counts.set(key, k);
      if (k > bestCount) {
        best = c;
        bestCount = k;
      }
    }
    return best;
  }

  convActivation(n: IRNode): string {
    const a = n.attrs;
    if (a.op !== 'conv' && a.op !== 'sepconv' && a.op !== 'dense') return 'linear';
    return this.heads.has(n.id) && a.activation === 'softmax' ? 'linear' : a.activation;
  }

  /** The module of a node (a line of __init__), or undefined for a step written inline in forward. */
  module(n: IRNode): Arg[] | undefined {
    const a = n.attrs;
    switch (a.op) {
      case 'conv':
      case 'sepconv': {
        const module = a.op === 'conv' ? 'ConvBN' : 'SepConvBN';
        this.uses.add(module);
        const p = tfPads(this.inShape(n), a.kernel, a.stride, a.padding);
        const args: string[] = [String(this.inShape(n)[2]), String(a.filters), pyTuple(a.kernel)];
        if (a.stride[0] !== 1 || a.stride[1] !== 1) args.push(`stride=${pyTuple(a.stride)}`);
        if (symmetric(p)) {
          if (p[0] !== 0 || p[2] !== 0) args.push(`padding=${pyTuple([p[2], p[0]])}`);
        } else args.push(`tf_pad=${pyTuple(p)}`);
        if (a.bias) args.push('bias=True');
        const d = this.convDefaults;
        const bn = this.bnText(a.bn);
        if (bn !== d.bn) args.push(`bn=${bn}`);
        if (a.bn && a.bn.scale !== d.scale) args.push(`bn_scale=${pyBool(a.bn.scale)}`);
        const act = this.convActivation(n);
        if (act !== d.activation) args.push(`activation=${pyString(act)}`);
        return [module, ...args];
      }
      case 'dense': {
        this.uses.add('Dense');
        const args = [String(this.inShape(n)[0]), String(a.units)];
        if (!a.bias) args.push('bias=False');
        const act = this.convActivation(n);
        if (act !== 'linear') args.push(`activation=${pyString(act)}`);
        return ['Dense', ...args];
      }
      case 'batchnorm': {
        this.uses.add('batch_norm');
        const bn = a.bn;
        const args = [String(n.shape[n.shape.length - 1]), pyFloat(bn.epsilon), pyFloat(torchMomentum(bn.momentum))];
        if (!bn.scale) args.push('scale=False');
        if (n.shape.length !== 3) args.push('dims=1');
        return ['batch_norm', ...args];
      }
      case 'maxpool':
      case 'avgpool': {
        const p = tfPads(this.inShape(n), a.kernel, a.stride, a.padding);
        const base = [pyTuple(a.kernel), pyTuple(a.stride)];
        const counted = a.op === 'avgpool' && a.countIncludePad;
        if (symmetric(p)) {
          const pad = p[0] !== 0 || p[2] !== 0 ? [`padding=${pyTuple([p[2], p[0]])}`] : [];
          // TF's average pool leaves the padding out of the mean; count_include_pad=true counts it (PyTorch's).
          const include =
            a.op === 'avgpool' && pad.length > 0 ? [`count_include_pad=${counted ? 'True' : 'False'}`] : [];
          return [a.op === 'maxpool' ? 'nn.MaxPool2d' : 'nn.AvgPool2d', ...base, ...pad, ...include];
        }
        // Asymmetric padding whose zeros count: zeros, then a pool of whole windows.
        if (counted) return ['nn.Sequential', `nn.ZeroPad2d(${pyTuple(p)})`, `nn.AvgPool2d(${base.join(', ')})`];
        if (a.op === 'avgpool') {
          this.uses.add('AvgPoolSame');
          return ['AvgPoolSame', ...base, pyTuple(p), pyTuple(this.inShape(n).slice(0, 2))];
        }
        // Max pool: TF's padding never wins a max, as -inf does not.
        return ['nn.Sequential', `nn.ConstantPad2d(${pyTuple(p)}, float("-inf"))`, `nn.MaxPool2d(${base.join(', ')})`];
      }
      case 'dropout':
        return ['nn.Dropout', pyFloat(a.rate)];
      default:
        return undefined;
    }
  }

  /** The forward statements of a node (at `indent`). */
  step(n: IRNode, indent: number): string[] {
    const a = n.attrs;
    const id = this.id(n.id);
    const x = n.inputs.length > 0 ? this.id(n.inputs[0]!) : '';
    const pad = ' '.repeat(indent);
    const head = this.heads.has(n.id) && endsInSoftmax(n);
    const softmaxUnlessLogits = [`${pad}if not logits:`, `${pad}    ${id} = torch.softmax(${id}, dim=1)`];
    switch (a.op) {
      case 'conv':
      case 'sepconv':
      case 'dense':
        return [
          ...call(indent, `${id} = self.${id}`, [x]),
          ...(head && a.activation === 'softmax' ? softmaxUnlessLogits : []),
        ];
      case 'batchnorm':
      case 'maxpool':
      case 'avgpool':
      case 'dropout':
        return call(indent, `${id} = self.${id}`, [x]);
      case 'gap':
        return call(indent, `${id} = torch.mean`, [x, 'dim=(2, 3)']);
      case 'flatten': {
        const s = this.inShape(n);
        // The IR flattens in NHWC order (H, W, C), as the dense weights after it expect.
        if (s.length === 3 && s[0]! * s[1]! > 1 && s[2]! > 1)
          return call(indent, `${id} = torch.flatten`, [`${x}.permute(0, 2, 3, 1)`, '1']);
        return call(indent, `${id} = torch.flatten`, [x, '1']);
      }
      case 'concat':
        return call(indent, `${id} = torch.cat`, [{ list: n.inputs.map((i) => this.id(i)) }, 'dim=1']);
      case 'softmax':
        return head
          ? [`${pad}${id} = ${x}`, ...softmaxUnlessLogits]
          : call(indent, `${id} = torch.softmax`, [x, 'dim=1']);
      case 'activation': {
        if (a.activation === 'linear') return [`${pad}${id} = ${x}`];
        if (head && a.activation === 'softmax') return [`${pad}${id} = ${x}`, ...softmaxUnlessLogits];
        if (a.activation === 'relu6') this.uses.add('F');
        const text = ACTIVATION_CALL[a.activation](x);
        const open = text.indexOf('(');
        return call(indent, `${id} = ${text.slice(0, open)}`, text.slice(open + 1, -1).split(', '));
      }
      case 'input':
        throw new Error('internal: the input is the argument of forward, not a step');
      default: {
        const unhandled: never = a;
        throw new Error(`internal: no PyTorch lowering for ${(unhandled as { op: string }).op}`);
      }
    }
  }

  /** A comment line when the top-level block instance changes (`# mixed0: InceptionA`). */
  blockComment(n: IRNode, indent: number, lines: string[], state: { last: string | undefined }): void {
    const f = n.origin[0];
    const key = f ? f.instance : undefined;
    if (key === state.last) return;
    state.last = key;
    if (f && lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
    if (f) lines.push(`${' '.repeat(indent)}# ${f.instance}: ${f.block}`);
  }

  run(version: string): ModelSource {
    const g = this.graph;
    const name = className(g.network);
    const initState = { last: undefined as string | undefined };
    for (const n of g.nodes) {
      if (n.id === g.input) continue;
      const m = this.module(n);
      if (!m) continue;
      this.blockComment(n, 8, this.init, initState);
      const [ctor, ...args] = m as [string, ...Arg[]];
      this.init.push(...call(8, `self.${this.id(n.id)} = ${ctor}`, args));
    }
    const fwdState = { last: undefined as string | undefined };
    let inAux = false;
    for (const n of g.nodes) {
      if (n.id === g.input || !this.live.has(n.id)) continue;
      const aux = n.head !== 'main';
      if (aux && !inAux) {
        if (this.forward.length > 0 && this.forward[this.forward.length - 1] !== '') this.forward.push('');
        this.forward.push('        if self.training:');
        fwdState.last = undefined;
      } else if (!aux && inAux) this.forward.push('');
      inAux = aux;
      const indent = aux ? 12 : 8;
      if (!aux) this.blockComment(n, indent, this.forward, fwdState);
      this.forward.push(...this.step(n, indent));
    }
    const main = this.id(g.output);
    const auxOuts = g.aux.map((h) => this.id(h.output));
    const ret: string[] = [];
    if (auxOuts.length > 0) {
      const both = `            return ${[main, ...auxOuts].join(', ')}`;
      ret.push(
        '',
        '        if self.training:',
        ...(both.length <= 88 ? [both] : call(12, 'return ', [[main, ...auxOuts].join(', ')])),
      );
    }
    ret.push('        return ' + main);
    return { text: this.file(name, version, ret), className: name };
  }

  file(name: string, version: string, ret: string[]): string {
    const g = this.graph;
    const input = g.nodes[g.input]!;
    const [h, w, c] = input.shape as [number, number, number];
    const out = g.nodes[g.output]!;
    const describe = (n: IRNode): string =>
      `${n.name} [N, ${n.shape.join(', ')}]${endsInSoftmax(n) ? ' (softmax)' : ''}`;
    const auxDoc = g.aux.map((a) => `${describe(g.nodes[a.output]!)} (auxiliary head ${a.name})`);
    const lines: string[] = [
      `"""${g.network}, compiled by incc ${version} (incc compile --target pytorch).`,
      '',
      `Source: ${g.file}.`,
      '',
      `Input: float32 NCHW [N, ${c}, ${h}, ${w}]. Output: ${describe(out)}.`,
      ...(auxDoc.length > 0
        ? [
            `In training mode forward returns (main, ${g.aux.map((a) => a.name).join(', ')}):`,
            ...auxDoc.map((d) => `  ${d}.`),
          ]
        : []),
      'forward(x, logits=True) leaves out the final softmax of each head.',
      '',
      'TF "SAME" padding is reproduced exactly for this input size (an explicit pad in front',
      'where TF pads one more row or column at the end). Batch norm: Keras epsilon, PyTorch',
      "momentum = 1 - Keras momentum; without Keras's `scale` the gamma is frozen at 1.",
      "Attributes and state dict keys are the .incp qualified names with '/' written '_'.",
      '"""',
      '',
      'import torch',
      ...(this.uses.has('F') ? ['import torch.nn.functional as F'] : []),
      'from torch import nn',
      '',
      `INPUT_SHAPE = ${pyTuple([c, h, w])}`,
      `NUM_CLASSES = ${out.shape[out.shape.length - 1]}`,
      `AUX_HEADS = ${pyTuple(g.aux.map((a) => pyString(a.name)))}`,
      '',
      '',
      ...this.helpers(),
      '',
      '',
      `class ${name}(nn.Module):`,
      `    """${g.network}: ${g.nodes.length - 1} layers, as the IR lists them."""`,
      '',
      '    def __init__(self) -> None:',
      '        super().__init__()',
      ...this.init,
      '        self.reset_parameters()',
      '',
      '    def reset_parameters(self) -> None:',
      '        """Keras\'s initializers: glorot-uniform kernels and zero biases."""',
      '        for m in self.modules():',
      '            if isinstance(m, (nn.Conv2d, nn.Linear)):',
      '                nn.init.xavier_uniform_(m.weight)',
      '                if m.bias is not None:',
      '                    nn.init.zeros_(m.bias)',
      '',
      '    def forward(self, x: torch.Tensor, logits: bool = False):',
      ...this.forward,
      ...ret,
      '',
      '',
      `Model = ${name}`,
      '',
    ];
    return lines.join('\n');
  }

  helpers(): string[] {
    const out: string[] = [];
    const section = (lines: string[]): void => {
      out.push('', ...lines, '');
    };
    const convolution = this.uses.has('ConvBN') || this.uses.has('SepConvBN');
    if (convolution || this.uses.has('Dense')) {
      section([
        'ACTIVATIONS = {',
        '    "linear": nn.Identity,',
        '    "relu": nn.ReLU,',
        '    "relu6": nn.ReLU6,',
        '    "sigmoid": nn.Sigmoid,',
        '    "tanh": nn.Tanh,',
        '    "softmax": lambda: nn.Softmax(dim=1),',
        '}',
      ]);
    }
    if (convolution || this.uses.has('batch_norm')) {
      section([
        'def batch_norm(',
        '    channels: int, eps: float, momentum: float, scale: bool = True, dims: int = 2',
        ') -> nn.Module:',
        '    """Keras BatchNormalization, momentum in PyTorch\'s convention (1 - Keras\'s).',
        '',
        "    Without Keras's `scale` there is no gamma: the weight stays 1, frozen.",
        '    """',
        '    bn_class = nn.BatchNorm2d if dims == 2 else nn.BatchNorm1d',
        '    bn = bn_class(channels, eps=eps, momentum=momentum)',
        '    if not scale:',
        '        bn.weight.requires_grad_(False)',
        '    return bn',
      ]);
    }
    const d = this.convDefaults;
    /**
     * A convolution class of model.py (ConvBN, SepConvBN): `docstring`, then the __init__ arguments and the
     * padding, batch norm and activation they share; `convolutions` are the lines of __init__ that build its
     * convolutions, and `apply` the expression that runs them on `x`.
     */
    const convolutionClass = (name: string, docstring: string[], convolutions: string[], apply: string): string[] => [
      `class ${name}(nn.Module):`,
      ...docstring,
      '',
      ...pyInit([
        'in_channels: int',
        'out_channels: int',
        'kernel_size: tuple[int, int]',
        'stride: tuple[int, int] = (1, 1)',
        'padding: tuple[int, int] = (0, 0)',
        'tf_pad: tuple[int, int, int, int] | None = None',
        'bias: bool = False',
        `bn: tuple[float, float] | None = ${d.bn}`,
        `bn_scale: bool = ${pyBool(d.scale)}`,
        `activation: str = ${pyString(d.activation)}`,
      ]),
      '        super().__init__()',
      '        self.pad = nn.ZeroPad2d(tf_pad) if tf_pad else None',
      ...convolutions,
      '        self.bn = batch_norm(out_channels, *bn, scale=bn_scale) if bn else None',
      '        self.act = ACTIVATIONS[activation]()',
      '',
      '    def forward(self, x: torch.Tensor) -> torch.Tensor:',
      '        if self.pad is not None:',
      '            x = self.pad(x)',
      `        x = ${apply}`,
      '        if self.bn is not None:',
      '            x = self.bn(x)',
      '        return self.act(x)',
    ];
    if (this.uses.has('ConvBN')) {
      section(
        convolutionClass(
          'ConvBN',
          [
            '    """Keras Conv2D, BatchNormalization (`bn` = (epsilon, momentum)), activation.',
            '',
            '    `padding` is symmetric (rows, columns); `tf_pad` (left, right, top, bottom) is a',
            '    zero pad applied first where TF "SAME" pads one more row or column at the end.',
            "    The defaults are this network's most common convolution.",
            '    """',
          ],
          [
            '        self.conv = nn.Conv2d(',
            '            in_channels, out_channels, kernel_size, stride, padding, bias=bias',
            '        )',
          ],
          'self.conv(x)',
        ),
      );
    }
    if (this.uses.has('SepConvBN')) {
      section(
        convolutionClass(
          'SepConvBN',
          [
            '    """Keras SeparableConv2D (depth multiplier 1), BatchNormalization, activation.',
            '',
            '    A depthwise convolution of each input channel on its own (groups = in_channels)',
            '    with the stride and padding, then a 1x1 convolution to out_channels with the',
            "    bias; batch norm and the activation after it. The arguments are ConvBN's.",
            '    """',
          ],
          [
            '        self.depthwise = nn.Conv2d(',
            '            in_channels,',
            '            in_channels,',
            '            kernel_size,',
            '            stride,',
            '            padding,',
            '            groups=in_channels,',
            '            bias=False,',
            '        )',
            '        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=bias)',
          ],
          'self.pointwise(self.depthwise(x))',
        ),
      );
    }
    if (this.uses.has('Dense')) {
      section([
        'class Dense(nn.Linear):',
        '    """Keras Dense: a linear layer, then the activation."""',
        '',
        ...pyInit(['in_features: int', 'out_features: int', 'bias: bool = True', 'activation: str = "linear"']),
        '        super().__init__(in_features, out_features, bias=bias)',
        '        self.act = ACTIVATIONS[activation]()',
        '',
        '    def forward(self, x: torch.Tensor) -> torch.Tensor:',
        '        return self.act(super().forward(x))',
      ]);
    }
    if (this.uses.has('AvgPoolSame')) {
      section([
        'class AvgPoolSame(nn.Module):',
        '    """TF\'s average pool with asymmetric "SAME" padding: the mean of real inputs."""',
        '',
        ...pyInit([
          'kernel_size: tuple[int, int]',
          'stride: tuple[int, int]',
          'tf_pad: tuple[int, int, int, int]',
          'input_size: tuple[int, int]',
        ]),
        '        super().__init__()',
        '        self.pad = nn.ZeroPad2d(tf_pad)',
        '        self.pool = nn.AvgPool2d(kernel_size, stride)',
        '        # The share of each window on the input: dividing by it leaves the padding out.',
        '        coverage = self.pool(self.pad(torch.ones(1, 1, *input_size)))',
        '        self.register_buffer("coverage", coverage, persistent=False)',
        '',
        '    def forward(self, x: torch.Tensor) -> torch.Tensor:',
        '        return self.pool(self.pad(x)) / self.coverage',
      ]);
    }
    // Two blank lines between top-level definitions.
    const joined: string[] = [];
    let blank = 0;
    for (const l of out) {
      if (l === '') {
        blank++;
        continue;
      }
      if (joined.length > 0) joined.push(...Array<string>(Math.min(blank, 2)).fill(''));
      blank = 0;
      joined.push(l);
    }
    return joined;
  }
}

/** model.py for a graph (after rules). */
export function emitModel(graph: IRGraph, version: string): ModelSource {
  return new ModelWriter(graph).run(version);
}
