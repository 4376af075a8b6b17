/**
 * Formatting in the browser: incc's Prettier plugin (format/plugin.ts, the printer of `incc fmt`) run by
 * Prettier's standalone build (the bundle maps `prettier` to `prettier/standalone`, which has the same `doc`
 * and `util` the plugin uses). A file with syntax errors is left as it is (the error is returned).
 */
import { format } from 'prettier/standalone';
import * as plugin from '../format/plugin.js';

export async function formatSource(text: string, filepath: string): Promise<string> {
  return format(text, { parser: 'incp', plugins: [plugin], filepath });
}
