/**
 * Rule errors are diagnostics with a code and a span. Lines and columns are counted by hand from the
 * sources below (1-based; each source's first line is line 1). Each case is checked through the library
 * (checkProgram: names first, then elaboration and the rewrite pass, as `incc check` runs them;
 * buildNetwork: elaboration and the rewrite pass alone, as `incc summary` runs them) and through the CLI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkProgram } from '../compiler/program/check.js';
import type { Diagnostic } from '../compiler/diagnostics/diagnostics.js';
import { loadProgramFromText } from '../compiler/program/node-host.js';
import { incc } from './helpers/cli.js';
import { buildText } from './helpers/rules.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-rule-errors-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FILE = 'rules-test.incp';

/** [code, line, column] of each diagnostic. */
function where(ds: Diagnostic[]): [string, number | undefined, number | undefined][] {
  return ds.map((d) => [d.code, d.span?.startLine, d.span?.startColumn]);
}

/** Expects one diagnostic, at [code, line, column], with this message. */
function expectOne(ds: Diagnostic[], at: [string, number, number], message: string): void {
  expect(where(ds)).toEqual([at]);
  expect(ds[0]!.message).toBe(message);
}

function checked(text: string): Diagnostic[] {
  return checkProgram(loadProgramFromText(text, join(dir, FILE)));
}

function built(text: string, rules?: string[]): Diagnostic[] {
  return buildText(text, { rules }).diagnostics;
}

/** `incc ARGS` run in a directory holding `text` as rules-test.incp, so diagnostics name `rules-test.incp`. */
function cli(text: string, ...args: string[]) {
  const d = mkdtempSync(join(dir, 'cli-'));
  writeFileSync(join(d, FILE), text);
  return incc(args.length > 0 ? args : ['check', FILE], d);
}

/**
 * `rule NAME() {`, the BODY (each line indented by two spaces), `}`, then network N with the INPUT, one LAYER and
 * `apply NAME`: with a BODY of b lines the network starts on line b + 3, its layer is on b + 5, the apply on b + 6.
 */
function ruleApplied(name: string, body: string[], input: string, layer: string): string {
  const rule = `rule ${name}() {\n${body.map((l) => `  ${l}\n`).join('')}}\n`;
  return `${rule}network N {\n  input ${input}\n  ${layer}\n  apply ${name}\n}\n`;
}

describe('rule-changes-shape', () => {
  const text = ruleApplied('widen', ['match conv 3x3', 'replace conv 3x3 (filters * 2)'], '8x8x3', 'conv 3x3 8');

  test('reported at the replacement (line 3, after `  replace `: column 11), noted at the layer and the apply', () => {
    const ds = checked(text);
    expect(where(ds)).toEqual([['rule-changes-shape', 3, 11]]);
    const d = ds[0]!;
    expect(d.severity).toBe('error');
    // conv 3x3 8 on 8x8x3 SAME: 8x8x8; the replacement makes 8x8x16.
    expect(d.message).toBe(
      'rule widen would change the shape of conv1 from 8x8x8 to 8x8x16: a replacement must produce the shape ' +
        'of what it replaces',
    );
    expect(d.related?.map((r) => [r.message, r.span.startLine, r.span.startColumn])).toEqual([
      ['the layer it would replace', 7, 3],
      ['applied here', 8, 3],
    ]);
    expect(where(built(text))).toEqual([['rule-changes-shape', 3, 11]]);
  });

  test('incc check: exit 1, file:line:column', () => {
    const r = cli(text);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `${FILE}:3:11: error rule-changes-shape: rule widen would change the shape of conv1 from 8x8x8 to 8x8x16`,
    );
    expect(r.stderr).toContain(`note: ${FILE}:7:3: the layer it would replace`);
    expect(r.stderr).toContain(`note: ${FILE}:8:3: applied here`);
  });

  test('a replacement that does not fit its input names the layer it was rewriting', () => {
    // 9x9 VALID on a 4x4 input: kernel-larger-than-input, at the replacement layer (line 3, column 11).
    const ds = checked(
      ruleApplied('huge', ['match conv 3x3', 'replace conv 9x9 filters valid'], '4x4x3', 'conv 3x3 8'),
    );
    expect(where(ds)).toEqual([['kernel-larger-than-input', 3, 11]]);
    expect(ds[0]!.related?.map((r) => [r.message, r.span.startLine, r.span.startColumn])).toEqual([
      ['rewriting conv1', 7, 3],
    ]);
  });
});

describe('arguments of apply', () => {
  /** `import { RULE } from "std/rules"`, a 17x17x8 network, its conv on line 4 and `apply RULE ARGS` on line 5. */
  const applied = (rule: string, kernel: string, args: string) => `import { ${rule} } from "std/rules"
network N {
  input 17x17x8
  conv ${kernel} 16
  apply ${rule}${args}
}
`;

  test.each([
    // "  apply factor_5x5(" is 19 characters.
    [
      'unknown-parameter: apply factor_5x5(zz=1), at `zz` (line 5, column 20)',
      applied('factor_5x5', '5x5', '(zz=1)'),
      'unknown-parameter',
      20,
      'rule factor_5x5 has no parameter `zz`',
    ],
    // "  apply asymmetric(" is 19 characters: 7 at 20, 12 at 23, 20 at 27, 16 at 31, relu at 35, false at 41, 3 at 48.
    [
      'too-many-arguments: asymmetric has 6 parameters; the 7th positional is at column 48',
      applied('asymmetric', '7x7', '(7, 12, 20, 16, relu, false, 3)'),
      'too-many-arguments',
      48,
      'rule asymmetric takes 6 positional argument(s) but 7 were given',
    ],
  ])('%s', (_title, text, code, column, message) => {
    const ds = checked(text);
    expect(where(ds)).toEqual([[code, 5, column]]);
    expect(ds[0]!.message).toBe(message);
    // Without the name pass (incc summary), the rewrite pass reports the same.
    expect(where(built(text))).toEqual([[code, 5, column]]);
  });

  test('unknown-parameter with a hint: mdi -> mid', () => {
    const ds = checked(applied('factor_5x5', '5x5', '(mdi=32)'));
    expect(ds.map((d) => d.message)).toEqual(['rule factor_5x5 has no parameter `mdi`; did you mean `mid`?']);
  });

  test('a value of the wrong type for a typed parameter', () => {
    // nx1_first: bool; "  apply asymmetric(nx1_first=" is 29 characters, the argument starts at `nx1_first` (20).
    const ds = built(applied('asymmetric', '7x7', '(nx1_first=3)'));
    expect(ds.map((d) => d.code)).toEqual(['parameter-type-mismatch']);
    expect(ds[0]!.span?.startLine).toBe(5);
  });
});

describe('names in a rule', () => {
  const text = ruleApplied(
    'gridtypo',
    ['match conv 3x3', 'when gird in 12..20', 'replace conv 1x3 filters -> conv 3x1 filters'],
    '17x17x8',
    'conv 3x3 16',
  );

  test('when gird in 12..20: unknown-name with did-you-mean grid, at line 3 column 8', () => {
    // The name pass of incc check catches it before any network is built.
    const ds = checked(text);
    expectOne(ds, ['unknown-name', 3, 8], 'unknown name `gird`; did you mean `grid`?');
    // Without it (incc summary), the condition fails the same way when a node is matched.
    expect(where(built(text))).toEqual([['unknown-name', 3, 8]]);
  });

  test('incc check reports it even when no network applies the rule', () => {
    const r = cli(text.replace('  apply gridtypo\n', ''));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${FILE}:3:8: error unknown-name: unknown name \`gird\`; did you mean \`grid\`?`);
  });
});

describe('rule-matches-nothing', () => {
  const text = ruleApplied(
    'factor_5x5_here',
    ['match conv 5x5', 'replace conv 3x3 filters -> conv 3x3 filters'],
    '8x8x3',
    'conv 3x3 8',
  );

  test("a warning at the rule's name (line 1, column 6), with a note at the apply", () => {
    const ds = checked(text);
    expectOne(ds, ['rule-matches-nothing', 1, 6], 'rule factor_5x5_here matches nothing in network N');
    expect(ds[0]!.severity).toBe('warning');
    expect(ds[0]!.related?.map((r) => [r.message, r.span.startLine, r.span.startColumn])).toEqual([
      ['applied here', 8, 3],
    ]);
  });

  test('with targets, the message names them', () => {
    const ds = built(`import { factor_5x5 } from "std/rules"
network N {
  input 8x8x3
  a: conv 5x5 8
  b: conv 3x3 8
  apply factor_5x5 to b
}
`);
    expect(ds.map((d) => d.message)).toEqual(['rule factor_5x5 matches nothing in b']);
    // The rule is std/rules' factor_5x5, declared on line 11 of stdlib/rules.incp: `rule factor_5x5(`, column 6.
    expect([ds[0]!.span?.file, ds[0]!.span?.startLine, ds[0]!.span?.startColumn]).toEqual(['std/rules.incp', 11, 6]);
  });

  test('incc check: exit 0, the warning on stderr; --quiet hides it', () => {
    const r = cli(text);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `${FILE}:1:6: warning rule-matches-nothing: rule factor_5x5_here matches nothing in network N`,
    );
    expect(r.stderr).toContain(`note: ${FILE}:8:3: applied here`);
    const q = cli(text, 'check', '--quiet', FILE);
    expect([q.status, q.stdout, q.stderr]).toEqual([0, '', '']);
  });
});

describe('unknown rules and nodes', () => {
  const base = `import { factor_5x5 } from "std/rules"
network N {
  input 17x17x8
  mixed1: conv 5x5 16
}
`;

  test('unknown-rule in apply: at the name (line 5, column 9), with a hint', () => {
    const text = base.replace('}\n', '  apply factr_5x5\n}\n');
    const ds = checked(text);
    expectOne(ds, ['unknown-rule', 5, 9], 'unknown rule `factr_5x5`; did you mean `factor_5x5`?');
    expect(where(built(text))).toEqual([['unknown-rule', 5, 9]]);
  });

  test("unknown-rule in --rules: positions are in the option's text (--rules:1:1)", () => {
    const ds = built(base, ['factr_5x5']);
    expect(ds.map((d) => [d.code, d.span?.file, d.span?.startLine, d.span?.startColumn])).toEqual([
      ['unknown-rule', '--rules', 1, 1],
    ]);
    const r = cli(base, 'summary', FILE, '--rules', 'factr_5x5');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--rules:1:1: error unknown-rule: unknown rule `factr_5x5`; did you mean `factor_5x5`?');
  });

  test("--rules: arguments and targets at their columns in the option's text", () => {
    // "asymmetric(7, 12, 20, 16, relu, false, 3)": the 3 is at column 40.
    expect(where(built(base, ['asymmetric(7, 12, 20, 16, relu, false, 3)']))).toEqual([['too-many-arguments', 1, 40]]);
    // "factor_5x5(zz=1)": zz at column 12.
    expect(where(built(base, ['factor_5x5(zz=1)']))).toEqual([['unknown-parameter', 1, 12]]);
    // "factor_5x5 to mixed7": mixed7 at column 15.
    const ds = built(base, ['factor_5x5 to mixed7']);
    expectOne(ds, ['unknown-node', 1, 15], 'no node named `mixed7` in network N; did you mean `mixed1`?');
    // The warning for a --rules rule that matches nothing points at the rule, its note at the option.
    const w = built(base, ['asymmetric']);
    expect(where(w)).toEqual([['rule-matches-nothing', 21, 6]]);
    expect(w[0]!.related?.map((r) => [r.span.file, r.span.startLine, r.span.startColumn])).toEqual([['--rules', 1, 1]]);
  });

  test('a --rules text that is not an application is rule-invalid, with no span', () => {
    const ds = built(base, ['factor_5x5(']);
    expect(ds.map((d) => [d.code, d.span])).toEqual([['rule-invalid', undefined]]);
    expect(ds[0]!.message).toContain("'factor_5x5(' is not a rule application");
  });

  test('unknown-node: apply factor_5x5 to mixed9, at the target (line 5, column 23)', () => {
    // "  apply factor_5x5 to " is 22 characters.
    const text = base.replace('}\n', '  apply factor_5x5 to mixed9\n}\n');
    const ds = checked(text);
    expectOne(ds, ['unknown-node', 5, 23], 'no node named `mixed9` in network N; did you mean `mixed1`?');
  });

  test('unknown-node in a range: mixed1..mixed3 where mixed2 does not exist', () => {
    const ds = checked(base.replace('}\n', '  apply factor_5x5 to mixed1..mixed3\n}\n'));
    expect(where(ds)).toEqual([['unknown-node', 5, 23]]);
    expect(ds[0]!.message).toContain('no node named `mixed2`');
  });
});

describe('rule-invalid', () => {
  test("no match clause: at the rule's name, whether or not a network applies it", () => {
    const applied = ruleApplied('half', ['replace conv 3x3 filters'], '8x8x3', 'conv 5x5 8');
    const expected = [['rule-invalid', 1, 6]];
    expect(where(checked(applied))).toEqual(expected);
    expect(checked(applied)[0]!.message).toBe(
      'rule half is not well formed: a rule has exactly one `match` and one `replace` clause',
    );
    expect(where(built(applied))).toEqual(expected);
    // Not applied: incc check still reports it (a rule library is checked like a block library).
    expect(where(checked(applied.replace('  apply half\n', '')))).toEqual(expected);
    const r = cli(applied.replace('  apply half\n', ''));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${FILE}:1:6: error rule-invalid: rule half is not well formed`);
  });

  test('two replace clauses', () => {
    const ds = checked(`rule twice() {
  match conv 5x5
  replace conv 3x3 filters
  replace conv 3x3 filters
}
`);
    expect(where(ds)).toEqual([['rule-invalid', 1, 6]]);
  });

  test('a replacement with a block call: at the call (line 3, column 11)', () => {
    const text = `rule blockRep() {
  match conv 3x3
  replace Foo()
}
block Foo() { conv 3x3 16 }
network N {
  input 17x17x8
  conv 3x3 16
  apply blockRep
}
`;
    const ds = checked(text);
    expectOne(
      ds,
      ['rule-invalid', 3, 11],
      'rule blockRep is not well formed: a replacement is made of built-in layers, concats and ifs',
    );
    expect(where(built(text))).toEqual([['rule-invalid', 3, 11]]);
    expect(where(checked(text.replace('  apply blockRep\n', '')))).toEqual([['rule-invalid', 3, 11]]);
  });

  test('a pattern with a block: at the pattern element (line 2, column 9)', () => {
    const ds = checked(`rule blockMatch() {
  match Foo()
  replace conv 3x3 filters
}
block Foo() { conv 3x3 16 }
`);
    expect(where(ds)).toEqual([['rule-invalid', 2, 9]]);
    expect(ds[0]!.message).toContain('a pattern is a chain of built-in layers');
  });

  test('a pattern on the input: at `input` (line 2, column 9)', () => {
    // (It used to be applied, and failed on the replacement with a shape error about an empty shape.)
    const ds = checked(ruleApplied('r', ['match input', 'replace conv 1x1 3'], '8x8x3', 'conv 3x3 8'));
    expect(where(ds)).toEqual([['rule-invalid', 2, 9]]);
  });

  test('the stdlib rules are well formed', () => {
    const r = incc(['check', 'stdlib/rules.incp']);
    expect([r.status, r.stderr]).toEqual([0, '']);
  });
});
