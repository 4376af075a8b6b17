/** Types of scripts/cst-types.mjs, for the test that imports it. */
import type { Rule } from "chevrotain";

export const cstTypesPath: string;
export function cstTypesText(
  productions: Record<string, Rule>,
): Promise<string>;
