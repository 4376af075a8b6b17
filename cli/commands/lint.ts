import { ConfigError, parseRuleOverrides, readConfig, type LintConfig } from '../../compiler/lint/engine/config.js';
import { formatGithub } from '../../compiler/lint/formatters/github.js';
import { formatJson } from '../../compiler/lint/formatters/json.js';
import { formatSarif } from '../../compiler/lint/formatters/sarif.js';
import { formatStylish } from '../../compiler/lint/formatters/stylish.js';
import { lintFile, type LintResult } from '../../compiler/lint/engine/lint.js';
import { lintRules } from '../../compiler/lint/engine/registry.js';
import { expandFiles } from '../files.js';
import { parseCommandArgs, printDiagnostics, UsageError } from '../io.js';
import type { Command } from '../registry.js';

const formats = ['stylish', 'json', 'sarif', 'github'];

export const lintCommand: Command = {
  name: 'lint',
  summary: "check networks against the paper's design principles (for CI: SARIF, JSON, GitHub annotations)",
  help: `Usage: incc lint FILE|DIR|GLOB... [--format stylish|json|sarif|github] [--config FILE]
                 [--rule ID=SEVERITY]... [--rule ID.OPTION=VALUE]... [--max-warnings N]

Elaborates every network in each file (folders are searched for .incp files;
globs take * ** ?), applies its rules, and checks it against the design
principles of "Rethinking the Inception Architecture" (spec/lint.md).

Options:
  --format F           stylish (default), json (ESLint's shape), sarif (SARIF 2.1.0), github
  --config FILE        use this config instead of the nearest incc.config.json above each file
  --rule ID=SEV        set a rule's severity: off, info, warn, error (repeatable)
  --rule ID.OPT=VALUE  set a rule option (VALUE as JSON: 4, true, [12, 20]) (repeatable)
  --max-warnings N     exit 1 when there are more than N warnings
  --list-rules         list the rules with their sections and default severities

Suppress a finding with a comment: // incc-disable-next-line RULE -- reason
(also incc-disable-line and incc-disable-file).

Exit codes: 0 no errors, 1 errors (or more warnings than --max-warnings),
2 usage error, unreadable file, bad config, or a file that does not compile.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      format: { type: 'string' },
      config: { type: 'string' },
      rule: { type: 'string', multiple: true },
      'max-warnings': { type: 'string' },
      'list-rules': { type: 'boolean' },
    });
    if (values['list-rules']) {
      for (const r of lintRules) process.stdout.write(`${r.id.padEnd(34)} ${r.defaultSeverity.padEnd(6)} ${r.section.padEnd(14)} ${r.description}\n`);
      return 0;
    }
    const format = (values['format'] as string | undefined) ?? 'stylish';
    if (!formats.includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}`);
    const maxWarningsText = values['max-warnings'] as string | undefined;
    const maxWarnings = maxWarningsText === undefined ? undefined : Number(maxWarningsText);
    if (maxWarnings !== undefined && (!Number.isInteger(maxWarnings) || maxWarnings < 0)) throw new UsageError('--max-warnings takes a whole number');
    if (positionals.length === 0) throw new UsageError('no input files');
    let config: LintConfig | undefined;
    let overrides;
    try {
      if (values['config']) config = readConfig(values['config'] as string);
      overrides = parseRuleOverrides((values['rule'] as string[] | undefined) ?? []);
    } catch (e) {
      if (e instanceof ConfigError) throw new UsageError(e.message, false);
      throw e;
    }
    const { files, missing } = expandFiles(positionals);
    if (missing.length > 0) {
      for (const m of missing) process.stderr.write(`incc lint: no .incp file matches ${m}\n`);
      return 2;
    }
    const results: LintResult[] = [];
    let failed = false;
    for (const f of files) {
      let r: LintResult;
      try {
        r = lintFile(f, { config, overrides });
      } catch (e) {
        if (e instanceof ConfigError) throw new UsageError(e.message, false);
        process.stderr.write(`incc lint: cannot read ${f}\n`);
        failed = true;
        continue;
      }
      if (r.failures.length > 0) {
        printDiagnostics(r.failures, r.sourceOf);
        failed = true;
        continue;
      }
      results.push(r);
    }
    const color = process.stdout.isTTY === true && !process.env['NO_COLOR'];
    const text = format === 'json' ? formatJson(results) : format === 'sarif' ? formatSarif(results) : format === 'github' ? formatGithub(results) : formatStylish(results, { color });
    if (text.length > 0) process.stdout.write(`${text}\n`);
    if (failed) return 2;
    const errors = results.reduce((n, r) => n + r.errorCount, 0);
    const warnings = results.reduce((n, r) => n + r.warningCount, 0);
    if (errors > 0) return 1;
    if (maxWarnings !== undefined && warnings > maxWarnings) {
      process.stderr.write(`incc lint: ${warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
      return 1;
    }
    return 0;
  },
};
