/**
 * compiler/syntax/incremental.ts: the tree `reparse` gives after an edit is the tree a full parse of the new
 * text gives, node for node and span for span, or it declines. Hundreds of random edits (one character
 * inserted, deleted or replaced; a line duplicated or removed) of every stdlib and example file, each compared
 * with `parseSource` on the edited text; each tree reparsed from the last (whose declarations after an edit
 * are copied only when read: some are compared before the next edit, some not).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reparse } from '../compiler/syntax/incremental.js';
import { parseSource } from '../compiler/syntax/parse.js';
import { repoRoot } from './helpers/cli.js';
import { edit, random } from './helpers/random-edit.js';

const files = ['stdlib', 'examples'].flatMap((dir) =>
  readdirSync(join(repoRoot, dir))
    .filter((f) => f.endsWith('.incp'))
    .map((f) => join(repoRoot, dir, f)),
);

test('reparse gives the full parse’s tree, or declines', () => {
  let reused = 0;
  let declined = 0;
  for (const [i, path] of files.entries()) {
    const next = random(i + 1);
    let text = readFileSync(path, 'utf8');
    let previous = { text, result: parseSource(text, 'f.incp') };
    for (let k = 0; k < 40; k++) {
      text = edit(text, next);
      const full = parseSource(text, 'f.incp');
      const incremental = reparse(previous, text, 'f.incp');
      if (incremental) {
        reused++;
        // Now and then not read (so not copied) before the next edit reparses it, as in an editor.
        if (next() < 0.7) expect(incremental).toEqual(full);
      } else declined++;
      // The next edit starts from this tree, as the program's parse cache does.
      previous = { text, result: incremental ?? full };
      // Back to a clean file now and then, so that edits start from trees reparse can reuse.
      if (full.diagnostics.length > 0 && next() < 0.5) {
        text = readFileSync(path, 'utf8');
        previous = { text, result: parseSource(text, 'f.incp') };
      }
    }
  }
  // Most edits of a clean file are reparsed (one declaration); those that break the syntax are declined.
  expect(reused).toBeGreaterThan(200);
  expect(declined).toBeGreaterThan(50);
});
