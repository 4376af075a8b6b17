import { ConfigError, parseRuleOverrides, type LintConfig } from '../../compiler/lint/engine/config.js';
import { readConfig } from '../../compiler/lint/engine/config-file.js';
import { appendFileSync, readFileSync } from 'node:fs';
import { withFatalMessages } from '../../compiler/lint/engine/fatal.js';
import { formatGithub, formatGithubSummary } from '../../compiler/lint/formatters/github.js';
import { formatJson } from '../../compiler/lint/formatters/json.js';
import { formatStylish } from '../../compiler/lint/formatters/stylish.js';
import type { LintResult } from '../../compiler/lint/engine/lint.js';
import { lintFile } from '../../compiler/lint/engine/lint-file.js';
import type { FileFix } from '../../compiler/lint/engine/fix-file.js';
import { formatFixSummary } from '../../compiler/lint/formatters/fix-summary.js';
import { lintRules } from '../../compiler/lint/engine/registry.js';
import { levelOfSeverity } from '../../compiler/lint/engine/rule.js';
import { expandFiles } from '../files.js';
import { UsageError, useColor } from '../io.js';
import { packageInfo } from '../package-info.js';
import type { CommandLine } from '../command.js';
import type { lintUsage } from '../usage/lint.js';

const formats = ['stylish', 'json', 'sarif', 'github'];

export async function run({ values, inputs }: CommandLine<typeof lintUsage>): Promise<number> {
  if (values['list-rules']) {
    for (const r of lintRules) {
      const level = levelOfSeverity[r.defaultSeverity];
      process.stdout.write(`${r.id.padEnd(34)} ${level.padEnd(6)} ${r.section.padEnd(14)} ${r.description}\n`);
    }
    return 0;
  }
  const format = values.format ?? 'stylish';
  if (!formats.includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}`);
  const maxWarningsText = values['max-warnings'];
  const maxWarnings = maxWarningsText === undefined ? undefined : Number(maxWarningsText);
  if (maxWarnings !== undefined && (!Number.isInteger(maxWarnings) || maxWarnings < 0))
    throw new UsageError('--max-warnings takes a whole number');
  const patterns = inputs();
  const dryRun = values['fix-dry-run'] === true;
  const fixing = values.fix === true || dryRun;
  if (values.fix === true && dryRun) throw new UsageError('give one of --fix and --fix-dry-run');
  let config: LintConfig | undefined;
  let overrides;
  try {
    if (values.config !== undefined) config = readConfig(values.config);
    overrides = parseRuleOverrides(values.rule ?? []);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message, false);
    throw e;
  }
  let expanded;
  try {
    expanded = expandFiles(patterns, { ignoreFiles: values['no-ignore'] !== true });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message, false);
    throw e;
  }
  const { files, missing } = expanded;
  if (missing.length > 0) {
    for (const m of missing) process.stderr.write(`incc lint: no .incp file matches ${m}\n`);
    return 2;
  }
  // What --fix and --format sarif need (node:crypto among it) is loaded when they are given.
  const fixer = fixing ? await loadFixer() : undefined;
  const results: LintResult[] = [];
  const fixes: { file: string; fix: FileFix }[] = [];
  let failed = false;
  for (const f of files) {
    let r: LintResult;
    try {
      if (fixer) {
        const fix = fixer.fixFile(f, { config, overrides });
        fixes.push({ file: fix.result.file, fix });
        if (!dryRun && fix.text !== fix.original && !fixer.writeFixed(f, fix)) failed = true;
        r = fix.result;
      } else r = lintFile(f, { config, overrides });
    } catch (e) {
      if (e instanceof ConfigError) throw new UsageError(e.message, false);
      process.stderr.write(`incc lint: cannot read ${f}\n`);
      failed = true;
      continue;
    }
    results.push(r.failures.length > 0 ? withFatalMessages(r) : r);
  }
  const info = packageInfo();
  const sarif = {
    version: info.version,
    informationUri: info.repositoryUrl,
    docsUrl: values['docs-url'] ?? info.docsUrl,
  };
  const text =
    format === 'json'
      ? formatJson(results)
      : format === 'sarif'
        ? (await import('../../compiler/lint/formatters/sarif.js')).formatSarif(results, sarif)
        : format === 'github'
          ? formatGithub(results)
          : formatStylish(results, { color: useColor(process.stdout) });
  // What --fix changed: on stdout before the stylish report; on stderr with a format a program reads.
  const fixSummary = fixing ? formatFixSummary(fixes, dryRun) : '';
  if (fixSummary) (format === 'stylish' ? process.stdout : process.stderr).write(`${fixSummary}\n\n`);
  if (text.length > 0) process.stdout.write(`${text}\n`);
  const summary = process.env['GITHUB_STEP_SUMMARY'];
  if (format === 'github' && summary) appendFileSync(summary, formatGithubSummary(results));
  if (failed) return 2;
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0) return 1;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    process.stderr.write(`incc lint: ${warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  return 0;
}

/** --fix's modules: the fixer, and the atomic replacement of a file. */
async function loadFixer() {
  const { fixFile } = await import('../../compiler/lint/engine/fix-file.js');
  const { replaceFileContents, ReplaceError } = await import('../../backends/common/replace-file.js');
  /** Writes a fixed file atomically, unless it changed on disk since it was read; false (said why) when not written. */
  const writeFixed = (file: string, fix: FileFix): boolean => {
    try {
      if (readFileSync(file, 'utf8') !== fix.original) {
        process.stderr.write(`incc lint: ${file} changed while it was being fixed: not written\n`);
        return false;
      }
      replaceFileContents(file, fix.text);
      return true;
    } catch (e) {
      if (!(e instanceof ReplaceError)) throw e;
      process.stderr.write(`incc lint: ${e.message}\n`);
      return false;
    }
  };
  return { fixFile, writeFixed };
}
