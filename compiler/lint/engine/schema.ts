/**
 * The JSON Schema of incc.config.json, made from the rule registry (so it cannot drift from the rules):
 * `npm run docs:lint` writes it (JSON Schema draft-07, what editors support best) to schema/incc.config.schema.json,
 * which the package publishes and a
 * config file names in `$schema` so editors validate and complete it. A test checks the file is current.
 */
import type { CONFIG_FIELDS } from './config.js';
import { lintRules } from './registry.js';
import { levelOfSeverity, severityOfLevel, type OptionValue } from './rule.js';

const severity = { enum: Object.keys(severityOfLevel) };

function valueSchema(example: OptionValue): Record<string, unknown> {
  if (Array.isArray(example)) return { type: 'array', items: { type: 'number' } };
  return { type: typeof example === 'number' ? 'number' : typeof example };
}

export function configSchema(): Record<string, unknown> {
  const rules = Object.fromEntries(
    lintRules.map((r) => {
      const options = {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          Object.entries(r.options).map(([name, o]) => [
            name,
            { description: o.description, default: o.default, ...valueSchema(o.default) },
          ]),
        ),
      };
      return [
        r.id,
        {
          description: `${r.description} (${r.section}; default ${levelOfSeverity[r.defaultSeverity]})`,
          oneOf: [
            severity,
            { type: 'array', minItems: 1, maxItems: 2, items: [severity, options], additionalItems: false },
          ],
        },
      ];
    }),
  );
  const properties: Record<(typeof CONFIG_FIELDS)[number], Record<string, unknown>> = {
    $schema: { type: 'string', description: 'This schema, for editors.' },
    rules: {
      type: 'object',
      description: 'Rule severities ("off", "info", "warn", "error"), or [severity, { option: value }].',
      additionalProperties: false,
      properties: rules,
    },
    ignorePatterns: {
      type: 'array',
      description: ".gitignore-style patterns, relative to this file's folder: files found there are not linted.",
      items: { type: 'string' },
    },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://unpkg.com/incc/schema/incc.config.schema.json',
    title: 'incc.config.json',
    description: 'Configuration of incc lint (spec/lint.md).',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
