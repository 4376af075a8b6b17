#!/usr/bin/env node
/**
 * Writes the README's command table from the commands' own definitions, over tsc's output in dist/
 * (`npm run docs:cli` builds first; cli/docs.ts). test/cli-docs.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { withCommandTable } = await import(join(root, 'dist', 'cli', 'docs.js'));
const { commands } = await import(join(root, 'dist', 'cli', 'registry.js'));
const path = join(root, 'README.md');
const before = readFileSync(path, 'utf8');
const after = withCommandTable(before, commands);
if (after === before) console.log('README.md: command table up to date');
else {
  writeFileSync(path, after);
  console.log('README.md: command table rewritten');
}
