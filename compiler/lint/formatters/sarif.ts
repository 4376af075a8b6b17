/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers. Stable rule ids, every rule
 * listed with its description, a PascalCase name (SARIF1001), an absolute help address and default level,
 * and partialFingerprints that do not move when lines do (rule, file, network, node name and message id).
 * A file that does not compile gives a result per compiler error, its rule the diagnostic code.
 */
import { createHash } from 'node:crypto';
import type { LintMessage, LintResult } from '../engine/lint.js';
import { lintRules } from '../engine/registry.js';

export interface SarifOptions {
  /** incc's version. */
  version: string;
  /** The tool's home page (the repository). */
  informationUri: string;
  /** Where spec/ is on the web: rule pages are `${docsUrl}/spec/lint/<id>.md`. */
  docsUrl: string;
}

const levelOf = { error: 'error', warning: 'warning', info: 'note' } as const;

/** `large-unfactorized-kernel` -> `LargeUnfactorizedKernel`, as SARIF's rule-name guidance asks. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

export function formatSarif(results: LintResult[], options: SarifOptions): string {
  const page = (path: string) => `${options.docsUrl.replace(/\/+$/, '')}/${path}`;
  const fatalCodes = [
    ...new Set(results.flatMap((r) => r.messages.filter((m) => m.fatal).map((m) => m.ruleId))),
  ].sort();
  const rules = [
    ...lintRules.map((r) => ({
      id: r.id,
      name: pascalCase(r.id),
      shortDescription: { text: r.description },
      fullDescription: {
        text: `${r.description} (${r.section} of "Rethinking the Inception Architecture for Computer Vision").`,
      },
      helpUri: page(`spec/lint/${r.id}.md`),
      help: {
        text: `See ${page(`spec/lint/${r.id}.md`)}`,
        markdown: `See [${r.id}](${page(`spec/lint/${r.id}.md`)}).`,
      },
      defaultConfiguration: { level: levelOf[r.defaultSeverity] },
      properties: { section: r.section },
    })),
    {
      id: 'unused-suppression',
      name: 'UnusedSuppression',
      shortDescription: { text: 'An incc-disable comment that suppresses nothing.' },
      fullDescription: { text: 'An incc-disable comment that suppresses nothing, or names a rule that is not active.' },
      helpUri: page('spec/lint.md'),
      help: { text: 'Remove the comment, or fix the rule id it names.' },
      defaultConfiguration: { level: 'warning' as const },
      properties: { section: 'incc' },
    },
    ...fatalCodes.map((code) => ({
      id: code,
      name: pascalCase(code),
      shortDescription: { text: `Compiler error ${code}: the file does not compile, so it was not linted.` },
      helpUri: page(`spec/diagnostics.md#${code}`),
      help: { text: `See ${page(`spec/diagnostics.md#${code}`)}` },
      defaultConfiguration: { level: 'error' as const },
      properties: { section: 'compiler' },
    })),
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const toResult = (m: LintMessage, suppressed?: { reason?: string }) => ({
    ruleId: m.ruleId,
    ruleIndex: index.get(m.ruleId) ?? 0,
    level: levelOf[m.severity],
    message: { text: m.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(m.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
        },
        ...(m.node
          ? { logicalLocations: [{ name: m.node, fullyQualifiedName: `${m.network}/${m.node}`, kind: 'member' }] }
          : {}),
      },
    ],
    ...(m.related
      ? {
          relatedLocations: m.related.map((r, i) => ({
            id: i,
            message: { text: r.message },
            physicalLocation: {
              artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' },
              region: { startLine: r.line, startColumn: r.column },
            },
          })),
        }
      : {}),
    partialFingerprints: { 'inccFinding/v1': fingerprint(m) },
    ...(suppressed ? { suppressions: [{ kind: 'inSource', justification: suppressed.reason ?? '' }] } : {}),
  });
  const { version, informationUri } = options;
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'incc', semanticVersion: version, version, informationUri, rules } },
        results: results.flatMap((r) => [
          ...r.messages.map((m) => toResult(m)),
          ...r.suppressed.map((m) => toResult(m, m)),
        ]),
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

function uri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/**
 * Stable across moved lines for findings about a layer (rule, file, network, layer, message id). A finding
 * about no layer (a train-section setting) is placed by its line, and told apart from another on the same
 * line (two settings of one schedule) by its message.
 */
function fingerprint(m: LintMessage): string {
  const place = m.node ?? `${m.line}\u0000${m.message}`;
  return createHash('sha256')
    .update([m.ruleId, m.file, m.network ?? '', place, m.messageId].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}
