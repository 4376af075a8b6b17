/**
 * spec/diagnostics.md and the diagnostics table (compiler/diagnostics/diagnostics.ts) list the same codes, each with
 * its severity; and every example on the page, run through the CLI, reports the code it illustrates.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnosticTable } from '../compiler/diagnostics/diagnostics.js';
import { incc, repoRoot } from './helpers/cli.js';

interface Section {
  code: string;
  text: string;
}

const page = readFileSync(join(repoRoot, 'spec', 'diagnostics.md'), 'utf8');

/** The `### \`code\`` sections of the page, in order. */
const sections: Section[] = (() => {
  const out: Section[] = [];
  const heading = /^### `([^`]+)`[ \t]*$/gm;
  const marks = [...page.matchAll(heading)];
  marks.forEach((m, i) => {
    const end = i + 1 < marks.length ? marks[i + 1]!.index : page.length;
    out.push({ code: m[1]!, text: page.slice(m.index! + m[0].length, end) });
  });
  return out;
})();

/** The example of a section: its files (the first is example.incp) and the CLI arguments to run. */
function exampleOf(s: Section): { files: [string, string][]; args: string[] } | undefined {
  const block = /^```incp\n([\s\S]*?)^```$/m.exec(s.text);
  if (!block) return undefined;
  const files: [string, string][] = [];
  let name = 'example.incp';
  let lines: string[] = [];
  for (const line of block[1]!.split('\n')) {
    const next = /^\/\/ file: (\S+)$/.exec(line);
    if (next) {
      files.push([name, lines.join('\n')]);
      name = next[1]!;
      lines = [];
    } else lines.push(line);
  }
  files.push([name, lines.join('\n')]);
  const command = /^Command: `incc ([^`]+)`$/m.exec(s.text);
  const args = command ? command[1]!.split(/\s+/) : ['check', 'example.incp'];
  return { files, args };
}

describe('spec/diagnostics.md', () => {
  test('lists exactly the codes of the diagnostics table', () => {
    const documented = sections.map((s) => s.code);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(diagnosticTable).sort());
  });

  test.each(sections.map((s) => [s.code, s] as const))('%s: severity and message as in the table', (code, s) => {
    const entry = (diagnosticTable as Record<string, { severity: string; message: string }>)[code];
    if (!entry) return; // reported by the test above
    const line = /^\*\*(error|warning|info)\*\* · (.+)$/m.exec(s.text);
    expect(line).not.toBeNull();
    expect(line![1]).toBe(entry.severity);
    // The template is shown as inline code, with as many backticks around it as it needs.
    expect(line![2]!.replace(/^(`+) ?(.*?) ?\1$/, '$2')).toBe(entry.message);
  });

  test.each(sections.map((s) => [s.code, s] as const))(
    '%s: the example reports it, or the page says why there is none',
    (code, s) => {
      const example = exampleOf(s);
      if (!example) {
        expect(s.text).toMatch(/No example/);
        return;
      }
      expect(s.text).not.toMatch(/No example/);
      const dir = mkdtempSync(join(tmpdir(), 'incc-diag-'));
      try {
        for (const [name, text] of example.files) writeFileSync(join(dir, name), text);
        const run = incc(example.args, dir);
        const severity = (diagnosticTable as Record<string, { severity: string }>)[code]?.severity ?? 'error';
        expect(run.stderr).toContain(`${severity} ${code}:`);
        expect(run.status).toBe(severity === 'error' ? 1 : 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
