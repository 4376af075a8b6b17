/**
 * The lint rules as a whole: the safety net for rules landing one by one. A rule file, its registry entry,
 * its page spec/lint/<id>.md, its row in spec/lint.md and its examples/lint/<id>.before|after.incp pair
 * come together or this fails, saying which is missing. Per rule: its metadata is complete, its page
 * documents it (section, severity, rationale, incorrect and correct examples that behave as they say,
 * every option with its default), and its before/after pair does what a new user is told it does.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import AjvModule from 'ajv';
import { basename, join } from 'node:path';
import { readConfig } from '../compiler/lint/engine/config-file.js';
import { rulesTable, RULES_TABLE_END, RULES_TABLE_START } from '../compiler/lint/engine/docs.js';
import { configSchema } from '../compiler/lint/engine/schema.js';
import { lintFile } from '../compiler/lint/engine/lint-file.js';
import { lintRules } from '../compiler/lint/engine/registry.js';
import { levelOfSeverity, type LintRule, type OptionValue } from '../compiler/lint/engine/rule.js';
import { nodeFileHost } from '../compiler/program/node-host.js';
import { repoRoot } from './helpers/cli.js';
import { LINT_TEST_FILE } from './helpers/lint.js';

const rulesDir = join(repoRoot, 'compiler', 'lint', 'rules');
const pagesDir = join(repoRoot, 'spec', 'lint');
const examplesDir = join(repoRoot, 'examples', 'lint');

const sorted = (xs: Iterable<string>) => [...xs].sort();
const ruleFiles = sorted(
  readdirSync(rulesDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts')),
);
const pages = sorted(
  readdirSync(pagesDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => basename(f, '.md')),
);
const registryIds = lintRules.map((r) => r.id);

/**
 * Rule ids that have been published (in a release, a config file, a suppression comment, a code-scanning
 * alert). They are never renamed or removed: a rule that changes meaning gets a new id. Add new ids here.
 */
const publishedIds = [
  'representational-bottleneck',
  'missing-dimension-reduction',
  'width-depth-balance',
  'large-unfactorized-kernel',
  'costly-grid-reduction',
  'asymmetric-grid-range',
  'auxiliary-classifier',
  'coarse-grid-expansion',
  'training-recipe',
];

/** Ids reported that are not rules (compiler/lint/engine/lint.ts): no rule may take them. */
const reservedIds = ['unused-suppression'];

const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

describe('the rule set', () => {
  test('compiler/lint/rules/*.ts, the registry and spec/lint/*.md are the same set', () => {
    expect({ registry: sorted(registryIds), pages }).toEqual({ registry: ruleFiles, pages: ruleFiles });
  });

  test('the registry lists each rule once', () => {
    expect(registryIds.filter((id, i) => registryIds.indexOf(id) !== i)).toEqual([]);
  });

  test('rule ids are kebab-case, and none takes a reserved id', () => {
    expect(registryIds.filter((id) => !kebab.test(id))).toEqual([]);
    expect(registryIds.filter((id) => reservedIds.includes(id))).toEqual([]);
  });

  test('rule ids are stable: every published id is still a rule', () => {
    expect(publishedIds.filter((id) => !registryIds.includes(id))).toEqual([]);
  });

  test(
    'spec/lint.md lists the rules: its table is the one generated from the registry (`npm run docs:lint` ' +
      'rewrites it)',
    () => {
      const page = readFileSync(join(repoRoot, 'spec', 'lint.md'), 'utf8');
      const start = page.indexOf(RULES_TABLE_START);
      const end = page.indexOf(RULES_TABLE_END);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeGreaterThan(start);
      expect(page.slice(start + RULES_TABLE_START.length, end).trim()).toBe(rulesTable());
    },
  );

  test('examples/lint holds a before/after pair per rule and nothing else', () => {
    const files = sorted(readdirSync(examplesDir).filter((f) => !f.startsWith('.')));
    expect(files).toEqual(sorted(registryIds.flatMap((id) => [`${id}.after.incp`, `${id}.before.incp`])));
  });
});

/** The text of the `## title` section of a page (up to the next `## `), or undefined. */
function section(page: string, title: string): string | undefined {
  const m = new RegExp(`^## ${title}\\b.*$`, 'im').exec(page);
  if (!m) return undefined;
  const rest = page.slice(m.index + m[0].length);
  const next = rest.search(/^## /m);
  return next < 0 ? rest : rest.slice(0, next);
}

/** The ```incp code blocks of a text. */
function incpBlocks(text: string): string[] {
  return [...text.matchAll(/^```incp\n([^]*?)^```/gm)].map((m) => m[1]!);
}

/** The ways a page may write an option's default: 5, true, "x" or x, [12, 20] or 12, 20. */
function defaultForms(value: OptionValue): string[] {
  if (Array.isArray(value)) return [JSON.stringify(value), `[${value.join(', ')}]`, value.join(', ')];
  return typeof value === 'string' ? [value, JSON.stringify(value)] : [String(value)];
}

/**
 * Lints an example of a page with only `rule` on (defaults), as the rule tests do; undefined when it does not compile.
 */
function lintExample(text: string, rule: LintRule) {
  const level = (r: LintRule) => (r.id === rule.id ? levelOfSeverity[r.defaultSeverity] : 'off');
  const rules = Object.fromEntries(lintRules.map((r) => [r.id, level(r)] as const));
  const host = { readFile: (p: string) => (p === LINT_TEST_FILE ? text : nodeFileHost.readFile(p)) };
  const result = lintFile(LINT_TEST_FILE, { config: { rules }, host });
  return result.failures.length > 0
    ? { failures: result.failures.map((d) => `${d.span?.startLine}:${d.span?.startColumn} ${d.message}`) }
    : { messages: result.messages.filter((m) => m.ruleId === rule.id) };
}

describe.each(lintRules.map((r) => [r.id, r] as const))('rule %s', (id, rule) => {
  const pagePath = join(pagesDir, `${id}.md`);
  const page = existsSync(pagePath) ? readFileSync(pagePath, 'utf8') : '';

  test('its file default-exports it', async () => {
    const module = (await import(`../compiler/lint/rules/${id}.js`)) as { default: LintRule };
    expect(module.default).toBe(rule);
  });

  test('has a section of the paper, a one-line description, a default severity and messages', () => {
    expect(rule.section).toMatch(/^(principles? \d|sections? \d+(\.\d+)?(\s*(,|and)\s*\d+(\.\d+)?)*$)/);
    expect(rule.description).toMatch(/^[A-Z].*\.$/);
    expect(rule.description).not.toContain('\n');
    expect(['info', 'warning', 'error']).toContain(rule.defaultSeverity);
    const messages = Object.entries(rule.messages);
    expect(messages.length).toBeGreaterThan(0);
    for (const [messageId, template] of messages) {
      expect(messageId).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(template.trim().length).toBeGreaterThan(20);
    }
  });

  test('its options have a description and a default of an option type', () => {
    for (const [name, option] of Object.entries(rule.options)) {
      expect(name).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(option.description.trim().length).toBeGreaterThan(0);
      const d = option.default;
      const ok =
        typeof d === 'number' ||
        typeof d === 'boolean' ||
        typeof d === 'string' ||
        (Array.isArray(d) && d.every((x) => typeof x === 'number'));
      expect(ok).toBe(true);
    }
  });

  test('its page: title, section, default severity, rationale, incorrect and correct examples, options', () => {
    expect(page).not.toBe('');
    expect(page.split('\n')[0]).toBe(`# ${id}`);
    // The header (above the first `##`) names the section: "principle 1", "Section 3.1", "sections 7 and 8".
    const header = page.slice(0, Math.max(0, page.indexOf('\n## '))).toLowerCase();
    const kind = /^[a-z]+/.exec(rule.section)![0].replace(/s$/, '');
    const numbers = rule.section.match(/\d+(\.\d+)?/g) ?? [];
    const mentions = (n: string) => new RegExp(`(^|[^\\d.])${n.replace('.', '\\.')}(?!\\.?\\d)`).test(header);
    expect({ kind: header.includes(kind), numbersMissing: numbers.filter((n) => !mentions(n)) }).toEqual({
      kind: true,
      numbersMissing: [],
    });
    const level = levelOfSeverity[rule.defaultSeverity];
    expect(page).toMatch(new RegExp(`default\\s+severity:\\s+\\*\\*${level}\\*\\*`, 'i'));
    for (const title of ['Rationale', 'Incorrect', 'Correct', 'Options'])
      expect({ title, present: section(page, title) !== undefined }).toEqual({ title, present: true });
    expect(incpBlocks(section(page, 'Incorrect') ?? '').length).toBeGreaterThan(0);
    expect(incpBlocks(section(page, 'Correct') ?? '').length).toBeGreaterThan(0);
  });

  test('its page documents every option with its default', () => {
    const options = section(page, 'Options') ?? '';
    const undocumented = Object.entries(rule.options)
      .filter(
        ([name, option]) =>
          !options
            .split('\n')
            .some((line) => line.includes(`\`${name}\``) && defaultForms(option.default).some((f) => line.includes(f))),
      )
      .map(([name, option]) => `${name} (default ${JSON.stringify(option.default)})`);
    expect(undocumented).toEqual([]);
  });

  test("its page's examples do what they say: each incorrect network triggers the rule, no correct one does", () => {
    const problems: string[] = [];
    for (const [title, expectFindings] of [
      ['Incorrect', true],
      ['Correct', false],
    ] as const) {
      for (const text of incpBlocks(section(page, title) ?? '')) {
        if (!/^\s*network\b/m.test(text)) continue; // a fragment, not a whole program
        const r = lintExample(text, rule);
        if ('failures' in r) problems.push(`${title} example does not compile: ${r.failures!.join('; ')}\n${text}`);
        else if (r.messages!.length > 0 !== expectFindings)
          problems.push(
            `${title} example ` +
              (expectFindings
                ? 'does not trigger the rule'
                : `triggers the rule: ${r.messages!.map((m) => `${m.line}:${m.column} ${m.message}`).join('; ')}`) +
              `\n${text}`,
          );
      }
    }
    expect(problems).toEqual([]);
  });

  test(`examples/lint/${id}.before.incp triggers the rule and ${id}.after.incp lints clean`, () => {
    const before = join(examplesDir, `${id}.before.incp`);
    const after = join(examplesDir, `${id}.after.incp`);
    expect({ before: existsSync(before), after: existsSync(after) }).toEqual({ before: true, after: true });
    // Every rule at its default, as a new user running `incc lint examples/lint/` sees them.
    const b = lintFile(before, { config: {} });
    expect(b.failures).toEqual([]);
    expect(b.messages.filter((m) => m.ruleId === id).length).toBeGreaterThan(0);
    const a = lintFile(after, { config: {} });
    expect(a.failures).toEqual([]);
    expect(a.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`)).toEqual([]);
  });
});

describe('the JSON Schema of incc.config.json (schema/incc.config.schema.json)', () => {
  const schemaPath = join(repoRoot, 'schema', 'incc.config.schema.json');
  const Ajv = AjvModule.default;
  const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

  test('is current: made from the registry (npm run docs:lint writes it)', () => {
    expect(readFileSync(schemaPath, 'utf8')).toBe(`${JSON.stringify(configSchema(), null, 2)}\n`);
  });

  test('accepts every config that readConfig accepts, and rejects what it rejects', () => {
    const good = [
      {},
      { $schema: './node_modules/incc/schema/incc.config.schema.json' },
      { rules: { 'large-unfactorized-kernel': 'error' } },
      { rules: { 'large-unfactorized-kernel': ['warn', { minKernel: 7 }] } },
      { rules: { 'asymmetric-grid-range': ['info', { low: 10, high: 24 }] } },
      { ignorePatterns: ['vendor/**', '*.gen.incp'] },
    ];
    const bad = [
      { rule: {} },
      { rules: { 'large-unfactorised-kernel': 'warn' } },
      { rules: { 'large-unfactorized-kernel': 'fatal' } },
      { rules: { 'large-unfactorized-kernel': ['warn', { minKernal: 7 }] } },
      { rules: { 'large-unfactorized-kernel': ['warn', { minKernel: true }] } },
      { ignorePatterns: 'vendor' },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'incc-schema-'));
    try {
      const readable = (config: object): boolean => {
        const path = join(dir, 'incc.config.json');
        writeFileSync(path, JSON.stringify(config));
        try {
          readConfig(path);
          return true;
        } catch {
          return false;
        }
      };
      for (const c of good) expect([c, validate(c), readable(c)]).toEqual([c, true, true]);
      for (const c of bad) expect([c, validate(c), readable(c)]).toEqual([c, false, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
