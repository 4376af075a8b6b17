import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTrainingReport, trainingReport } from '../../backends/common/curves.js';
import { OutputError, writeFileAtomic } from '../../backends/common/output.js';
import type { CommandLine } from '../command.js';
import type { reportUsage } from '../usage/report.js';

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

export async function run({ values, operand }: CommandLine<typeof reportUsage>): Promise<number> {
  const dir = operand('RUN_DIR');
  const epochs = jsonLines<Parameters<typeof trainingReport>[1][number]>(join(dir, 'metrics.jsonl'));
  const steps = jsonLines<Parameters<typeof trainingReport>[2][number]>(join(dir, 'steps.jsonl'));
  if (epochs.length === 0 && steps.length === 0) {
    process.stderr.write(`incc report: ${dir} has no metrics.jsonl or steps.jsonl (the --out folder of incc train)\n`);
    return 1;
  }
  const out = values.out ?? join(dir, 'report.html');
  try {
    writeFileAtomic(out, trainingReport(`Training run ${dir}`, epochs, steps), {
      isOwn: isTrainingReport,
      force: values.force === true,
    });
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    process.stderr.write(`incc report: ${e.message}\n`);
    return 2;
  }
  process.stderr.write(`report: ${out}\n`);
  return 0;
}
