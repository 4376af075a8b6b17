/**
 * Networks at the node limit (MAX_NODES) for test/scale.test.ts and bench/scale.mjs, in incc's canonical
 * format (`incc fmt --check` passes): a chain (every layer reads the one before: the deepest graph) and a
 * wide module (thousands of branches of three layers each, joined by one concat: the widest). One-channel
 * convolutions keep the weights tiny. Each file also declares `same`, a rule that matches every
 * convolution and replaces it by an equal one.
 */

const rule = 'rule same {\n  match conv 1x1\n  replace conv 1x1 filters\n}\n\n';

/** `nodes` nodes in all: the input, then nodes - 1 convolutions in a row. */
export function chainNetwork(nodes: number): string {
  return `${rule}network Chain {\n  input 4x4x1\n  repeat ${nodes - 1} { conv 1x1 1 }\n}\n`;
}

/** Layers in each branch of the wide network. */
export const WIDE_DEPTH = 3;

/**
 * The input, (nodes - 2) / 3 branches of three convolutions side by side (rounded down), their concat:
 * `nodes` nodes when nodes - 2 is a multiple of 3 (50,000 is).
 */
export function wideNetwork(nodes: number): string {
  const branch = `    repeat ${WIDE_DEPTH} { conv 1x1 1 }\n`;
  return (
    `${rule}network Wide {\n  input 2x2x1\n  concat {\n${branch.repeat(Math.floor((nodes - 2) / WIDE_DEPTH))}  ` +
    `}\n}\n`
  );
}
