/**
 * Which graph `incc graph` draws (spec/graph.md, "What is drawn"); the command's, not the graph backend's:
 * it reads files (a library's sibling networks), and the backend draws a built graph.
 *
 * - without --block: the network of FILE (--network when it declares several), after its rules;
 * - with --block NAME: the block instance NAME, or the first instance of the block NAME, in a network of
 *   FILE. A library of blocks (std/modules) declares no network; then the block is drawn
 *   - alone, instantiated by a generated network with `--input HxWxC` and the block's arguments from
 *     `--set` (when either is given), or else
 *   - as the first network of a file beside FILE that imports it instantiates it (std/inception_v3 for
 *     std/modules' Figure6: the reference network's shapes and filter counts); the command says which.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../compiler/diagnostics/diagnostics.js';
import { networksOf } from '../compiler/ir/elaborate.js';
import type { IRGraph } from '../compiler/ir/ir.js';
import { buildNetwork } from '../compiler/program/pipeline.js';
import { type FileHost, type Program } from '../compiler/program/program.js';
import { loadProgram, loadProgramFromText, nodeFileHost } from '../compiler/program/node-host.js';
import type { Application } from '../compiler/rewrite/rewrite.js';
import type { ValueLike } from '../compiler/ir/values.js';
import { findInstance, type InstanceRef } from '../backends/graph/scope.js';
import type { LintMessage } from '../compiler/lint/engine/lint.js';
import { lintFile } from '../compiler/lint/engine/lint-file.js';

export interface SelectOptions {
  network?: string;
  /** Network arguments, or a block's arguments when the block is drawn alone. */
  args?: Record<string, ValueLike>;
  /** The --set texts as given (NAME=VALUE), for a block drawn alone. */
  setTexts?: string[];
  rules?: string[];
  block?: string;
  /** `HxWxC`: draw the block alone on an input of this shape. */
  input?: string;
}

export interface Selection {
  graph?: IRGraph;
  /** The graph before the rewrite pass. */
  elaborated?: IRGraph;
  applications: Application[];
  diagnostics: Diagnostic[];
  /** The program the diagnostics belong to (for code frames). */
  program: Program;
  /** The block instance to draw, with --block. */
  instance?: InstanceRef;
  /** The file to lint for --lint, and the host that reads it (a generated network is not on disk). */
  lintPath: string;
  lintHost?: FileHost;
  /** A title for the drawing instead of the scope's own (a block drawn alone). */
  title?: string;
  /** What the command tells the user on stderr (where a block drawn from a library came from). */
  notes: string[];
  /** A usage problem: exit 2 with this message. */
  usage?: string;
}

const SHAPE = /^\d+(x\d+){0,2}$/;

export function select(path: string, program: Program, options: SelectOptions): Selection {
  const base: Selection = { applications: [], diagnostics: [], program, lintPath: path, notes: [] };
  const build = (p: Program, network: string | undefined, args: Record<string, ValueLike> | undefined) =>
    buildNetwork(p, { network, args, rules: options.rules });
  const networks = networksOf(program);

  if (options.block === undefined) {
    if (options.input !== undefined) return { ...base, usage: '--input draws a block alone: it needs --block' };
    const built = build(program, options.network, options.args);
    return { ...base, ...built };
  }
  const name = options.block;

  // 1. An instance in a network of FILE.
  if (networks.length > 0 && options.input === undefined) {
    const candidates = options.network !== undefined ? [options.network] : networks.map((n) => n.name.name);
    let firstFailure: Selection | undefined;
    for (const network of candidates) {
      const built = build(program, network, options.args);
      if (!built.graph) {
        firstFailure ??= { ...base, ...built };
        if (options.network !== undefined || networks.length === 1) return firstFailure;
        continue;
      }
      const instance = findInstance(built.graph, name);
      if (instance) return { ...base, ...built, instance };
    }
    if (firstFailure) return firstFailure;
    if (!isBlockOf(program, name))
      return {
        ...base,
        usage:
          `no block instance or block named '${name}' in ` +
          `${candidates.length === 1 ? `network ${candidates[0]}` : `the networks of ${program.entry.displayName}`}`,
      };
  }
  if (!isBlockOf(program, name))
    return {
      ...base,
      usage:
        `${program.entry.displayName} has no block named ` +
        `'${name}'${networks.length === 0 ? '' : ' that a network instantiates'}`,
    };

  // 2. The block alone, on --input, with --set as its arguments.
  if (options.input !== undefined || (options.setTexts ?? []).length > 0) {
    if (options.input === undefined)
      return { ...base, usage: `to draw block ${name} alone, give the shape of its input: --input HxWxC` };
    if (!SHAPE.test(options.input))
      return { ...base, usage: `--input takes a shape like 17x17x768, got '${options.input}'` };
    return standalone(path, program, name, options.input, options.setTexts ?? [], options.rules, base);
  }

  // 3. The first instance in a network of a file beside FILE that imports it.
  const abs = resolve(path);
  let siblings: string[] = [];
  try {
    siblings = readdirSync(dirname(abs))
      .filter((f) => f.endsWith('.incp') && f !== basename(abs))
      .sort()
      .map((f) => join(dirname(abs), f));
  } catch {
    siblings = [];
  }
  for (const sibling of siblings) {
    let p: Program;
    try {
      p = loadProgram(sibling);
    } catch {
      continue;
    }
    if (!p.files.has(abs) || p.diagnostics.some((d) => d.severity === 'error')) continue;
    for (const decl of networksOf(p)) {
      const built = build(p, decl.name.name, undefined);
      if (!built.graph) continue;
      const instance = firstInstanceFrom(built.graph, name, program.entry.displayName);
      if (!instance) continue;
      return {
        ...base,
        ...built,
        program: p,
        instance,
        lintPath: sibling,
        notes: [
          `${program.entry.displayName} has no network: drawing ${name} as ${decl.name.name} ` +
            `(${p.entry.displayName}) instantiates it, ${instance.instance}; give --input HxWxC (and --set for ` +
            `its parameters) to draw it alone`,
        ],
      };
    }
  }
  return {
    ...base,
    usage:
      `no network instantiates block ${name}: give --input HxWxC (and --set NAME=VALUE for its parameters) to ` +
      `draw it alone`,
  };
}

function isBlockOf(program: Program, name: string): boolean {
  return program.entry.scope.get(name)?.kind === 'BlockDecl';
}

/** The first instance of block `name` declared in the file `displayName`. */
function firstInstanceFrom(graph: IRGraph, name: string, displayName: string): InstanceRef | undefined {
  // The block's own layers come from its declaring file: a block of the same name elsewhere is another block.
  for (const n of graph.nodes) {
    const level = n.origin.findIndex((f) => f.block === name);
    if (level >= 0 && n.origin.length - 1 === level && n.span.file === displayName)
      return { instance: n.origin[level]!.instance, block: name, level };
  }
  return undefined;
}

/**
 * Block `name` of FILE drawn alone: a generated network beside FILE (never written to disk) with one input
 * and one instance, labeled like the block.
 */
function standalone(
  path: string,
  program: Program,
  name: string,
  input: string,
  setTexts: string[],
  rules: string[] | undefined,
  base: Selection,
): Selection {
  const abs = resolve(path);
  const network = `${name}_alone`;
  const harnessPath = join(dirname(abs), `.incc-graph-${name}.incp`);
  const decl = program.entry.scope.get(name)!;
  const own = program.entry.own.includes(decl);
  // A block FILE imports is imported again from FILE's own imports: import the whole FILE and name it.
  const text = [
    `import { ${name} } from "./${basename(abs)}"`,
    '',
    `network ${network}() {`,
    `  input ${input}`,
    `  ${name}: ${name}(${setTexts.join(', ')})`,
    '}',
    '',
  ].join('\n');
  if (!own)
    return {
      ...base,
      usage: `block ${name} is imported by ${program.entry.displayName}: draw it from the file that declares it`,
    };
  const host: FileHost = { readFile: (p) => (resolve(p) === harnessPath ? text : nodeFileHost.readFile(p)) };
  const p = loadProgramFromText(text, harnessPath, host);
  if (p.diagnostics.some((d) => d.severity === 'error')) return { ...base, program: p, diagnostics: p.diagnostics };
  const built = buildNetwork(p, { network, rules });
  if (!built.graph) return { ...base, ...built, program: p };
  // The drawing names FILE, not the generated network's file.
  for (const g of [built.graph, built.elaborated]) if (g) g.file = program.entry.displayName;
  const title = `${name} (alone, on ${input}${setTexts.length > 0 ? `; ${setTexts.join(', ')}` : ''})`;
  return {
    ...base,
    ...built,
    program: p,
    instance: findInstance(built.graph, name)!,
    lintPath: harnessPath,
    lintHost: host,
    title,
  };
}

/** Lint findings about one network of the linted file (for `--lint` and the html report). */
export function lintFindings(sel: Selection, network: string): { messages: LintMessage[]; note?: string } {
  try {
    const result = lintFile(sel.lintPath, sel.lintHost ? { host: sel.lintHost } : {});
    if (result.failures.length > 0) {
      return { messages: [], note: `lint could not run on ${result.file}: ${result.failures[0]!.message}` };
    }
    const messages = result.messages.filter((m) => m.network === undefined || m.network === network);
    return { messages, note: messages.length === 0 ? `lint found nothing in ${network}` : undefined };
  } catch (e) {
    return { messages: [], note: `lint could not run: ${e instanceof Error ? e.message : String(e)}` };
  }
}
