/**
 * Random edits of .incp text, as an editor makes them (one character inserted, deleted or replaced; a line
 * duplicated or removed), from a deterministic generator so that a failure is reproducible. The incremental
 * parse and the network cache are each compared with a from-scratch run over such edits.
 */

/** A deterministic generator (mulberry32) of numbers in [0, 1). */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARACTERS = ['1', '7', 'x', 'a', ' ', '\n', '/', '{', '}', '"', '#', '(', ')', '-', '>', ':', ','];

/** `text` with one random edit. */
export function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const kind = Math.floor(next() * 5);
  const char = CHARACTERS[Math.floor(next() * CHARACTERS.length)]!;
  if (kind === 0) return text.slice(0, at) + char + text.slice(at);
  if (kind === 1) return text.slice(0, at) + text.slice(at + 1);
  if (kind === 2) return text.slice(0, at) + char + text.slice(at + 1);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at) + 1;
  if (kind === 3) return text.slice(0, lineEnd) + text.slice(lineStart, lineEnd) + text.slice(lineEnd);
  return text.slice(0, lineStart) + text.slice(lineEnd);
}
