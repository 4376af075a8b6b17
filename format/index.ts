/** Formatting .incp text with the Prettier plugin: the API behind `incc fmt`. */
import { format } from 'prettier';
import plugin from './plugin.js';

export interface FormatOptions {
  /** Prettier's printWidth (default 100). */
  printWidth?: number;
  /** The file name, for messages. */
  filepath?: string;
}

/** The canonical form of `text`. Throws IncpSyntaxError on a file that does not parse. */
export async function formatIncp(text: string, options: FormatOptions = {}): Promise<string> {
  return format(text, {
    parser: 'incp',
    plugins: [plugin],
    printWidth: options.printWidth ?? 100,
    filepath: options.filepath,
  });
}

export { plugin };
