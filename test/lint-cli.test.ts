/**
 * `incc lint` as a process (spec/lint.md): the output formats, exit codes, config files found upward,
 * `--rule` over the config, suppression comments (and unused ones), a suppression in a block's file, and
 * many files and globs in a deterministic order. The cases live in a temporary folder outside the
 * repository (so no incc.config.json of the checkout is found above them), each folder with a config that
 * leaves only large-unfactorized-kernel on: the other rules are tested on their own.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatGithub } from '../compiler/lint/formatters/github.js';
import type { LintMessage, LintResult } from '../compiler/lint/engine/lint.js';
import { lintRules } from '../compiler/lint/engine/registry.js';
import { incc } from './helpers/cli.js';
import { joinedRegExp } from './helpers/regexp.js';

const LUK = 'large-unfactorized-kernel';
const head = 'defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input 35x35x64\n';
/** A network whose line 4 is `line4` (and line 5 `line5`, when given). */
const net = (line4: string, line5?: string) => `${head}  ${line4}\n${line5 === undefined ? '' : `  ${line5}\n`}}\n`;

/** A config with every rule but large-unfactorized-kernel off, and `luk` for that one. */
const config = (luk: unknown = 'warn') =>
  JSON.stringify(
    { rules: { ...Object.fromEntries(lintRules.filter((r) => r.id !== LUK).map((r) => [r.id, 'off'])), [LUK]: luk } },
    null,
    2,
  );

const files: Record<string, string> = {
  'incc.config.json': config(),
  'clean.incp': net('conv 3x3 64'),
  'warn.incp': net('conv 5x5 64'),
  'two.incp': net('conv 5x5 64', 'conv 5x5 64'),
  'syntax.incp': net('conv 5x5 @'),
  'sub/incc.config.json': config('error'),
  'sub/deep/er/strict.incp': net('conv 5x5 64'),
  'opts/incc.config.json': config(['warn', { minKernel: 7 }]),
  'opts/k.incp': net('conv 5x5 64', 'conv 7x7 64'),
  'off/incc.config.json': config('off'),
  'off/w.incp': net('conv 5x5 64'),
  'badjson/incc.config.json': '{ "rules": ',
  'badjson/w.incp': net('conv 5x5 64'),
  'badrule/incc.config.json': JSON.stringify({ rules: { 'large-unfactorised-kernel': 'warn' } }),
  'badrule/w.incp': net('conv 5x5 64'),
  'badopt/incc.config.json': JSON.stringify({ rules: { [LUK]: ['warn', { minKernal: 7 }] } }),
  'badopt/w.incp': net('conv 5x5 64'),
  'badignore/incc.config.json': JSON.stringify({ ignorePatterns: 'vendor' }),
  'badignore/w.incp': net('conv 5x5 64'),
  'suppress/next-line.incp':
    `${head}  // incc-disable-next-line ${LUK} -- the reference keeps it\n` + '  conv 5x5 64\n  conv 5x5 64\n}\n',
  'suppress/line.incp': net(`conv 5x5 64   // incc-disable-line ${LUK} -- trailing`, 'conv 5x5 64'),
  'suppress/block-comment.incp': net(`conv 5x5 64   /* incc-disable-line ${LUK} */`),
  'suppress/file.incp':
    `// incc-disable-file ${LUK} -- a file of reference layers\n` + net('conv 5x5 64', 'conv 7x7 64'),
  'suppress/unused.incp': net(
    `// incc-disable-next-line ${LUK} -- nothing below to suppress`,
    'conv 3x3 64 // incc-disable-line no-such-rule',
  ),
  'blocks/lib.incp':
    `defaults conv(bias=false, bn=true, act=relu)\nblock Big(c: int) {\n  // incc-disable-next-line ${LUK} -- ` +
    `kept for the reference weights\n  conv 1x1 c -> conv 5x5 c\n}\n`,
  'blocks/use.incp': 'import { Big } from "./lib"\nnetwork U {\n  input 35x35x64\n  a: Big(64)\n  b: Big(32)\n}\n',
  'blocks/plain-lib.incp':
    'defaults conv(bias=false, bn=true, act=relu)\nblock Plain(c: int) {\n  conv 1x1 c -> conv 5x5 c\n}\n',
  'blocks/use-plain.incp': 'import { Plain } from "./plain-lib"\nnetwork U {\n  input 35x35x64\n  a: Plain(64)\n}\n',
  'many/b.incp': net('conv 5x5 64'),
  'many/a.incp': net('conv 5x5 64'),
  'many/c/a.incp': net('conv 5x5 64'),
  'many/c/d/z.incp': net('conv 3x3 64'),
  'odd/we,ird:name.incp': net('conv 5x5 64'),
  'ign/.git/HEAD': 'ref: refs/heads/main\n',
  'ign/.gitignore': 'generated/\n*.tmp.incp\n',
  'ign/incc.config.json': JSON.stringify({
    $schema: '../schema/incc.config.schema.json',
    ignorePatterns: ['vendor/**'],
    rules: JSON.parse(config()).rules,
  }),
  'ign/a.incp': net('conv 5x5 64'),
  'ign/b.tmp.incp': net('conv 5x5 64'),
  'ign/generated/g.incp': net('conv 5x5 64'),
  'ign/vendor/v.incp': net('conv 5x5 64'),
  'ign/sub/.gitignore': 'local.incp\n',
  'ign/sub/local.incp': net('conv 5x5 64'),
  'ign/sub/kept.incp': net('conv 5x5 64'),
  'ign/x1.incp': net('conv 5x5 64'),
  'ign/x2.incp': net('conv 5x5 64'),
  'ign/y1.incp': net('conv 5x5 64'),
};

let root: string;
const lint = (...args: string[]) => incc(['lint', ...args], root);
const json = (stdout: string) =>
  JSON.parse(stdout) as {
    filePath: string;
    messages: (Omit<LintMessage, 'severity'> & { severity: number; level: string })[];
    suppressedMessages: { ruleId: string; line: number; suppressions: { kind: string; justification: string }[] }[];
    errorCount: number;
    warningCount: number;
    fixableErrorCount: number;
    fixableWarningCount: number;
    fixableInfoCount: number;
  }[];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'incc-lint-cli-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('formats', () => {
  test('stylish: the finding with its code frame, grouped under the file, then the summary line', () => {
    const r = lint('warn.incp');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('warn.incp');
    expect(lines[1]).toMatch(
      joinedRegExp(
        /^ {2}warn\.incp:4:3: warning large-unfactorized-kernel: /,
        /conv 5x5 conv1 on 35x35x64 is unfactorized: .*factor_5x5$/,
      ),
    );
    expect(r.stdout).toMatch(/^ +4 \| {3}conv 5x5 64$/m);
    expect(r.stdout).toMatch(/^ +\| {3}\^{11}$/m);
    expect(lines.at(-1)).toBe('1 problem (0 errors, 1 warning, 0 info) in 1 file');
  });

  test('colour: FORCE_COLOR turns it on without a terminal (as chalk and Node do), NO_COLOR alone keeps it off', () => {
    const esc = '\u001b[';
    expect(lint('warn.incp').stdout).not.toContain(esc);
    expect(incc(['lint', 'warn.incp'], root, { FORCE_COLOR: '1' }).stdout).toContain(esc);
    expect(incc(['lint', 'warn.incp'], root, { FORCE_COLOR: '0' }).stdout).not.toContain(esc);
  });

  test('stylish: a clean run says so', () => {
    const r = lint('clean.incp', 'many/c/d/z.incp');
    expect([r.status, r.stdout]).toEqual([0, '2 files linted: no problems\n']);
  });

  test("json: ESLint's LintResult[]", () => {
    const r = lint('warn.incp', 'clean.incp', '--format', 'json');
    expect(r.status).toBe(0);
    const results = json(r.stdout);
    expect(results.map((x) => x.filePath)).toEqual(['clean.incp', 'warn.incp']);
    for (const x of results) {
      for (const field of [
        'filePath',
        'messages',
        'suppressedMessages',
        'errorCount',
        'warningCount',
        'fatalErrorCount',
        'fixableErrorCount',
        'fixableWarningCount',
        'usedDeprecatedRules',
      ])
        expect(x).toHaveProperty(field);
    }
    expect(results[1]!.messages).toEqual([
      expect.objectContaining({
        ruleId: LUK,
        severity: 1,
        line: 4,
        column: 3,
        endLine: 4,
        endColumn: 14,
        message: expect.stringContaining('conv 5x5 conv1 on 35x35x64'),
      }),
    ]);
    expect([results[1]!.errorCount, results[1]!.warningCount]).toEqual([0, 1]);
  });

  test('json: severity 2 for errors', () => {
    const r = lint('warn.incp', '--format', 'json', '--rule', `${LUK}=error`);
    expect(r.status).toBe(1);
    const [x] = json(r.stdout);
    expect([x!.messages[0]!.severity, x!.errorCount, x!.warningCount]).toEqual([2, 1, 0]);
  });

  test('json: the fixable counts are the findings that carry a fix, by severity (as ESLint counts them)', () => {
    const counts = (...args: string[]) =>
      json(lint(...args, '--format', 'json').stdout).map((x) => [
        x.filePath,
        x.fixableErrorCount,
        x.fixableWarningCount,
        x.fixableInfoCount,
      ]);
    // Two 5x5 convolutions: factor_5x5 fixes each (spec/lint.md, "Fixing findings"); as errors, as info.
    expect(counts('two.incp', 'clean.incp')).toEqual([
      ['clean.incp', 0, 0, 0],
      ['two.incp', 0, 2, 0],
    ]);
    expect(counts('two.incp', '--rule', `${LUK}=error`)).toEqual([['two.incp', 2, 0, 0]]);
    expect(counts('two.incp', '--rule', `${LUK}=info`)).toEqual([['two.incp', 0, 0, 2]]);
    // minKernel 7: the 7x7 on a 35x35 grid is reported, but std/rules asymmetric only rewrites 12..20 grids,
    // so the finding carries no fix.
    const [k] = json(lint('opts/k.incp', '--format', 'json').stdout);
    expect([k!.warningCount, k!.fixableWarningCount]).toEqual([1, 0]);
  });

  test("json: a finding's fix and its suppression are ESLint's { range, text } edits of the source", () => {
    type Edit = { range: [number, number]; text: string };
    type Fixed = { fix?: Edit; ruleFix?: unknown; suggestions?: { desc: string; fix: Edit }[] };
    const source = files['warn.incp']!;
    const edit = (e: Edit) => source.slice(0, e.range[0]) + e.text + source.slice(e.range[1]);
    const [x] = json(lint('warn.incp', '--format', 'json').stdout);
    const m = x!.messages[0] as unknown as Fixed;
    expect(m.ruleFix).toEqual({ rule: 'factor_5x5', args: '', targets: ['conv1'] });
    // spec/lint.md, "Fixing findings": the rule imported above, `apply` after the last statement, a blank line
    // before it, indented as the body.
    expect(edit(m.fix!)).toBe(
      `import { factor_5x5 } from "std/rules"\n\n${head}  conv 5x5 64\n\n  apply factor_5x5 to conv1\n}\n`,
    );
    expect(m.suggestions!.map((s) => s.desc)).toEqual([`suppress ${LUK} on line 4 with a reason`]);
    const reason = 'TODO: say why this deviates from the paper';
    expect(edit(m.suggestions![0]!.fix)).toBe(
      `${head}  // incc-disable-next-line ${LUK} -- ${reason}\n  conv 5x5 64\n}\n`,
    );
    // Both edits do what they say: the fixed and the suppressed texts lint without the finding.
    writeFileSync(join(root, 'json-fixed.incp'), edit(m.fix!));
    writeFileSync(join(root, 'json-suppressed.incp'), edit(m.suggestions![0]!.fix));
    const after = json(lint('json-fixed.incp', 'json-suppressed.incp', '--format', 'json').stdout);
    expect(after.map((r) => [r.filePath, r.messages.length, r.suppressedMessages.length])).toEqual([
      ['json-fixed.incp', 0, 0],
      ['json-suppressed.incp', 0, 1],
    ]);
    // The 7x7 on 35x35 has no std fix (see above): a suppression only.
    const [k] = json(lint('opts/k.incp', '--format', 'json').stdout);
    const seven = k!.messages[0] as unknown as Fixed;
    expect([seven.fix, seven.ruleFix, seven.suggestions?.length]).toEqual([undefined, undefined, 1]);
  });

  const workflowCommand =
    /^::(error|warning|notice) file=[^,:\r\n]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^,:\r\n]*::[^\r\n]*$/;

  test('github: one workflow command per finding', () => {
    const r = lint('two.incp', 'warn.incp', '--format', 'github', '--rule', `${LUK}=error`);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(0, 3)) expect(line).toMatch(workflowCommand);
    expect(lines[0]).toMatch(
      joinedRegExp(
        /^::error file=two\.incp,line=4,col=3,endLine=4,endColumn=14,title=incc large-unfactorized-kernel::/,
        /conv 5x5 conv1 on 35x35x64 is unfactorized/,
      ),
    );
    expect(lines[2]).toMatch(/^::error file=warn\.incp,line=4,/);
    expect(lines[3]).toBe('::notice title=incc lint::3 problems (3 errors, 0 warnings, 0 info) in 2 files');
  });

  test('github: warning and notice commands; nothing printed when clean', () => {
    expect(lint('warn.incp', '--format', 'github').stdout).toMatch(/^::warning file=warn\.incp,/);
    expect(lint('warn.incp', '--format', 'github', '--rule', `${LUK}=info`).stdout).toMatch(
      /^::notice file=warn\.incp,/,
    );
    expect(lint('clean.incp', '--format', 'github').stdout).toBe(
      '::notice title=incc lint::1 file linted: no problems\n',
    );
  });

  test('github: a file name with a comma and a colon is escaped in the file property', () => {
    const r = lint('odd', '--format', 'github');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(workflowCommand);
    expect(lines[0]).toMatch(/^::warning file=odd\/we%2Cird%3Aname\.incp,line=4,col=3,/);
  });

  test('github: the formatter escapes % CR LF in the message, and also : , in properties', () => {
    const m: LintMessage = {
      ruleId: LUK,
      messageId: 'large',
      severity: 'error',
      message: '100% of it:\r\nsecond, line',
      file: 'a:b,c%d.incp',
      line: 2,
      column: 5,
      endLine: 2,
      endColumn: 9,
    };
    const result: LintResult = {
      filePath: m.file,
      file: m.file,
      messages: [m],
      suppressed: [],
      errorCount: 1,
      warningCount: 0,
      infoCount: 0,
      source: '',
      failures: [],
      sourceOf: () => undefined,
    };
    expect(formatGithub([result]).split('\n')[0]).toBe(
      '::error file=a%3Ab%2Cc%25d.incp,line=2,col=5,endLine=2,endColumn=9,title=incc ' +
        'large-unfactorized-kernel::100%25 of it:%0D%0Asecond, line',
    );
  });

  test('github: with GITHUB_STEP_SUMMARY set, the full table of findings goes to the job summary', () => {
    const summary = join(root, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = incc(['lint', 'many', 'syntax.incp', '--format', 'github'], root, { GITHUB_STEP_SUMMARY: summary });
    expect(r.status).toBe(1);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## incc lint\n')).toBe(true); // appended, as GitHub expects
    expect(text).toContain('4 problems (1 error, 3 warnings, 0 info) in 5 files');
    const rows = text.split('\n').filter((l) => /^\| [^-w]/.test(l));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^\| many\/a\.incp:4:3 \| warning \| `large-unfactorized-kernel` \| conv 5x5/);
    expect(rows[3]).toMatch(/^\| syntax\.incp:4:\d+ \| error \| `unexpected-character` \| /);
  });
});

describe('exit codes', () => {
  test('0: warnings only', () => {
    expect(lint('warn.incp').status).toBe(0);
  });

  test('1: a finding of severity error (--rule ID=error)', () => {
    const r = lint('warn.incp', '--rule', `${LUK}=error`);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('warn.incp:4:3: error large-unfactorized-kernel:');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 problem (1 error, 0 warnings, 0 info) in 1 file');
  });

  test('1: more warnings than --max-warnings; 0 at the limit', () => {
    const over = lint('two.incp', '--max-warnings', '1');
    expect(over.status).toBe(1);
    expect(over.stderr).toContain('2 warnings, more than --max-warnings 1');
    expect(lint('two.incp', '--max-warnings', '2').status).toBe(0);
    expect(lint('clean.incp', '--max-warnings', '0').status).toBe(0);
  });

  test('info findings never change the exit code', () => {
    expect(lint('two.incp', '--rule', `${LUK}=info`, '--max-warnings', '0').status).toBe(0);
  });

  test('1: a file that does not compile is a fatal error, as in ESLint (the other files are still linted)', () => {
    const r = lint('syntax.incp', 'warn.incp');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}syntax\.incp:4:\d+: error unexpected-character: /m);
    expect(r.stdout).toMatch(/^ +4 \| {3}conv 5x5 @$/m);
    expect(r.stdout).toContain('warn.incp:4:3: warning large-unfactorized-kernel');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('2 problems (1 error, 1 warning, 0 info) in 2 files');
  });

  test('a file that does not compile is a fatal message in every format', () => {
    const [j] = json(lint('syntax.incp', '--format', 'json').stdout);
    expect(j!.messages).toEqual([
      expect.objectContaining({ ruleId: null, fatal: true, code: 'unexpected-character', severity: 2, line: 4 }),
    ]);
    expect(j).toMatchObject({ errorCount: 1, fatalErrorCount: 1 });
    const gh = lint('syntax.incp', '--format', 'github');
    expect(gh.status).toBe(1);
    expect(gh.stdout.split('\n')[0]).toMatch(
      /^::error file=syntax\.incp,line=4,col=\d+,endLine=4,endColumn=\d+,title=incc error unexpected-character::/,
    );
    const sarif = JSON.parse(lint('syntax.incp', '--format', 'sarif').stdout) as {
      runs: {
        tool: { driver: { rules: { id: string; name: string; helpUri: string }[] } };
        results: { ruleId: string; ruleIndex: number; level: string }[];
      }[];
    };
    const run = sarif.runs[0]!;
    expect(run.results).toEqual([expect.objectContaining({ ruleId: 'unexpected-character', level: 'error' })]);
    const rule = run.tool.driver.rules[run.results[0]!.ruleIndex]!;
    expect([rule.id, rule.name]).toEqual(['unexpected-character', 'UnexpectedCharacter']);
    expect(rule.helpUri).toMatch(/^https:\/\/.*\/spec\/diagnostics\.md#unexpected-character$/);
  });

  test.each([
    ['a missing file', ['nope.incp'], /no \.incp file matches nope\.incp/],
    ['a glob that matches nothing', ['nowhere/**/*.incp'], /no \.incp file matches nowhere\/\*\*\/\*\.incp/],
    [
      'ignorePatterns that is not a list of strings',
      ['badignore/w.incp'],
      /incc\.config\.json: "ignorePatterns" must be an array of strings/,
    ],
    ['no input', [], /no input files/],
    ['an unknown format', ['warn.incp', '--format', 'xml'], /--format must be one of stylish, json, sarif, github/],
    ['a bad --max-warnings', ['warn.incp', '--max-warnings', 'many'], /--max-warnings takes a whole number/],
    ['a bad severity', ['warn.incp', '--rule', `${LUK}=fatal`], /severity must be one of off, info, warn, error/],
    [
      'an unknown rule',
      ['warn.incp', '--rule', 'large-unfactorised-kernel=warn'],
      /unknown rule "large-unfactorised-kernel".*large-unfactorized-kernel/,
    ],
    ['an unknown option', ['warn.incp', '--rule', `${LUK}.minKernal=7`], /has no option "minKernal".*minKernel/],
    [
      'an option of the wrong type',
      ['warn.incp', '--rule', `${LUK}.minKernel=true`],
      /option "minKernel" must be a number/,
    ],
    ['a --rule without =', ['warn.incp', '--rule', LUK], /write ID=SEVERITY or ID\.OPTION=VALUE/],
    ['a config file that is not JSON', ['badjson/w.incp'], /incc\.config\.json: not valid JSON/],
    [
      'an unknown rule in a config file',
      ['badrule/w.incp'],
      /incc\.config\.json: unknown rule "large-unfactorised-kernel"/,
    ],
    [
      'an unknown option in a config file',
      ['badopt/w.incp'],
      /incc\.config\.json: rule "large-unfactorized-kernel" has no option "minKernal"/,
    ],
    ['a missing --config file', ['warn.incp', '--config', 'nope.json'], /nope\.json/],
  ] as [string, string[], RegExp][])('2: %s', (_name, args, stderr) => {
    const r = lint(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(stderr);
  });
});

describe('configuration', () => {
  test('incc.config.json is found upward from each file: the nearest applies', () => {
    const r = lint('warn.incp', 'sub/deep/er/strict.incp', '--format', 'json');
    expect(r.status).toBe(1);
    const results = json(r.stdout);
    expect(results.map((x) => [x.filePath, x.messages.map((m) => m.severity)])).toEqual([
      ['sub/deep/er/strict.incp', [2]],
      ['warn.incp', [1]],
    ]);
  });

  test('a rule turned off, and options, in the config', () => {
    expect(lint('off/w.incp').stdout).toBe('1 file linted: no problems\n');
    const r = json(lint('opts/k.incp', '--format', 'json').stdout);
    expect(r[0]!.messages.map((m) => [m.line, m.message.slice(0, 12)])).toEqual([[5, 'conv 7x7 con']]);
  });

  test('--rule overrides the config: severity and options', () => {
    const r = lint('sub/deep/er/strict.incp', '--rule', `${LUK}=warn`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('warning large-unfactorized-kernel');
    expect(
      json(lint('opts/k.incp', '--format', 'json', '--rule', `${LUK}.minKernel=5`).stdout)[0]!.messages.map(
        (m) => m.line,
      ),
    ).toEqual([4, 5]);
    expect(
      json(lint('off/w.incp', '--format', 'json', '--rule', `${LUK}=error`).stdout)[0]!.messages.map((m) => m.severity),
    ).toEqual([2]);
  });

  test('--config replaces the search for every file', () => {
    const r = lint('sub/deep/er/strict.incp', 'warn.incp', '--config', 'off/incc.config.json');
    expect([r.status, r.stdout]).toEqual([0, '2 files linted: no problems\n']);
  });
});

describe('suppression comments', () => {
  test('incc-disable-next-line silences the next line only, and keeps its reason', () => {
    const [x] = json(lint('suppress/next-line.incp', '--format', 'json').stdout);
    expect(x!.messages.map((m) => [m.ruleId, m.line])).toEqual([[LUK, 6]]);
    expect(x!.suppressedMessages.map((m) => [m.ruleId, m.line, m.suppressions])).toEqual([
      [LUK, 5, [{ kind: 'directive', justification: 'the reference keeps it' }]],
    ]);
  });

  test('incc-disable-line silences its own line (// and /* */ comments)', () => {
    const [x] = json(lint('suppress/line.incp', '--format', 'json').stdout);
    expect(x!.messages.map((m) => m.line)).toEqual([5]);
    expect(x!.suppressedMessages.map((m) => [m.line, m.suppressions[0]!.justification])).toEqual([[4, 'trailing']]);
    expect(lint('suppress/block-comment.incp').stdout).toBe('1 file linted: no problems\n');
  });

  test('incc-disable-file silences the whole file', () => {
    const [x] = json(lint('suppress/file.incp', '--format', 'json').stdout);
    expect(x!.messages).toEqual([]);
    expect(x!.suppressedMessages.map((m) => m.line)).toEqual([5, 6]);
  });

  test('a suppression that suppresses nothing is reported as unused-suppression (a warning)', () => {
    const r = lint('suppress/unused.incp', '--format', 'json', '--max-warnings', '0');
    expect(r.status).toBe(1);
    const [x] = json(r.stdout);
    expect(x!.messages.map((m) => [m.ruleId, m.severity, m.line, m.column])).toEqual([
      ['unused-suppression', 1, 4, 3],
      ['unused-suppression', 1, 5, 15],
    ]);
    expect(x!.messages[0]!.message).toBe(`this next-line suppression of ${LUK} suppresses nothing: remove it`);
    expect(x!.messages[1]!.message).toBe('this suppression names no-such-rule, which is not an active lint rule');
  });

  test("a suppression beside a layer in a block's file silences it in every instance, not reported unused", () => {
    const r = lint('blocks/use.incp', '--format', 'json');
    expect(r.status).toBe(0);
    const [x] = json(r.stdout);
    expect(x!.messages).toEqual([]);
    expect(x!.suppressedMessages.map((m) => [m.ruleId, m.suppressions[0]!.justification])).toEqual([
      [LUK, 'kept for the reference weights'],
      [LUK, 'kept for the reference weights'],
    ]);
    // Linting the library too: it has no network, so its comment is not checked on its own.
    const all = json(lint('blocks/lib.incp', 'blocks/use.incp', '--format', 'json').stdout);
    expect(all.flatMap((f) => f.messages)).toEqual([]);
  });

  test('a layer of a block from another file is reported on the line that instantiated it, with a note', () => {
    const r = lint('blocks/use-plain.incp');
    expect(r.stdout).toMatch(
      /^ {2}blocks\/use-plain\.incp:4:6: warning large-unfactorized-kernel: conv 5x5 a\S* on 35x35x64/m,
    );
    expect(r.stdout).toMatch(/^ +4 \| {3}a: Plain\(64\)$/m);
    expect(r.stdout).toMatch(/note: blocks\/plain-lib\.incp:3:17: the layer a\S* is here/);
    const [x] = json(lint('blocks/use-plain.incp', '--format', 'json').stdout);
    expect(x!.messages.map((m) => [m.line, m.column, m.node?.startsWith('a')])).toEqual([[4, 6, true]]);
  });
});

describe('many files', () => {
  const order = ['many/a.incp', 'many/b.incp', 'many/c/a.incp', 'many/c/d/z.incp'];

  test('folders, files and globs: each file once, sorted, whatever the order of the arguments', () => {
    const a = lint('many/c', 'many/b.incp', 'many/**/*.incp', './many/a.incp', 'many/a.incp', '--format', 'json');
    const b = lint('many/a.incp', 'many/**/*.incp', 'many/b.incp', 'many/c', '--format', 'json');
    expect(json(a.stdout).map((x) => x.filePath)).toEqual(order);
    expect(b.stdout).toBe(a.stdout);
  });

  test('globs: * stays within a folder, ** crosses them, ? is one character', () => {
    expect(json(lint('many/*.incp', '--format', 'json').stdout).map((x) => x.filePath)).toEqual([
      'many/a.incp',
      'many/b.incp',
    ]);
    expect(json(lint('many/**/z.incp', '--format', 'json').stdout).map((x) => x.filePath)).toEqual(['many/c/d/z.incp']);
    expect(json(lint('many/?.incp', 'many/c/?.incp', '--format', 'json').stdout).map((x) => x.filePath)).toEqual([
      'many/a.incp',
      'many/b.incp',
      'many/c/a.incp',
    ]);
  });

  test('the same run twice prints the same bytes, in every format', () => {
    for (const format of ['stylish', 'json', 'sarif', 'github']) {
      const first = lint('many', 'suppress', 'blocks', '--format', format);
      expect(first.status).toBe(0);
      expect(lint('many', 'suppress', 'blocks', '--format', format).stdout).toBe(first.stdout);
    }
  });

  test('globs: classes, braces and negation (tinyglobby)', () => {
    const paths = (...args: string[]) => json(lint(...args, '--format', 'json').stdout).map((x) => x.filePath);
    expect(paths('ign/[xy]1.incp')).toEqual(['ign/x1.incp', 'ign/y1.incp']);
    expect(paths('ign/{x2,y1}.incp')).toEqual(['ign/x2.incp', 'ign/y1.incp']);
    expect(paths('ign/x*.incp', 'ign/y*.incp', '!ign/x2.incp')).toEqual(['ign/x1.incp', 'ign/y1.incp']);
    expect(paths('many/**/*.incp', '!many/c/**')).toEqual(['many/a.incp', 'many/b.incp']);
  });

  test('.gitignore files (up to the repository root) and ignorePatterns skip files found by folders and globs', () => {
    const found = ['ign/a.incp', 'ign/sub/kept.incp', 'ign/x1.incp', 'ign/x2.incp', 'ign/y1.incp'];
    const paths = (...args: string[]) => json(lint(...args, '--format', 'json').stdout).map((x) => x.filePath);
    expect(paths('ign')).toEqual(found);
    expect(paths('ign/**/*.incp')).toEqual(found);
    // a file named on the command line is always linted; --no-ignore lints everything
    expect(paths('ign/generated/g.incp', 'ign/vendor/v.incp')).toEqual(['ign/generated/g.incp', 'ign/vendor/v.incp']);
    expect(paths('ign', '--no-ignore')).toEqual(
      [...found, 'ign/b.tmp.incp', 'ign/generated/g.incp', 'ign/sub/local.incp', 'ign/vendor/v.incp'].sort(),
    );
  });

  test('stylish lists the files in order, and counts them all', () => {
    const r = lint('many');
    const headers = r.stdout.split('\n').filter((l) => /^\S+\.incp$/.test(l));
    expect(headers).toEqual(['many/a.incp', 'many/b.incp', 'many/c/a.incp']);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('3 problems (0 errors, 3 warnings, 0 info) in 4 files');
  });
});
