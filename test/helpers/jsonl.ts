/** Reading the JSON Lines files a training run writes (metrics.jsonl, steps.jsonl). */
import { readFileSync } from 'node:fs';

/** The records of a JSON Lines file, one a line, in order. */
export function jsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}
