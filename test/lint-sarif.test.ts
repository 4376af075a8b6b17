/**
 * `incc lint --format sarif` (spec/lint.md, "Output formats"): a valid SARIF 2.1.0 log (checked against the
 * schema that @microsoft/jest-sarif ships), with stable rule ids, every rule listed with its help, and
 * partialFingerprints that stay the same when lines are inserted above a finding.
 */
import '@microsoft/jest-sarif';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, Result } from 'sarif';
import { lintRules } from '../compiler/lint/engine/registry.js';
import { incc, repoRoot } from './helpers/cli.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

const FINGERPRINT = 'inccFinding/v1';
const levelOf = { error: 'error', warning: 'warning', info: 'note' } as const;

function sarif(args: string[], cwd?: string): Log {
  const r = incc(['lint', ...args, '--format', 'sarif'], cwd);
  if (r.status !== 0 && r.status !== 1) throw new Error(`incc lint exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Log;
}

describe('SARIF over stdlib/ and examples/lint/', () => {
  let log: Log;
  let results: Result[];
  beforeAll(() => {
    log = sarif(['stdlib', 'examples/lint']);
    results = log.runs[0]!.results!;
  });

  test('is a valid SARIF 2.1.0 log', () => {
    expect(log).toBeValidSarifLog();
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]!.tool.driver.name).toBe('incc');
  });

  test('lists every rule, in registry order, with its description, help and default level', () => {
    const rules = log.runs[0]!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual([...lintRules.map((r) => r.id), 'unused-suppression']);
    for (const rule of lintRules) {
      const d = rules.find((r) => r.id === rule.id)!;
      expect(d.shortDescription?.text).toBe(rule.description);
      expect(d.help?.text).toContain(`spec/lint/${rule.id}.md`);
      expect(d.defaultConfiguration?.level).toBe(levelOf[rule.defaultSeverity]);
    }
    expect(rules.at(-1)!.help?.text.length).toBeGreaterThan(0);
  });

  test('rule names are PascalCase and differ from the ids (no SARIF1001 from the SARIF multitool)', () => {
    const rules = log.runs[0]!.tool.driver.rules!;
    for (const r of rules) {
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(r.name).not.toBe(r.id);
      expect(r.name!.toLowerCase()).toBe(r.id.replace(/-/g, ''));
    }
    expect(rules.find((r) => r.id === 'large-unfactorized-kernel')!.name).toBe('LargeUnfactorizedKernel');
  });

  test('help links are absolute, under the repository of package.json; informationUri is that repository', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { repository: { url: string } };
    const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(repo).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    const driver = log.runs[0]!.tool.driver;
    expect(driver.informationUri).toBe(repo);
    for (const rule of lintRules) {
      expect(driver.rules!.find((r) => r.id === rule.id)!.helpUri).toBe(`${repo}/blob/main/spec/lint/${rule.id}.md`);
    }
  });

  test('--docs-url points the help links elsewhere (a fork, a mirror)', () => {
    const forked = sarif([
      'examples/lint/large-unfactorized-kernel.before.incp',
      '--docs-url',
      'https://example.org/incc/',
    ]);
    const rule = forked.runs[0]!.tool.driver.rules!.find((r) => r.id === 'large-unfactorized-kernel')!;
    expect(rule.helpUri).toBe('https://example.org/incc/spec/lint/large-unfactorized-kernel.md');
  });

  test('every rule reports in examples/lint, under its own stable id', () => {
    const rules = log.runs[0]!.tool.driver.rules!;
    for (const r of results) expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId);
    expect([...new Set(results.map((r) => r.ruleId))].sort()).toEqual(lintRules.map((r) => r.id).sort());
  });

  test('every result has a location in the repository, and a partial fingerprint of its own', () => {
    for (const r of results) {
      const loc = r.locations![0]!.physicalLocation!;
      expect(loc.artifactLocation!.uri).toMatch(/^(stdlib|examples\/lint|std)\/[\w.-]+\.incp$/);
      expect(loc.region!.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region!.startColumn).toBeGreaterThanOrEqual(1);
      expect(r.partialFingerprints?.[FINGERPRINT]).toMatch(/^[0-9a-f]{32}$/);
    }
    const prints = results.map((r) => r.partialFingerprints![FINGERPRINT]!);
    const duplicated = results
      .filter((r, i) => prints.indexOf(prints[i]!) !== i)
      .map(
        (r) =>
          `${r.ruleId} ` +
          `${r.locations![0]!.physicalLocation!.artifactLocation!.uri}:` +
          `${r.locations![0]!.physicalLocation!.region!.startLine}`,
      );
    expect(duplicated).toEqual([]);
  });

  test("the stdlib's suppressions are results with an in-source suppression and its reason", () => {
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const r of suppressed) {
      expect(r.suppressions).toEqual([{ kind: 'inSource', justification: expect.stringMatching(/\S/) }]);
    }
  });
});

describe('partialFingerprints', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'incc-lint-sarif-'));
    mkdirSync(join(dir, 'models'));
    const others = Object.fromEntries(
      lintRules.filter((r) => r.id !== 'large-unfactorized-kernel').map((r) => [r.id, 'off']),
    );
    writeFileSync(join(dir, 'incc.config.json'), JSON.stringify({ rules: others }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const net = (above: string) =>
    `defaults conv(bias=false, bn=true, act=relu)\n${above}network N {\n  input 35x35x64\n  conv 5x5 64\n  ` +
    `conv 1x1 32 -> conv 7x7 64\n}\n`;
  const findings = () =>
    sarif(['models'], dir).runs[0]!.results!.map((r) => ({
      line: r.locations![0]!.physicalLocation!.region!.startLine,
      print: r.partialFingerprints![FINGERPRINT],
    }));

  test('stay the same when lines are inserted above a finding; the line moves', () => {
    writeFileSync(join(dir, 'models', 'n.incp'), net(''));
    const before = findings();
    expect(before.map((f) => f.line)).toEqual([4, 5]);
    expect(before[0]!.print).not.toBe(before[1]!.print);
    writeFileSync(join(dir, 'models', 'n.incp'), net('// a comment and a blank line above the network\n\n'));
    const after = findings();
    expect(after.map((f) => f.line)).toEqual([6, 7]);
    expect(after.map((f) => f.print)).toEqual(before.map((f) => f.print));
  });
});
