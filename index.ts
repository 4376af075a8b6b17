/**
 * The incc library API (`import { ... } from "incc"`). The CLI in cli/ is a thin layer over these.
 */
export { parseSource, type ParseResult } from './compiler/parse.js';
export { loadProgram, loadProgramFromText, stdlibDir, type Program, type LoadedFile, type FileHost } from './compiler/program.js';
export { checkFiles, checkProgram, type CheckResult } from './compiler/check.js';
export { elaborate, type ElaborateOptions, type ElaborateResult } from './compiler/elaborate.js';
export { buildNetwork, type BuildOptions, type BuildResult } from './compiler/pipeline.js';
export { emitNetwork } from './compiler/emit.js';
export { summarize, summaryTable, type Summary } from './compiler/summary.js';
export { formatDiagnostic } from './compiler/code-frame.js';
export { diagnosticTable, type Diagnostic, type DiagnosticCode, type Severity } from './compiler/diagnostics.js';
export { parseValue } from './compiler/parse-value.js';
export type { Value, ValueLike } from './compiler/values.js';
export type * as ast from './compiler/ast.js';
export type { IRGraph, IRNode, NodeAttrs, Shape, AuxHead, Frame } from './compiler/ir.js';
