/** `incc report`'s usage: name, summary, options and help (cli/commands/report.ts runs it). */
import { commandUsage } from '../command.js';

export const reportUsage = commandUsage({
  name: 'report',
  summary: 'draw the loss and accuracy curves of a training run (an html page of SVG charts)',
  options: { string: 'out', boolean: 'force' },
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
});
