import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTrainingReport, trainingReport } from '../../backends/common/curves.js';
import { OutputError, writeFileAtomic } from '../../backends/common/output.js';
import { parseCommandArgs, UsageError } from '../io.js';
import type { Command } from '../command.js';

/** The JSON lines of a file (none when it is missing); a damaged line is skipped with a warning. */
function jsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push(JSON.parse(line) as T);
      } catch {
        process.stderr.write(`incc report: ${path}:${i + 1}: not a JSON line, skipped\n`);
      }
    });
  return out;
}

const options = { out: { type: 'string' }, force: { type: 'boolean' } } as const;

export const reportCommand: Command = {
  name: 'report',
  options,
  summary: 'draw the loss and accuracy curves of a training run (an html page of SVG charts)',
  help: `Usage: incc report RUN_DIR [--out FILE [--force]]

Reads the metrics of an \`incc train --out RUN_DIR\` run (metrics.jsonl: one line an
epoch; steps.jsonl: a line every --log-every steps) and writes RUN_DIR/report.html
(or FILE): the loss and the accuracy, training and validation, against the step,
as SVG in one self-contained page (no script, nothing fetched).

Options:
  --out FILE   write the page there instead of RUN_DIR/report.html; an existing FILE is
               replaced only if incc wrote it
  --force      replace --out even if incc did not write it

Exit codes: 0 done, 1 no metrics in RUN_DIR, 2 usage error.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, options);
    if (positionals.length !== 1) throw new UsageError('expected exactly one RUN_DIR');
    const dir = positionals[0]!;
    const epochs = jsonLines<Parameters<typeof trainingReport>[1][number]>(join(dir, 'metrics.jsonl'));
    const steps = jsonLines<Parameters<typeof trainingReport>[2][number]>(join(dir, 'steps.jsonl'));
    if (epochs.length === 0 && steps.length === 0) {
      process.stderr.write(
        `incc report: ${dir} has no metrics.jsonl or steps.jsonl (the --out folder of incc train)\n`,
      );
      return 1;
    }
    const out = (values['out'] as string | undefined) ?? join(dir, 'report.html');
    try {
      writeFileAtomic(out, trainingReport(`Training run ${dir}`, epochs, steps), {
        isOwn: isTrainingReport,
        force: values['force'] === true,
      });
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      process.stderr.write(`incc report: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`report: ${out}\n`);
    return 0;
  },
};
