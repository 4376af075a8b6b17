/**
 * Formatting .incp text with the Prettier plugin: the API behind `incc fmt`. Options come from the Prettier
 * configuration files that apply to the file (`.prettierrc`, `prettier` in package.json, overrides), resolved by
 * Prettier itself, so `incc fmt` and `prettier --plugin incc/prettier` give the same bytes.
 */
import { format, resolveConfig, type Options } from 'prettier';
import plugin from './plugin.js';

export interface FormatOptions {
  /** Prettier's printWidth; default: the configuration's, else the plugin's 100. */
  printWidth?: number;
  /** The file name, for messages and for finding the Prettier configuration that applies to it. */
  filepath?: string;
}

/** The Prettier options that apply to `filepath`, as `prettier` resolves them (no .editorconfig, as its CLI). */
export async function prettierOptionsFor(filepath: string | undefined): Promise<Options> {
  if (filepath === undefined) return {};
  return (await resolveConfig(filepath, { editorconfig: false })) ?? {};
}

/** The canonical form of `text`. Throws IncpSyntaxError on a file that does not parse. */
export async function formatIncp(text: string, options: FormatOptions = {}): Promise<string> {
  const config = await prettierOptionsFor(options.filepath);
  return format(text, {
    ...config,
    parser: 'incp',
    plugins: [plugin],
    ...(options.printWidth !== undefined ? { printWidth: options.printWidth } : {}),
    filepath: options.filepath,
  });
}

export { plugin };
