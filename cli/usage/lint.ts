/** `incc lint`'s usage: name, summary, options and help (cli/commands/lint.ts runs it). */
import { commandUsage } from '../command.js';

export const lintUsage = commandUsage({
  name: 'lint',
  keepsWholeProgram: true,
  summary: "check networks against the paper's design principles (for CI: SARIF, JSON, GitHub annotations)",
  options: {
    string: 'format config max-warnings docs-url',
    multiple: 'rule',
    boolean: 'list-rules no-ignore fix fix-dry-run',
  },
  help: `Usage: incc lint FILE|DIR|GLOB... [--format stylish|json|sarif|github] [--config FILE]
                 [--rule ID=SEVERITY]... [--rule ID.OPTION=VALUE]... [--max-warnings N]
                 [--fix | --fix-dry-run]

Elaborates every network in each file, applies its rules, and checks it
against the design principles of "Rethinking the Inception Architecture"
(spec/lint.md). Folders are searched for .incp files; globs take * ** ? [..]
{a,b}, and !GLOB removes files; files found that way are skipped when a
.gitignore or the config's ignorePatterns ignores them.

Options:
  --format F           stylish (default), json (ESLint's shape), sarif (SARIF 2.1.0), github
  --config FILE        use this config instead of the nearest incc.config.json above each file
  --rule ID=SEV        set a rule's severity: off, info, warn, error (repeatable)
  --rule ID.OPT=VALUE  set a rule option (VALUE as JSON: 4, true, [12, 20]) (repeatable)
  --max-warnings N     exit 1 when there are more than N warnings
  --no-ignore          lint files that .gitignore or ignorePatterns ignore
  --docs-url URL       where spec/ is on the web, for SARIF help links
                       (default: the repository's, from package.json)
  --list-rules         list the rules with their sections and default severities
  --fix                fix what a std/rules rule fixes (an \`apply\` statement per fix, the
                       rule imported), check the result, write the file, and say
                       what changed with the parameters and multiply-adds saved
  --fix-dry-run        the same, writing nothing

Suppress a finding with a comment: // incc-disable-next-line RULE -- reason
(also incc-disable-line and incc-disable-file).

A file that does not compile is reported as ESLint reports a parse error: an
error (a fatal message) in every format.

With --format github, a notice gives the totals, and when GITHUB_STEP_SUMMARY
is set, the full table of findings is added to the job summary.

Exit codes: 0 no errors, 1 errors (a file that does not compile included, or
more warnings than --max-warnings), 2 usage error, unreadable file, bad config.`,
});
