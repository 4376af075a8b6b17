/**
 * tfjs layer names for IR node names.
 *
 * tfjs names every symbolic tensor after the layer that made it, and every variable `<layer>/<weight>`,
 * and both must match `^[A-Za-z0-9][-A-Za-z0-9._/]*$` (tfjs-layers common.ts, isValidTensorName): a layer
 * called `a b` fails when it is applied. Checked with tfjs 4.22: `/` is accepted, and a model whose layers
 * are called `mixed0/branch1x1` saves and loads again with the same layer and weight names.
 *
 * So an IR name that already matches is the tfjs name unchanged (every name incc makes itself does, and so
 * do the stdlib's). Any other name (only an exact string label, `"a b": conv ...`, can make one) becomes
 * its safe form: each character outside `[-A-Za-z0-9._/]` replaced by `_`, an `x` in front when it does not
 * start with a letter or digit, and `_` plus 8 hex digits of a hash of the original name at the end, so
 * two names that differ only in replaced characters stay apart. model.json records the IR name of every
 * layer (userDefinedMetadata.incc.layers), so nothing is lost.
 *
 * Keras 3 accepts those names in tfjs's own files but not as layer names when it rebuilds a model
 * (`ValueError: Argument name must be a string and cannot contain character /`): with the `keras` style
 * (`incc compile --target tfjs --names keras`), every `/` of a layer name is `_` instead, in the IR names and
 * in the ones incc derives from them (`mixed0/branch1x1/bn` becomes `mixed0_branch1x1_bn`), so that
 * `keras.Model.from_config(modelTopology.config)` rebuilds the exported model. A weight's name is still
 * `<layer>/<weight>`: that is how tfjs and Keras name variables, not a layer name.
 */

export const TFJS_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

/** FNV-1a, 32 bits, of the UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The name tfjs accepts for an IR name (the name itself when tfjs accepts it). */
export function safeLayerName(name: string): string {
  if (TFJS_NAME.test(name)) return name;
  let s = name.replace(/[^-A-Za-z0-9._/]/g, '_');
  if (!/^[A-Za-z0-9]/.test(s)) s = `x${s}`;
  return `${s}_${fnv1a(name).toString(16).padStart(8, '0')}`;
}

/** How layer names are made: tfjs's (`/` between the parts) or Keras 3's (no `/`). */
export type NameStyle = 'tfjs' | 'keras';

export const NAME_STYLES: readonly NameStyle[] = ['tfjs', 'keras'];

/** The separator between an IR name and what incc adds to it (`conv1/bn`, `conv1_bn`). */
export const nameSeparator = (style: NameStyle): string => (style === 'keras' ? '_' : '/');

/** Whether `name` is a layer name of the style as it is. */
export const isLayerName = (name: string, style: NameStyle): boolean =>
  TFJS_NAME.test(name) && (style === 'tfjs' || !name.includes('/'));

/** The layer name of the style for an IR name (the name itself when the style accepts it). */
export function layerName(name: string, style: NameStyle): string {
  if (isLayerName(name, style)) return name;
  const safe = safeLayerName(name);
  return style === 'keras' ? safe.replaceAll('/', '_') : safe;
}

/** Hands out unique layer names: a wanted name, or with `_2`, `_3`, ... when it is taken. */
export class LayerNames {
  private readonly taken = new Set<string>();

  reserve(name: string): void {
    this.taken.add(name);
  }

  take(wanted: string): string {
    let name = wanted;
    for (let k = 2; this.taken.has(name); k++) name = `${wanted}_${k}`;
    this.taken.add(name);
    return name;
  }
}
