#!/usr/bin/env node
/**
 * Writes what is made from the lint rule registry, over tsc's output in dist/ (`npm run docs:lint` builds
 * first): the rule table of spec/lint.md (compiler/lint/engine/docs.ts) and the JSON Schema of
 * incc.config.json, schema/incc.config.schema.json (compiler/lint/engine/schema.ts).
 * test/lint-registry.test.ts fails when either is stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { withRulesTable } = await import(join(root, 'dist', 'compiler', 'lint', 'engine', 'docs.js'));
const { configSchema } = await import(join(root, 'dist', 'compiler', 'lint', 'engine', 'schema.js'));

function update(path, make) {
  let before = '';
  try {
    before = readFileSync(path, 'utf8');
  } catch {
    // a new file
  }
  const after = make(before);
  if (after === before) console.log(`${path}: up to date`);
  else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, after);
    console.log(`${path}: rewritten`);
  }
}

update(join(root, 'spec', 'lint.md'), withRulesTable);
update(join(root, 'schema', 'incc.config.schema.json'), () => `${JSON.stringify(configSchema(), null, 2)}\n`);
