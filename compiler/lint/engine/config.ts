/**
 * Lint configuration (spec/lint.md, "Configuration"): the contents of `incc.config.json` (config-file.ts
 * finds and reads the file on Node) and `--rule` overrides. Each rule is "off", "info", "warn" or "error", or
 * [severity, { option: value }]. Pure: no Node built-ins (the playground lints in a browser).
 */
import { didYouMean } from '../../diagnostics/diagnostics.js';
import { findRule, lintRules } from './registry.js';
import type { Severity } from '../../diagnostics/diagnostics.js';
import { levelOfSeverity, severityOfLevel, type LintRule, type OptionValue, type RuleLevel } from './rule.js';

export const CONFIG_FILE = 'incc.config.json';

export type RuleSetting = RuleLevel | [RuleLevel] | [RuleLevel, Record<string, OptionValue>];

export interface LintConfig {
  /** The JSON Schema of the file (schema/incc.config.schema.json), for editors; not read by incc. */
  $schema?: string;
  rules?: Record<string, RuleSetting>;
  /** .gitignore-style patterns, relative to the config file's folder: files found there are not linted. */
  ignorePatterns?: string[];
}

/** The fields of incc.config.json (schema/incc.config.schema.json describes the same; a test checks it). */
export const CONFIG_FIELDS = ['$schema', 'rules', 'ignorePatterns'] as const;

export interface ActiveRule {
  rule: LintRule;
  severity: Severity;
  options: Record<string, OptionValue>;
}

/** A configuration problem: the command reports it and exits 2. */
export class ConfigError extends Error {}

const severities = Object.keys(severityOfLevel) as RuleLevel[];

/** The configuration in `text`, the contents of the file `path` (named in the errors): a ConfigError when invalid. */
export function parseConfig(text: string, path: string): LintConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${path}: expected an object with a "rules" field`);
  }
  const config = parsed as LintConfig;
  const fields: readonly string[] = CONFIG_FIELDS;
  for (const key of Object.keys(config)) {
    if (!fields.includes(key)) {
      throw new ConfigError(
        `${path}: unknown field "${key}" (the config has ${CONFIG_FIELDS.map((f) => `"${f}"`).join(', ')})`,
      );
    }
  }
  const patterns: unknown = config.ignorePatterns;
  if (patterns !== undefined && (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string'))) {
    throw new ConfigError(`${path}: "ignorePatterns" must be an array of strings`);
  }
  const rules: unknown = config.rules;
  if (rules !== undefined && (typeof rules !== 'object' || rules === null || Array.isArray(rules))) {
    throw new ConfigError(`${path}: "rules" must be an object`);
  }
  for (const [id, setting] of Object.entries(config.rules ?? {})) checkSetting(id, setting, path);
  return config;
}

function checkSetting(id: string, setting: unknown, where: string): void {
  const rule = findRule(id);
  if (!rule)
    throw new ConfigError(
      `${where}: unknown rule "${id}"${didYouMean(
        id,
        lintRules.map((r) => r.id),
      )}`,
    );
  const [severity, options] = Array.isArray(setting) ? setting : [setting, undefined];
  if (!severities.includes(severity as RuleLevel))
    throw new ConfigError(
      `${where}: rule "${id}": severity must be one of ${severities.join(', ')}, not ${JSON.stringify(severity)}`,
    );
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ConfigError(`${where}: rule "${id}": options must be an object`);
  for (const [name, value] of Object.entries(options as Record<string, unknown>)) {
    const option = Object.hasOwn(rule.options, name) ? rule.options[name] : undefined;
    if (!option)
      throw new ConfigError(
        `${where}: rule "${id}" has no option "${name}"${didYouMean(name, Object.keys(rule.options))}`,
      );
    const expected = Array.isArray(option.default) ? 'array' : typeof option.default;
    const actual = Array.isArray(value) ? 'array' : typeof value;
    if (expected !== actual)
      throw new ConfigError(
        `${where}: rule "${id}" option "${name}" must be a ${expected}, not ${JSON.stringify(value)}`,
      );
  }
}

/**
 * `--rule` overrides: `ID=SEVERITY` or `ID.OPTION=VALUE` (VALUE as JSON: 4, true, "x", [12, 20]).
 * Returns them as config settings to lay over the file's.
 */
export function parseRuleOverrides(texts: string[]): Record<string, RuleSetting> {
  const out = new Map<string, [RuleLevel, Record<string, OptionValue>]>();
  for (const text of texts) {
    const m = /^([a-z0-9-]+)(?:\.([A-Za-z_][A-Za-z0-9_]*))?=(.+)$/.exec(text);
    if (!m) throw new ConfigError(`--rule '${text}': write ID=SEVERITY or ID.OPTION=VALUE`);
    const [, id, option, raw] = m as unknown as [string, string, string | undefined, string];
    const rule = findRule(id);
    if (!rule)
      throw new ConfigError(
        `--rule: unknown rule "${id}"${didYouMean(
          id,
          lintRules.map((r) => r.id),
        )}`,
      );
    let entry = out.get(id);
    if (!entry)
      out.set(id, (entry = [undefined as unknown as RuleLevel, Object.create(null) as Record<string, OptionValue>]));
    if (option === undefined) {
      entry[0] = raw as RuleLevel;
    } else {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
      entry[1][option] = value as OptionValue;
    }
  }
  const settings: Record<string, RuleSetting> = {};
  for (const [id, [severity, options]] of out) {
    settings[id] = [severity ?? (undefined as unknown as RuleLevel), options];
    if (severity !== undefined) checkSetting(id, settings[id], '--rule');
    else checkSetting(id, [levelOfSeverity[findRule(id)!.defaultSeverity], options], '--rule');
  }
  return settings;
}

/** The rules that run, with their severities and options: defaults, then the config file, then overrides. */
export function activeRules(config: LintConfig, overrides: Record<string, RuleSetting> = {}): ActiveRule[] {
  const out: ActiveRule[] = [];
  for (const rule of lintRules) {
    let severity: Severity | undefined = rule.defaultSeverity;
    const options: Record<string, OptionValue> = Object.fromEntries(
      Object.entries(rule.options).map(([k, o]) => [k, o.default]),
    );
    for (const setting of [config.rules?.[rule.id], overrides[rule.id]]) {
      if (setting === undefined) continue;
      const [s, o] = Array.isArray(setting) ? setting : [setting, undefined];
      if (s !== undefined) severity = severityOfLevel[s];
      Object.assign(options, o ?? {});
    }
    if (severity !== undefined) out.push({ rule, severity, options });
  }
  return out;
}
