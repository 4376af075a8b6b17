/**
 * `incc lint` on a file on disk (Node only): the program loaded through the node host, the configuration
 * from the nearest incc.config.json (config-file.ts) unless one is given, then lint.ts.
 */
import { dirname, resolve } from 'node:path';
import type { FileHost } from '../../program/program.js';
import { loadProgram, nodeFileHost } from '../../program/node-host.js';
import { findConfig, readConfig } from './config-file.js';
import type { LintConfig, RuleSetting } from './config.js';
import { lintProgram, type LintResult } from './lint.js';

export interface LintOptions {
  /** Use this configuration instead of searching for incc.config.json. */
  config?: LintConfig;
  overrides?: Record<string, RuleSetting>;
  host?: FileHost;
}

export function lintFile(path: string, options: LintOptions = {}): LintResult {
  const program = loadProgram(path, options.host ?? nodeFileHost);
  const config =
    options.config ??
    (() => {
      const configPath = findConfig(dirname(resolve(path)));
      return configPath ? readConfig(configPath) : {};
    });
  return lintProgram(program, {
    config,
    filePath: path,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
}
