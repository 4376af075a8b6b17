/** Every command's usage (name, summary, options, help), in the order `incc --help` and the README list them. */
import type { CommandUsage } from '../command.js';
import { checkUsage } from './check.js';
import { compileUsage } from './compile.js';
import { fmtUsage } from './fmt.js';
import { graphUsage } from './graph.js';
import { lintUsage } from './lint.js';
import { lspUsage } from './lsp.js';
import { parseUsage } from './parse.js';
import { playgroundUsage } from './playground.js';
import { reportUsage } from './report.js';
import { rewriteUsage } from './rewrite.js';
import { summaryUsage } from './summary.js';
import { trainUsage } from './train.js';
import { weightsUsage } from './weights.js';

export const usages: readonly CommandUsage[] = [
  checkUsage,
  parseUsage,
  summaryUsage,
  rewriteUsage,
  graphUsage,
  lintUsage,
  fmtUsage,
  compileUsage,
  trainUsage,
  weightsUsage,
  reportUsage,
  lspUsage,
  playgroundUsage,
];
