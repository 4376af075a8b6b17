/**
 * `check`: load each file with its imports, resolve names, then elaborate and rewrite every network it
 * declares with the defaults of its parameters (buildProgram with `every`), collecting every diagnostic.
 * The check path never loads tfjs or onnxruntime. checkFiles reads through the node host (node-host.ts);
 * checkProgram runs on a program read through any host.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { CompilerHost, FileHost } from './host.js';
import { nodeHost, nodeHostReading } from './node-host.js';
import { buildProgram } from './pipeline.js';
import { createProgram, type Program } from './program.js';

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Files given that could not be read at all. */
  unreadable: string[];
  sourceOf(file: string): string | undefined;
}

export function checkFiles(paths: string[], files: FileHost | CompilerHost = nodeHost): CheckResult {
  const host = nodeHostReading(files);
  const diagnostics: Diagnostic[] = [];
  const unreadable: string[] = [];
  const programs: Program[] = [];
  for (const p of paths) {
    if (host.readFile(host.resolvePath(p)) === undefined) {
      unreadable.push(p);
      continue;
    }
    const program = createProgram(host, p);
    programs.push(program);
    // (No `push(...xs)`: a file can have more problems than a call can take arguments.)
    for (const d of buildProgram(program, { every: true }).diagnostics) diagnostics.push(d);
  }
  return {
    diagnostics: dedupe(diagnostics),
    unreadable,
    sourceOf: (file) => {
      for (const p of programs) {
        const text = p.sourceOf(file);
        if (text !== undefined) return text;
      }
      return undefined;
    },
  };
}

/**
 * Checks a loaded program: names in every file it loaded, then every network of the entry file,
 * elaborated with its parameters' defaults and rewritten by the rules it applies. The program's own
 * (loading) diagnostics are not repeated.
 */
export function checkProgram(program: Program): Diagnostic[] {
  return buildProgram(program, { every: true }).diagnostics.slice(program.diagnostics.length);
}

/** The same file imported by two checked files reports its problems once. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.span?.file}|${d.span?.startOffset}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
