#!/usr/bin/env node
/**
 * Writes the rule table of spec/lint.md from the registry (compiler/lint/engine/docs.ts), over tsc's output in
 * dist/: `npm run docs:lint` (it builds first). test/lint-registry.test.ts fails when the table is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { withRulesTable } = await import(join(root, 'dist', 'compiler', 'lint', 'engine', 'docs.js'));
const page = join(root, 'spec', 'lint.md');
const before = readFileSync(page, 'utf8');
const after = withRulesTable(before);
if (after === before) console.log('spec/lint.md: the rule table is up to date');
else {
  writeFileSync(page, after);
  console.log('spec/lint.md: rule table rewritten');
}
