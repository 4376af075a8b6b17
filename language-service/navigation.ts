/**
 * Go to definition and find references, over the name index (symbols.ts): blocks, networks, rules, imported
 * names and import paths (into the stdlib too), parameters and repeat variables. References are searched in
 * every file the open documents load.
 */
import type { Analysis } from './analysis.js';
import { occurrenceAt, targetKey } from './symbols.js';
import { rangeOfSpan } from './text.js';
import type { Location } from './types.js';

export function definitionAt(analysis: Analysis, offset: number): Location[] {
  const o = occurrenceAt(analysis.occurrences(analysis.program.entry), offset);
  if (!o?.target) return [];
  return [{ uri: o.target.path, range: rangeOfSpan(o.target.span) }];
}

export function referencesAt(
  analysis: Analysis,
  offset: number,
  others: Analysis[],
  includeDeclaration: boolean,
): Location[] {
  const o = occurrenceAt(analysis.occurrences(analysis.program.entry), offset);
  if (!o?.target || o.kind === 'file') return [];
  const key = targetKey(o.target);
  const seen = new Set<string>();
  const out: Location[] = [];
  // The document's own analysis first: its text is the newest for its files.
  for (const a of [analysis, ...others]) {
    for (const file of a.program.files.values()) {
      for (const x of a.occurrences(file)) {
        if (!x.target || targetKey(x.target) !== key || (x.declaration && !includeDeclaration)) continue;
        const id = `${file.path}#${x.span.startOffset}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ uri: file.path, range: rangeOfSpan(x.span) });
      }
    }
  }
  return out;
}
