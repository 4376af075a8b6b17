/**
 * The incc library API (`import { ... } from "incc"`). The CLI in cli/ is a thin layer over these.
 */
export { parseSource, type ParseResult } from './compiler/syntax/parse.js';
export { createProgram, type Program, type LoadedFile } from './compiler/program/program.js';
export type { CompilerHost, FileHost } from './compiler/program/host.js';
export { loadProgram, loadProgramFromText, nodeHost, stdlibDir } from './compiler/program/node-host.js';
export { checkFiles, checkProgram, type CheckResult } from './compiler/program/check.js';
export { elaborate, type ElaborateOptions, type ElaborateResult } from './compiler/ir/elaborate.js';
export {
  buildNetwork,
  buildProgram,
  graphOf,
  CompileError,
  type BuildOptions,
  type BuildResult,
  type ProgramBuild,
  type ProgramBuildOptions,
} from './compiler/program/pipeline.js';
export { emitNetwork } from './compiler/print/emit.js';
export { summarize, summaryTable, type Summary } from './compiler/print/summary.js';
export { formatDiagnostic } from './compiler/print/code-frame.js';
export {
  diagnosticTable,
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
} from './compiler/diagnostics/diagnostics.js';
export { parseValue } from './compiler/syntax/parse-value.js';
export type { Value, ValueLike } from './compiler/ir/values.js';
export type * as ast from './compiler/syntax/ast.js';
export type { IRGraph, IRNode, NodeAttrs, Shape, AuxHead, Frame } from './compiler/ir/ir.js';
