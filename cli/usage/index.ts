/** Every command's usage (name, summary, options, help), in one module: the registry imports them all. */
export { checkUsage } from './check.js';
export { compileUsage } from './compile.js';
export { fmtUsage } from './fmt.js';
export { graphUsage } from './graph.js';
export { lintUsage } from './lint.js';
export { lspUsage } from './lsp.js';
export { parseUsage } from './parse.js';
export { playgroundUsage } from './playground.js';
export { reportUsage } from './report.js';
export { rewriteUsage } from './rewrite.js';
export { summaryUsage } from './summary.js';
export { trainUsage } from './train.js';
export { weightsUsage } from './weights.js';
export { DEFAULT_PORT } from './playground.js';
