/**
 * How numbers, shapes, kernels and strides read in every message, table, label and emitted line: one
 * spelling, defined here. A leaf module: it imports nothing.
 */

/** 1234567 -> "1,234,567" (what toLocaleString('en-US') gives, without loading Intl). */
export function groupDigits(n: number): string {
  const sign = n < 0 ? '-' : '';
  const [whole, fraction] = String(Math.abs(n)).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + (fraction ? `.${fraction}` : '');
}

/** A shape, size or grid as .incp writes sizes: `17x17x768`, `3x3`, `1000`. */
export function shapeText(shape: readonly number[]): string {
  return shape.join('x');
}

/** A stride as .incp writes it after a kernel: `/2`, `/2x1`, or nothing for stride 1. */
export function strideText(stride: readonly number[]): string {
  if (stride[0] === 1 && stride[1] === 1) return '';
  return stride[0] === stride[1] ? `/${stride[0]}` : `/${shapeText(stride)}`;
}

/** A kernel with its stride: `3x3/2`, `1x7` (the stride left out when it is 1). */
export function kernelText(attrs: { kernel: readonly number[]; stride: readonly number[] }): string {
  return `${shapeText(attrs.kernel)}${strideText(attrs.stride)}`;
}
