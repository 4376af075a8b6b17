/**
 * `check`: load each file with its imports, resolve names, then elaborate and rewrite every network it
 * declares with the defaults of its parameters, collecting every diagnostic. The check path never
 * loads tfjs or onnxruntime.
 */
import { resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { loadProgram, nodeFileHost, type FileHost, type Program } from './program.js';
import { networksOf } from '../ir/elaborate.js';
import { buildNetwork } from './pipeline.js';
import { resolveFile } from './resolve.js';

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Files given that could not be read at all. */
  unreadable: string[];
  sourceOf(file: string): string | undefined;
}

export function checkFiles(paths: string[], host: FileHost = nodeFileHost): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const unreadable: string[] = [];
  const programs: Program[] = [];
  for (const p of paths) {
    if (host.readFile(resolve(p)) === undefined) {
      unreadable.push(p);
      continue;
    }
    const program = loadProgram(p, host);
    programs.push(program);
    // (No `push(...xs)`: a file can have more problems than a call can take arguments.)
    for (const d of program.diagnostics) diagnostics.push(d);
    const errors = program.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length === 0) for (const d of checkProgram(program)) diagnostics.push(d);
    // A name declared twice still leaves every file parsed and every import found: resolve the names, so
    // that the duplicate does not hide the other problems of the file (networks are not built).
    else if (errors.every((d) => d.code === 'duplicate-name')) {
      for (const file of program.files.values()) for (const d of resolveFile(file)) diagnostics.push(d);
    }
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
 * elaborated with its parameters' defaults and rewritten by the rules it applies.
 */
export function checkProgram(program: Program): Diagnostic[] {
  const resolved = [...program.files.values()].flatMap(resolveFile);
  if (resolved.some((d) => d.severity === 'error')) return resolved;
  const diagnostics = [...resolved];
  for (const network of networksOf(program)) diagnostics.push(...buildNetwork(program, { network: network.name.name }).diagnostics);
  return diagnostics;
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
