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
