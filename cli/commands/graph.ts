import { checkFileReplaceable, OutputError, writeFileAtomic } from '../../backends/common/output.js';
import type { FileOutputOptions } from '../../backends/common/output.js';
import { loadProgram } from '../../compiler/program/node-host.js';
import { parseCommandArgs, parseSetArgs, printDiagnostics, readProgramOrExit, UsageError } from '../io.js';
import type { Command } from '../command.js';
import { graphUsage } from '../usage/index.js';

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

const { options } = graphUsage;

export const graphCommand: Command = {
  ...graphUsage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, options);
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    const format = (values['format'] as string | undefined) ?? 'svg';
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format takes ${FORMATS.join(', ')}; got '${format}'`);
    const depthText = values['depth'] as string | undefined;
    let depth: number | undefined;
    if (depthText !== undefined) {
      if (depthText === 'all') depth = Infinity;
      else if (/^[1-9]\d{0,2}$/.test(depthText)) depth = Number(depthText);
      else throw new UsageError(`--depth takes a positive integer or 'all'; got '${depthText}'`);
    }
    const direction = (values['direction'] as string | undefined) ?? 'up';
    if (direction !== 'up' && direction !== 'down')
      throw new UsageError(`--direction takes up or down; got '${direction}'`);
    const setTexts = (values['set'] as string[] | undefined) ?? [];
    const setArgs = parseSetArgs(setTexts);

    const out = values['out'] as string | undefined;
    if (values['force'] && out === undefined) throw new UsageError('--force goes with --out');
    // The drawing code (and its layout library) loads only here: no other command pays for it.
    const graph = await import('../../backends/graph/index.js');
    const policy: FileOutputOptions = { isOwn: graph.isGraphOutput, force: values['force'] === true };
    if (out !== undefined && !writable(() => checkFileReplaceable(out, policy))) return 2; // before the drawing

    const program = readProgramOrExit(positionals[0]!, loadProgram);
    if (program === undefined) return 2;
    if (program.diagnostics.some((d) => d.severity === 'error')) {
      printDiagnostics(program.diagnostics, program.sourceOf);
      return 1;
    }
    const { lintFindings, select } = await import('../graph-select.js');
    const selection = select(positionals[0]!, program, {
      network: values['network'] as string | undefined,
      args: setArgs,
      setTexts,
      rules: values['rules'] as string[] | undefined,
      block: values['block'] as string | undefined,
      input: values['input'] as string | undefined,
    });
    if (selection.usage) throw new UsageError(selection.usage, false);
    printDiagnostics([...program.diagnostics, ...selection.diagnostics], selection.program.sourceOf);
    if (!selection.graph) return 1;
    for (const note of selection.notes) process.stderr.write(`incc graph: ${note}\n`);
    const withLint = values['lint'] === true || format === 'html';
    const lint = withLint ? lintFindings(selection, selection.graph.network) : undefined;
    const rendered = await graph.render(
      { ...selection, graph: selection.graph, lint },
      {
        format: format as Format,
        depth,
        diff: values['diff'] === true,
        lint: values['lint'] === true,
        direction,
      },
    );
    for (const note of rendered.notes) process.stderr.write(`incc graph: ${note}\n`);
    if (out !== undefined) {
      if (!writable(() => writeFileAtomic(out, rendered.text, policy))) return 2;
    } else process.stdout.write(rendered.text);
    return 0;
  },
};
