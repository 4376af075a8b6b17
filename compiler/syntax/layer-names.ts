/**
 * The names of the built-in layer kinds, a fact of the syntax: the formatter writes these bare
 * (`conv 3x3 64`) and everything else as a block call (`InceptionA(64)`). Their meaning is in
 * compiler/ir/kinds/, whose registry tsc checks against this list.
 */
export const builtinLayerNames = [
  'input',
  'conv',
  'sepconv',
  'maxpool',
  'avgpool',
  'gap',
  'dropout',
  'dense',
  'batchnorm',
  'relu',
  'softmax',
  'flatten',
] as const;

export type BuiltinLayerName = (typeof builtinLayerNames)[number];

const names: ReadonlySet<string> = new Set(builtinLayerNames);

export function isBuiltinLayerName(name: string): boolean {
  return names.has(name);
}
