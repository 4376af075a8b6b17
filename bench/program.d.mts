/** bench/program.mjs: about `lines` lines of a realistic .incp program (what the benchmarks check). */
export function program(lines: number): string;
