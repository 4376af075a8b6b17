import { checkFileReplaceable, OutputError, writeFileAtomic } from '../../backends/common/output.js';
import type { FileOutputOptions } from '../../backends/common/output.js';
import { loadProgram } from '../../compiler/program/node-host.js';
import { parseSetArgs, printDiagnostics, readProgramOrExit, UsageError } from '../io.js';
import type { CommandLine } from '../command.js';
import type { graphUsage } from '../usage/graph.js';

const FORMATS = ['svg', 'dot', 'mermaid', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** Runs a write (or its check); an OutputError is printed, and false returned. */
function writable(write: () => unknown): boolean {
  try {
    write();
    return true;
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    process.stderr.write(`incc graph: ${e.message}\n`);
    return false;
  }
}

export async function run({ values, operand }: CommandLine<typeof graphUsage>): Promise<number> {
  const file = operand('FILE');
  const format = values.format ?? 'svg';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format takes ${FORMATS.join(', ')}; got '${format}'`);
  const depthText = values.depth;
  let depth: number | undefined;
  if (depthText !== undefined) {
    if (depthText === 'all') depth = Infinity;
    else if (/^[1-9]\d{0,2}$/.test(depthText)) depth = Number(depthText);
    else throw new UsageError(`--depth takes a positive integer or 'all'; got '${depthText}'`);
  }
  const direction = values.direction ?? 'up';
  if (direction !== 'up' && direction !== 'down')
    throw new UsageError(`--direction takes up or down; got '${direction}'`);
  const setTexts = values.set ?? [];
  const setArgs = parseSetArgs(setTexts);

  const out = values.out;
  if (values.force && out === undefined) throw new UsageError('--force goes with --out');
  // The drawing code (and its layout library) loads only here: no other command pays for it.
  const graph = await import('../../backends/graph/index.js');
  const policy: FileOutputOptions = { isOwn: graph.isGraphOutput, force: values.force === true };
  if (out !== undefined && !writable(() => checkFileReplaceable(out, policy))) return 2; // before the drawing

  const program = readProgramOrExit(file, loadProgram);
  if (program === undefined) return 2;
  if (program.diagnostics.some((d) => d.severity === 'error')) {
    printDiagnostics(program.diagnostics, program.sourceOf);
    return 1;
  }
  const { lintFindings, select } = await import('../graph-select.js');
  const selection = select(file, program, {
    network: values.network,
    args: setArgs,
    setTexts,
    rules: values.rules,
    block: values.block,
    input: values.input,
  });
  if (selection.usage) throw new UsageError(selection.usage, false);
  printDiagnostics([...program.diagnostics, ...selection.diagnostics], selection.program.sourceOf);
  if (!selection.graph) return 1;
  for (const note of selection.notes) process.stderr.write(`incc graph: ${note}\n`);
  const withLint = values.lint === true || format === 'html';
  const lint = withLint ? lintFindings(selection, selection.graph.network) : undefined;
  const rendered = await graph.render(
    { ...selection, graph: selection.graph, lint },
    {
      format: format as Format,
      depth,
      diff: values.diff === true,
      lint: values.lint === true,
      direction,
    },
  );
  for (const note of rendered.notes) process.stderr.write(`incc graph: ${note}\n`);
  if (out !== undefined) {
    if (!writable(() => writeFileAtomic(out, rendered.text, policy))) return 2;
  } else process.stdout.write(rendered.text);
  return 0;
}
