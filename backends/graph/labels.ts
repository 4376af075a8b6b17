/**
 * The text of the boxes (spec/graph.md, "Boxes"), and its size. A layer reads as its .incp line does
 * (`conv 1x7 128`, `conv 3x3/2 384 valid`, `maxpool 3x3/2 valid`) over its output shape; a collapsed block
 * shows its name, its block, its output shape and its parameters.
 *
 * Box text is set in a monospaced font, so its width is known without measuring: a glyph is 0.6 em wide
 * (DejaVu Sans Mono, Menlo and Consolas all are, to 1%). The layout needs sizes before any browser sees
 * the SVG, and the same text gives the same size on every machine.
 */
import type { IRNode } from '../../compiler/ir/ir.js';
import { describeLayer } from '../../compiler/ir/kinds/index.js';
import { groupDigits, shapeText } from '../../compiler/print/text.js';

export const FONT_SIZE = 12;
export const SMALL_SIZE = 10;
export const LINE_HEIGHT = 15;
export const SMALL_LINE_HEIGHT = 13;
export const PAD_X = 10;
export const PAD_Y = 6;
export const MONO_FONT = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace";
export const SANS_FONT = "'DejaVu Sans', Helvetica, Arial, 'Liberation Sans', sans-serif";

/** The op line of a layer, in .incp syntax (the layer kind's description: compiler/ir/kinds/). */
export function opLine(n: IRNode): string {
  return describeLayer(n.attrs);
}

/** A layer's box: its op line, then its output shape. (The name is drawn above them, small.) */
export function layerLines(n: IRNode): string[] {
  return [opLine(n), shapeText(n.shape)];
}

/** A collapsed block's box: its block, its output shape, its parameters. (The instance name is drawn above, small.) */
export function blockLines(block: string, shape: number[], params: number): string[] {
  return [block, shapeText(shape), `${groupDigits(params)} params`];
}

/** The box of a layer outside the scope that feeds it (the paper's "Base"). */
export function externalLines(n: IRNode): string[] {
  return [shapeText(n.shape)];
}

/** The width of `text` in the monospaced box font at `size` px. */
export function textWidth(text: string, size = FONT_SIZE): number {
  return Math.ceil([...text].length * size * 0.6);
}

/** The size of a box: a small name line over the main lines. */
export function boxSize(name: string, lines: string[], minWidth = 0): { width: number; height: number } {
  const width =
    Math.max(
      minWidth,
      textWidth(name, SMALL_SIZE),
      ...lines.map((l, i) => textWidth(l, i === 0 ? FONT_SIZE : SMALL_SIZE)),
    ) +
    2 * PAD_X;
  const height = SMALL_LINE_HEIGHT + LINE_HEIGHT + (lines.length - 1) * SMALL_LINE_HEIGHT + 2 * PAD_Y;
  return { width, height };
}
