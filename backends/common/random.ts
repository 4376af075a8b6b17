/**
 * The seeded random streams of the backends (initial weights, synthetic data): small, fast and the same on
 * every machine, so that the same seed gives byte-identical outputs.
 */

/**
 * Math.imul held in a module binding: in a vm context (Jest runs tests in one) every access to a global
 * such as `Math` goes through the context's interceptors, which made drawing Inception-v3's 24M initial
 * values take ~25 s there instead of ~0.2 s.
 */
const imul = Math.imul;

/** FNV-1a of a string, mixed with the seed: the seed of one variable's stream. */
export function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast 32-bit generator; uniform floats in [0, 1). */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
