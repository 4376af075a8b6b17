/**
 * The Keras source's layer order (backends/import/keras-order.ts): where each weighted layer of a network
 * sits in Keras's `model.layers`, which is how Keras saves and loads weights. It is computed on the IR for
 * the import (backends/import cannot use the tfjs backend), so it must agree with the order of the tfjs
 * backend's own layers, which test/tfjs-compile.test.ts checks is what tfjs (Keras's port) gives: for every
 * stdlib network and the examples, with and without aux heads. (That Keras 3 itself saves InceptionV3 in
 * this order is test/heavy/weights-import-keras.test.ts's end-to-end check.) Also the messages of HDF5
 * errors and Keras's class-name spelling.
 */
import { join } from 'node:path';
import type { IRGraph } from '../compiler/ir/ir.js';
import { kerasLayerOrder } from '../backends/import/keras-order.js';
import { hdf5Reason } from '../backends/import/hdf5.js';
import { snakeCase } from '../backends/import/keras.js';
import { containerOrder, planLayers } from '../backends/tfjs/index.js';
import { graphOf, stdlibGraph } from './helpers/graphs.js';
import { readFileSync } from 'node:fs';
import { repoRoot } from './helpers/cli.js';

/** The tfjs backend's weighted layers in its Container's order, as the matcher names them. */
function tfjsOrder(graph: IRGraph): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (kind: string, name: string) => out.set(kind, [...(out.get(kind) ?? []), name]);
  for (const l of containerOrder(planLayers(graph))) {
    const node = graph.nodes[l.node]!;
    if (l.factory === 'conv2d') add('conv', node.name);
    else if (l.factory === 'separableConv2d') add('other', node.name);
    else if (l.factory === 'dense') add('dense', node.name);
    else if (l.factory === 'batchNormalization')
      add('batchnorm', node.attrs.op === 'batchnorm' ? node.name : `${node.name}/bn`);
  }
  return out;
}

const cases: [string, () => IRGraph][] = [
  ['inception_v3', () => stdlibGraph('inception_v3.incp')],
  ['inception_v3 with the aux head', () => stdlibGraph('inception_v3.incp', undefined, { aux_head: true })],
  ['inception_v2 with the aux head', () => stdlibGraph('inception_v2.incp', undefined, { aux_head: true })],
  ['googlenet', () => stdlibGraph('googlenet.incp')],
  ['lowres', () => stdlibGraph('lowres.incp', 'InceptionV3Res79', { aux_head: true })],
  ['examples/tiny_inception', () => graphOf(readFileSync(join(repoRoot, 'examples/tiny_inception.incp'), 'utf8'))],
  ['examples/separable', () => graphOf(readFileSync(join(repoRoot, 'examples/separable.incp'), 'utf8'))],
];

test.each(cases)("%s: the Keras order of the import is the tfjs backend's", (_name, graph) => {
  const g = graph();
  const ours = kerasLayerOrder(g);
  const theirs = tfjsOrder(g);
  expect(new Map([...ours].sort())).toEqual(new Map([...theirs].sort()));
  expect(ours.get('conv')!.length).toBeGreaterThan(0);
});

test('Inception-v3 in Keras order: the first convolutions of mixed0 are its longest branch', () => {
  const conv = kerasLayerOrder(stdlibGraph('inception_v3.incp')).get('conv')!;
  expect(conv.slice(0, 8)).toEqual([
    'conv1',
    'conv2',
    'conv3',
    'conv4',
    'conv5',
    'mixed0/branch3x3dbl/conv1',
    'mixed0/branch5x5/conv1',
    'mixed0/branch3x3dbl/conv2',
  ]);
  expect(conv).toHaveLength(94);
});

test("HDF5's error stack becomes its innermost reason; a truncated file says where it ends", () => {
  const stack = [
    'HDF5-DIAG: Error detected in HDF5 (2.0.0):',
    '  #005: /src/H5Fint.c line 2117 in H5F_open(): unable to read superblock',
    '    major: File accessibility',
    '  #006: /src/H5Fsuper.c line 577 in H5F__super_read(): truncated file: eof = 30000000, ' +
      'sblock->base_addr = 0, stored_eof = 96227416',
    '    major: File accessibility',
  ].join('\n');
  expect(hdf5Reason(stack)).toBe(
    'the file is truncated: it ends at byte 30000000, and its HDF5 superblock says it is 96227416 bytes',
  );
  expect(hdf5Reason('  #006: /src/H5Fsuper.c line 388 in H5F__super_read(): file signature not found')).toBe(
    'it is not an HDF5 file (no HDF5 signature)',
  );
});

test("Keras's class names as its saving code spells them", () => {
  expect(
    ['Conv2D', 'BatchNormalization', 'Dense', 'MaxPooling2D', 'InputLayer', 'SeparableConv2D'].map(snakeCase),
  ).toEqual(['conv2d', 'batch_normalization', 'dense', 'max_pooling2d', 'input_layer', 'separable_conv2d']);
});
